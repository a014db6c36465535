-- One row whose version moves with every write to the tree (create, update,
-- close, move) and to the rulebook, inside the write's transaction. Services
-- that keep a local copy of the tree and rules (GetTreeSnapshot) compare it
-- on every use; tree writes are rare admin acts, so they may queue on it.
CREATE TABLE tree_versions (
  id INTEGER PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO tree_versions (id, version) VALUES (1, 1);
