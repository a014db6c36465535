-- Visits carry a change stamp (common/db/change_stamp.h) partitioned by the
-- visit's year, by which cached activity reports are checked on every read;
-- the per-unit version rows bumped along every ancestor are gone (no row is
-- shared between writers of different cells). See docs/reports.md.
ALTER TABLE visits ADD COLUMN visit_year INTEGER NOT NULL DEFAULT 0;
ALTER TABLE visits ADD COLUMN stamp BIGINT NOT NULL DEFAULT 0;
UPDATE visits SET visit_year = CAST(SUBSTR(visit_date, 1, 4) AS INTEGER);
CREATE INDEX visits_by_year_stamp ON visits (visit_year, stamp);
DROP TABLE unit_versions;
