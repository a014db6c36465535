-- Embedded by chibo_embed_migrations(); exercised by database_conformance_test.
CREATE TABLE branches (
  id {{AUTO_ID}},
  name TEXT NOT NULL,
  note TEXT  -- a literal with a ?1 must survive: 'x?1'
);
CREATE INDEX branches_name ON branches (name);
