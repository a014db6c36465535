-- Accounts of the embedded default, their sessions, and login failures
-- counted per account and per address (shared by every replica).
CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  member_id TEXT,
  roles_json TEXT NOT NULL,
  scope_org_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX accounts_by_scope ON accounts (scope_org_id);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX sessions_by_account ON sessions (account_id);
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  failures INTEGER NOT NULL
);
