-- Follow-up that escalates (nhắc việc), docs/reminders.md: one row per
-- (item, step) raised, never twice (the unique key makes a rescan, or two
-- replicas scanning at once, harmless); the outbox row of each for the
-- province's webhook, claimed under a lease so one replica sends it; and
-- the audit of every delivery attempt.
CREATE TABLE reminders (
  id TEXT PRIMARY KEY,
  province_id TEXT NOT NULL,
  subject INTEGER NOT NULL,
  subject_id TEXT NOT NULL,
  visit_id TEXT NOT NULL,
  cell_id TEXT NOT NULL,
  cell_name TEXT NOT NULL,
  step INTEGER NOT NULL,
  recipient_org_id TEXT NOT NULL,
  recipient_name TEXT NOT NULL,
  item_date TEXT NOT NULL,
  due_on TEXT NOT NULL,
  days_late INTEGER NOT NULL,
  raised_on TEXT NOT NULL,
  text TEXT NOT NULL,
  resolved_at TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (subject, subject_id, step)
);
CREATE INDEX reminders_by_recipient ON reminders (recipient_org_id, raised_on);
CREATE INDEX reminders_outstanding ON reminders (province_id, resolved_at);

CREATE TABLE reminder_outbox (
  reminder_id TEXT PRIMARY KEY,
  state INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at BIGINT NOT NULL,   -- unix seconds
  lease_owner TEXT NOT NULL,
  lease_until BIGINT NOT NULL,       -- unix seconds; 0: not claimed
  delivered_at TEXT,
  last_error TEXT NOT NULL
);
CREATE INDEX reminder_outbox_due ON reminder_outbox (state, next_attempt_at);

CREATE TABLE reminder_deliveries (
  reminder_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  http_status INTEGER NOT NULL,
  error TEXT NOT NULL,
  PRIMARY KEY (reminder_id, attempt)
);

-- The proposals a team's leader writes into its report for a period.
CREATE TABLE team_report_proposals (
  team_id TEXT NOT NULL,
  period TEXT NOT NULL,
  proposals TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (team_id, period)
);
