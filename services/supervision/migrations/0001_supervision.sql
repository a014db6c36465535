-- Supervision: teams, follow assignments, visits with their scores and
-- recommendations, and a version per org unit that every visit write bumps
-- for the visited unit and each of its ancestors (report cache keys include
-- the report unit's version, so a new visit below it makes the next read fresh).
CREATE TABLE teams (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner_org_id TEXT NOT NULL,
  owner_name TEXT NOT NULL,
  level INTEGER NOT NULL,
  leader_member_id TEXT NOT NULL,
  member_ids_json TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX teams_by_owner ON teams (owner_org_id);

CREATE TABLE follow_assignments (
  id TEXT PRIMARY KEY,
  member_id TEXT NOT NULL,
  cell_id TEXT NOT NULL,
  from_date TEXT NOT NULL,
  to_date TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX follow_assignments_by_cell ON follow_assignments (cell_id);

CREATE TABLE visits (
  id TEXT PRIMARY KEY,
  meeting_id TEXT NOT NULL,
  team_id TEXT NOT NULL,          -- '' when one supervisor went alone
  supervisor_member_id TEXT NOT NULL,  -- '' for a team
  supervisor_name TEXT NOT NULL,
  owner_org_id TEXT NOT NULL,
  level INTEGER NOT NULL,
  unit_id TEXT NOT NULL,
  unit_kind INTEGER NOT NULL,
  remote INTEGER NOT NULL,
  meeting_kind INTEGER NOT NULL,
  visit_date TEXT NOT NULL,
  attendees_json TEXT NOT NULL,
  observations TEXT NOT NULL,
  scores_json TEXT NOT NULL,
  score INTEGER NOT NULL,
  grade INTEGER NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX visits_by_visitor_meeting ON visits (team_id, supervisor_member_id, meeting_id);
CREATE INDEX visits_by_date ON visits (visit_date);

CREATE TABLE recommendations (
  id TEXT PRIMARY KEY,
  visit_id TEXT NOT NULL,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  due_on TEXT NOT NULL,
  status INTEGER NOT NULL,
  follow_up TEXT NOT NULL
);
CREATE INDEX recommendations_by_visit ON recommendations (visit_id);

CREATE TABLE unit_versions (
  unit_id TEXT PRIMARY KEY,
  version BIGINT NOT NULL
);
