-- Meeting scheduling: series, meetings and their records, tasks, thematic
-- plans, and a version per org unit that every meeting write bumps for the
-- cell and each of its ancestors (it serializes writers of one cell on both
-- engines, and a report for any unit keys its cache with one row's version).
CREATE TABLE meeting_series (
  id TEXT PRIMARY KEY,
  cell_id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  title TEXT NOT NULL,
  rrule TEXT NOT NULL,
  first_start TEXT NOT NULL,
  duration_minutes INTEGER NOT NULL,
  place TEXT NOT NULL,
  materialized_until TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX meeting_series_by_cell ON meeting_series (cell_id);

CREATE TABLE meetings (
  id TEXT PRIMARY KEY,
  cell_id TEXT NOT NULL,
  series_id TEXT,
  occurrence_start TEXT,
  kind INTEGER NOT NULL,
  title TEXT NOT NULL,
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  starts_unix BIGINT NOT NULL,
  ends_unix BIGINT NOT NULL,
  place TEXT NOT NULL,
  status INTEGER NOT NULL,
  status_reason TEXT NOT NULL,
  actual_start TEXT,
  actual_end TEXT,
  actual_minutes INTEGER NOT NULL DEFAULT 0,
  guests_json TEXT NOT NULL DEFAULT '[]',
  speakers INTEGER NOT NULL DEFAULT 0,
  opinions INTEGER NOT NULL DEFAULT 0,
  resolution TEXT NOT NULL DEFAULT '',
  self_score INTEGER NOT NULL DEFAULT 0,
  roster_total INTEGER NOT NULL DEFAULT 0,
  expected INTEGER NOT NULL DEFAULT 0,
  present INTEGER NOT NULL DEFAULT 0,
  absent_excused INTEGER NOT NULL DEFAULT 0,
  absent_unexcused INTEGER NOT NULL DEFAULT 0,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX meetings_by_cell_time ON meetings (cell_id, starts_unix);
CREATE INDEX meetings_by_time ON meetings (starts_unix);
CREATE UNIQUE INDEX meetings_by_occurrence ON meetings (series_id, occurrence_start);

CREATE TABLE meeting_attendance (
  meeting_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  mark INTEGER NOT NULL,
  reason TEXT NOT NULL,
  member_name TEXT NOT NULL,
  expected INTEGER NOT NULL,
  PRIMARY KEY (meeting_id, member_id)
);

CREATE TABLE meeting_tasks (
  id TEXT PRIMARY KEY,
  meeting_id TEXT NOT NULL,
  cell_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  assignee_member_id TEXT NOT NULL,
  description TEXT NOT NULL,
  due_on TEXT NOT NULL,
  reviewed INTEGER NOT NULL DEFAULT 0,
  done INTEGER NOT NULL DEFAULT 0,
  review_note TEXT NOT NULL DEFAULT '',
  reviewed_in_meeting_id TEXT
);
CREATE INDEX meeting_tasks_by_meeting ON meeting_tasks (meeting_id);

CREATE TABLE unit_versions (
  unit_id TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);

CREATE TABLE thematic_plans (
  cell_id TEXT NOT NULL,
  year INTEGER NOT NULL,
  topics_json TEXT NOT NULL,
  status INTEGER NOT NULL,
  review_comment TEXT NOT NULL,
  submitted_by TEXT NOT NULL,
  reviewed_by TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (cell_id, year)
);
