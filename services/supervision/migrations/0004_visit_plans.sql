-- The visit planner (kế hoạch dự sinh hoạt): a committee's plan for a
-- period, kept whole as JSON (plan_json: its visits, figures, loads), and one
-- row per planned visit so other plans and reports can find them by date.
CREATE TABLE visit_plans (
  id TEXT PRIMARY KEY,
  owner_org_id TEXT NOT NULL,
  period TEXT NOT NULL,
  status INTEGER NOT NULL,
  plan_json TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX visit_plans_by_owner ON visit_plans (owner_org_id, period);

CREATE TABLE plan_visits (
  plan_id TEXT NOT NULL,
  meeting_id TEXT NOT NULL,
  cell_id TEXT NOT NULL,
  visit_date TEXT NOT NULL,
  team_id TEXT NOT NULL,
  level INTEGER NOT NULL,
  approved INTEGER NOT NULL,
  PRIMARY KEY (plan_id, meeting_id)
);
CREATE INDEX plan_visits_by_date ON plan_visits (visit_date);
-- One approved plan per committee and period, also when two approvals race.
CREATE UNIQUE INDEX visit_plans_one_approved ON visit_plans (owner_org_id, period) WHERE status = 2;
