-- No double-booking (docs/supervision.md): where each team and each person
-- was, and when. One row per visit and per visitor — 'team:<id>' for a team,
-- 'member:<id>' for a lone supervisor and for each member listed as having
-- gone — with the visited meeting's time (its actual start and end once
-- recorded, else the planned ones), in Unix seconds. RecordVisit refuses a
-- visitor with a row overlapping the new one, under the visitor's lock row.
CREATE TABLE visit_presence (
  who TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  starts_unix BIGINT NOT NULL,
  ends_unix BIGINT NOT NULL,
  PRIMARY KEY (who, visit_id)
);
CREATE INDEX visit_presence_by_who_time ON visit_presence (who, starts_unix);
-- Bumped by each visit of the visitor, so two visits of one team or person
-- are checked one after the other (no shared row between visitors).
CREATE TABLE visitor_locks (
  who TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);
