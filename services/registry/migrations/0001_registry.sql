-- The membership registry's schema. One text for SQLite and PostgreSQL:
-- dates are TEXT 'YYYY-MM-DD' (they sort as they compare), enums INTEGER
-- (the proto's numbers), every effective-dated fact has valid_from
-- (inclusive) and valid_to (exclusive, NULL = still so).

CREATE TABLE org_units (
  id TEXT PRIMARY KEY,
  province_id TEXT NOT NULL,
  kind INTEGER NOT NULL,
  category INTEGER NOT NULL,
  name TEXT NOT NULL,
  code TEXT,
  remote INTEGER NOT NULL,
  opened_on TEXT NOT NULL,
  closed_on TEXT,
  close_reason TEXT,
  version BIGINT NOT NULL,
  -- Bumped by every write about the unit's members: part of roster cache keys.
  data_version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX org_units_code ON org_units (province_id, code);

-- Which parent a unit sat under, and when (a move closes one row, opens another).
CREATE TABLE org_unit_parents (
  unit_id TEXT NOT NULL REFERENCES org_units (id),
  parent_id TEXT REFERENCES org_units (id),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  PRIMARY KEY (unit_id, valid_from)
);
CREATE INDEX org_unit_parents_by_parent ON org_unit_parents (parent_id, valid_from);

CREATE TABLE members (
  id TEXT PRIMARY KEY,
  card_number TEXT NOT NULL UNIQUE,
  full_name TEXT NOT NULL,
  search_key TEXT NOT NULL,   -- name and card folded: lower case, no diacritics
  sex INTEGER NOT NULL,
  birth_date TEXT,
  citizen_id TEXT,
  phone TEXT,
  admitted_on TEXT NOT NULL,
  official_on TEXT,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- Home cell history (sinh hoạt tại chi bộ): exactly one open row per member.
CREATE TABLE member_cells (
  member_id TEXT NOT NULL REFERENCES members (id),
  cell_id TEXT NOT NULL REFERENCES org_units (id),
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  PRIMARY KEY (member_id, valid_from)
);
CREATE INDEX member_cells_by_cell ON member_cells (cell_id, valid_from);

-- Dated states other than active: exempted, away (with host), suspended,
-- and the terminal removed / expelled / deceased (valid_to NULL).
CREATE TABLE member_statuses (
  member_id TEXT NOT NULL REFERENCES members (id),
  status INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  host_cell_id TEXT,
  partial INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (member_id, status, valid_from)
);
CREATE INDEX member_statuses_by_host ON member_statuses (host_cell_id, valid_from);

CREATE TABLE member_positions (
  member_id TEXT NOT NULL REFERENCES members (id),
  org_unit_id TEXT NOT NULL REFERENCES org_units (id),
  position INTEGER NOT NULL,
  valid_from TEXT NOT NULL,
  valid_to TEXT,
  PRIMARY KEY (member_id, org_unit_id, position, valid_from)
);
CREATE INDEX member_positions_by_unit ON member_positions (org_unit_id, position);

-- Lifecycle events as they were recorded (biến động đảng viên).
CREATE TABLE member_events (
  id {{AUTO_ID}},
  member_id TEXT NOT NULL REFERENCES members (id),
  kind INTEGER NOT NULL,
  effective_on TEXT NOT NULL,
  from_cell_id TEXT NOT NULL,
  to_cell_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE INDEX member_events_by_member ON member_events (member_id, id);

-- Dated, per-province thresholds; the version in force on D is the one with
-- the latest effective_from <= D.
CREATE TABLE rulebook_versions (
  province_id TEXT NOT NULL REFERENCES org_units (id),
  effective_from TEXT NOT NULL,
  rules_json TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (province_id, effective_from)
);
