-- Per-cell, per-year folds of the meetings (docs/reports.md): one row per
-- unit and year holding, in compact form, what reports need of each of its
-- meetings that year. Rewritten from the meetings table inside every
-- meeting write's transaction, so it is never behind the meetings; writers
-- of different cells touch different rows. `stamp` is a change stamp
-- (common/db/change_stamp.h) by which cached summaries are checked.
CREATE TABLE cell_year_facts (
  cell_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  meetings INTEGER NOT NULL,
  facts TEXT NOT NULL,
  stamp BIGINT NOT NULL,
  PRIMARY KEY (cell_id, year)
);
CREATE INDEX cell_year_facts_by_stamp ON cell_year_facts (year, stamp);
