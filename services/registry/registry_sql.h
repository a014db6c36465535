// Every SQL statement of the registry, named. One text serves SQLite and
// PostgreSQL (see common/db/database.h for the conventions). "Valid on D"
// always reads: valid_from <= D AND (valid_to IS NULL OR valid_to > D).
#ifndef CHIBO_SERVICES_REGISTRY_REGISTRY_SQL_H_
#define CHIBO_SERVICES_REGISTRY_REGISTRY_SQL_H_

namespace chibo::registry::sql {

// ------------------------------------------------------------ org units
inline constexpr char kInsertOrgUnit[] =
    "INSERT INTO org_units (id, province_id, kind, category, name, code, remote, opened_on, "
    "version, data_version, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1, ?9, ?9)";
inline constexpr char kInsertParentPeriod[] =
    "INSERT INTO org_unit_parents (unit_id, parent_id, valid_from, valid_to) "
    "VALUES (?1, ?2, ?3, NULL)";
inline constexpr char kEndParentPeriod[] =
    "UPDATE org_unit_parents SET valid_to = ?2 WHERE unit_id = ?1 AND valid_to IS NULL";
inline constexpr char kSelectOrgUnit[] =
    "SELECT id, province_id, kind, category, name, code, remote, opened_on, closed_on, "
    "close_reason, version FROM org_units WHERE id = ?1";
inline constexpr char kSelectParentOn[] =
    "SELECT parent_id FROM org_unit_parents WHERE unit_id = ?1 AND valid_from <= ?2 "
    "AND (valid_to IS NULL OR valid_to > ?2)";
inline constexpr char kSelectParentHistory[] =
    "SELECT parent_id, valid_from, valid_to FROM org_unit_parents WHERE unit_id = ?1 "
    "ORDER BY valid_from";
inline constexpr char kSelectLatestParentPeriodStart[] =
    "SELECT valid_from FROM org_unit_parents WHERE unit_id = ?1 AND valid_to IS NULL";
// Ancestors of ?1 on date ?2, nearest first, with their distance.
inline constexpr char kSelectAncestorsOn[] =
    "WITH RECURSIVE up(id, dist) AS ("
    "  SELECT CAST(?1 AS TEXT), 0"
    "  UNION ALL"
    "  SELECT p.parent_id, up.dist + 1 FROM org_unit_parents p JOIN up ON p.unit_id = up.id"
    "  WHERE p.parent_id IS NOT NULL AND p.valid_from <= ?2"
    "    AND (p.valid_to IS NULL OR p.valid_to > ?2) AND up.dist < 64"
    ") SELECT id FROM up ORDER BY dist";
// The dates after ?1 on which the tree changes: every later start or end of
// a parent period (few: only future-dated moves make them).
inline constexpr char kSelectTreeChangeDatesAfter[] =
    "SELECT valid_from FROM org_unit_parents WHERE valid_from > ?1 "
    "UNION SELECT valid_to FROM org_unit_parents WHERE valid_to > ?1 ORDER BY 1";
// How many levels the subtree of ?1 has below it on date ?2 (0: no children).
inline constexpr char kSelectSubtreeHeightOn[] =
    "WITH RECURSIVE sub(id, depth) AS ("
    "  SELECT CAST(?1 AS TEXT), 0"
    "  UNION ALL"
    "  SELECT p.unit_id, sub.depth + 1 FROM org_unit_parents p JOIN sub ON p.parent_id = sub.id"
    "  WHERE p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2) AND sub.depth < 64"
    ") SELECT MAX(depth) FROM sub";
// Units under ?1 on date ?2 (children only when ?3 = 0), with their depth
// below ?1, filtered, ordered by name, paged.
inline constexpr char kListOrgUnits[] =
    "WITH RECURSIVE sub(id, depth) AS ("
    "  SELECT p.unit_id, 1 FROM org_unit_parents p"
    "  WHERE p.parent_id = ?1 AND p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2)"
    "  UNION ALL"
    "  SELECT p.unit_id, sub.depth + 1 FROM org_unit_parents p JOIN sub ON p.parent_id = sub.id"
    "  WHERE CAST(?3 AS INTEGER) = 1 AND p.valid_from <= ?2"
    "    AND (p.valid_to IS NULL OR p.valid_to > ?2) AND sub.depth < 64"
    ") SELECT u.id FROM sub JOIN org_units u ON u.id = sub.id"
    " WHERE u.opened_on <= ?2"
    "   AND (CAST(?8 AS INTEGER) = 1 OR u.closed_on IS NULL OR u.closed_on > ?2)"
    "   AND (CAST(?4 AS INTEGER) = 0 OR u.kind = CAST(?4 AS INTEGER))"
    "   AND (CAST(?5 AS INTEGER) = 0 OR u.category = CAST(?5 AS INTEGER))"
    "   AND (CAST(?6 AS INTEGER) = 0 OR u.remote = 1)"
    " ORDER BY sub.depth, u.name, u.id LIMIT CAST(?7 AS INTEGER) OFFSET CAST(?9 AS INTEGER)";
inline constexpr char kCountOpenChildrenOn[] =
    "SELECT COUNT(*) FROM org_unit_parents p JOIN org_units u ON u.id = p.unit_id "
    "WHERE p.parent_id = ?1 AND p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2) "
    "AND (u.closed_on IS NULL OR u.closed_on > ?2)";
inline constexpr char kUpdateOrgUnitFields[] =
    "UPDATE org_units SET name = ?2, code = ?3, category = ?4, remote = ?5, "
    "version = version + 1, updated_at = ?6 WHERE id = ?1";
inline constexpr char kCloseOrgUnit[] =
    "UPDATE org_units SET closed_on = ?2, close_reason = ?3, version = version + 1, "
    "updated_at = ?4 WHERE id = ?1";
// Moves with every write to the tree or the rulebook (in its transaction).
inline constexpr char kSelectTreeVersion[] = "SELECT version FROM tree_versions WHERE id = 1";
inline constexpr char kBumpTreeVersion[] = "UPDATE tree_versions SET version = version + 1 WHERE id = 1";
// The roll report: every home-cell row, and every dated status, of the
// members with a row in some of the cells listed (appended: ?3, ?4, …)
// overlapping [?2, ?1] (days, valid_to exclusive), with who they are.
#define CHIBO_ROLL_MEMBERS_IN                                                        \
  " member_id IN (SELECT x.member_id FROM member_cells x WHERE x.valid_from <= ?1" \
  " AND (x.valid_to IS NULL OR x.valid_to > ?2) AND x.cell_id IN ("
inline constexpr char kRollCellRowsPrefix[] =
    "SELECT mc.member_id, mc.cell_id, mc.valid_from, COALESCE(mc.valid_to, ''), m.sex,"
    " COALESCE(m.birth_date, ''), m.admitted_on, COALESCE(m.official_on, '')"
    " FROM member_cells mc JOIN members m ON m.id = mc.member_id WHERE mc." CHIBO_ROLL_MEMBERS_IN;
inline constexpr char kRollStatusesPrefix[] =
    "SELECT member_id, status, valid_from, COALESCE(valid_to, '') FROM member_statuses WHERE"
    CHIBO_ROLL_MEMBERS_IN;
#undef CHIBO_ROLL_MEMBERS_IN

// The whole tree of a province, for GetTreeSnapshot.
inline constexpr char kSelectProvinceUnits[] =
    "SELECT id, kind, category, name, code, remote, opened_on, closed_on, close_reason, version "
    "FROM org_units WHERE province_id = ?1 ORDER BY id";
inline constexpr char kSelectProvinceParents[] =
    "SELECT p.unit_id, p.parent_id, p.valid_from, p.valid_to FROM org_unit_parents p "
    "JOIN org_units u ON u.id = p.unit_id WHERE u.province_id = ?1 ORDER BY p.unit_id, p.valid_from";
inline constexpr char kBumpOrgUnitVersion[] =
    "UPDATE org_units SET version = version + 1, updated_at = ?2 WHERE id = ?1";
inline constexpr char kBumpDataVersion[] =
    "UPDATE org_units SET data_version = data_version + 1 WHERE id = ?1";
inline constexpr char kSelectDataVersion[] = "SELECT data_version FROM org_units WHERE id = ?1";
// Every unit in the subtree of ?1 as of ?2 (itself included).
inline constexpr char kSelectSubtreeIds[] =
    "WITH RECURSIVE sub(id, depth) AS ("
    "  SELECT CAST(?1 AS TEXT), 0"
    "  UNION ALL"
    "  SELECT p.unit_id, sub.depth + 1 FROM org_unit_parents p JOIN sub ON p.parent_id = sub.id"
    "  WHERE p.valid_from <= ?2 AND (p.valid_to IS NULL OR p.valid_to > ?2) AND sub.depth < 64"
    ") SELECT id FROM sub";

// ------------------------------------------------------------ members
inline constexpr char kInsertMember[] =
    "INSERT INTO members (id, card_number, full_name, search_key, sex, birth_date, citizen_id, "
    "phone, admitted_on, official_on, version, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11)";
inline constexpr char kSelectMember[] =
    "SELECT id, card_number, full_name, sex, birth_date, citizen_id, phone, admitted_on, "
    "official_on, version FROM members WHERE id = ?1";
inline constexpr char kUpdateMemberFields[] =
    "UPDATE members SET card_number = ?2, full_name = ?3, search_key = ?4, sex = ?5, "
    "birth_date = ?6, citizen_id = ?7, phone = ?8, version = version + 1, updated_at = ?9 "
    "WHERE id = ?1";
inline constexpr char kSetOfficialOn[] =
    "UPDATE members SET official_on = ?2 WHERE id = ?1";
inline constexpr char kBumpMemberVersion[] =
    "UPDATE members SET version = version + 1, updated_at = ?2 WHERE id = ?1";
inline constexpr char kInsertMemberCell[] =
    "INSERT INTO member_cells (member_id, cell_id, valid_from, valid_to) VALUES (?1, ?2, ?3, NULL)";
inline constexpr char kEndMemberCell[] =
    "UPDATE member_cells SET valid_to = ?2 WHERE member_id = ?1 AND valid_to IS NULL";
inline constexpr char kSelectCellHistory[] =
    "SELECT cell_id, valid_from, valid_to FROM member_cells WHERE member_id = ?1 "
    "ORDER BY valid_from";
inline constexpr char kSelectOpenCellPeriodStart[] =
    "SELECT valid_from FROM member_cells WHERE member_id = ?1 AND valid_to IS NULL";
// The member's state on ?2: the highest status number wins (terminal >
// suspended > away > exempted); none means active.
inline constexpr char kSelectStatusOn[] =
    "SELECT status, host_cell_id FROM member_statuses WHERE member_id = ?1 AND valid_from <= ?2 "
    "AND (valid_to IS NULL OR valid_to > ?2) ORDER BY status DESC LIMIT 1";
inline constexpr char kSelectOpenStatus[] =
    "SELECT valid_from, host_cell_id FROM member_statuses WHERE member_id = ?1 AND status = ?2 "
    "AND valid_to IS NULL";
inline constexpr char kSelectTerminalStatus[] =
    "SELECT status, valid_from FROM member_statuses WHERE member_id = ?1 AND status >= 5";
inline constexpr char kSelectStatusRowOn[] =
    "SELECT valid_from, valid_to, host_cell_id FROM member_statuses WHERE member_id = ?1 "
    "AND status = ?2 AND valid_from <= ?3 AND (valid_to IS NULL OR valid_to > ?3)";
inline constexpr char kCountStatusRowsFrom[] =
    "SELECT COUNT(*) FROM member_statuses WHERE member_id = ?1 AND status = ?2 "
    "AND (valid_to IS NULL OR valid_to > ?3)";
inline constexpr char kInsertStatus[] =
    "INSERT INTO member_statuses (member_id, status, valid_from, valid_to, host_cell_id, "
    "partial, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr char kEndStatusRow[] =
    "UPDATE member_statuses SET valid_to = ?4 WHERE member_id = ?1 AND status = ?2 "
    "AND valid_from = ?3";
inline constexpr char kSelectPositionsOn[] =
    "SELECT org_unit_id, position, valid_from, valid_to FROM member_positions "
    "WHERE member_id = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to > ?2) "
    "ORDER BY org_unit_id, position";
inline constexpr char kInsertPosition[] =
    "INSERT INTO member_positions (member_id, org_unit_id, position, valid_from, valid_to) "
    "VALUES (?1, ?2, ?3, ?4, NULL)";
inline constexpr char kSelectOpenPosition[] =
    "SELECT valid_from FROM member_positions WHERE member_id = ?1 AND org_unit_id = ?2 "
    "AND position = ?3 AND valid_to IS NULL";
inline constexpr char kEndPosition[] =
    "UPDATE member_positions SET valid_to = ?4 WHERE member_id = ?1 AND org_unit_id = ?2 "
    "AND position = ?3 AND valid_to IS NULL";
inline constexpr char kEndPositionsInUnit[] =
    "UPDATE member_positions SET valid_to = ?3 WHERE member_id = ?1 AND org_unit_id = ?2 "
    "AND valid_to IS NULL";
inline constexpr char kEndAllPositions[] =
    "UPDATE member_positions SET valid_to = ?2 WHERE member_id = ?1 AND valid_to IS NULL";
// Who else holds position ?2 of unit ?1 on date ?3 or any later day (an
// assignment from ?3 has no end, so it would overlap them all).
inline constexpr char kSelectHolderOn[] =
    "SELECT member_id FROM member_positions WHERE org_unit_id = ?1 AND position = ?2 "
    "AND (valid_to IS NULL OR valid_to > ?3) AND member_id <> ?4 ORDER BY valid_from LIMIT 1";
inline constexpr char kInsertEvent[] =
    "INSERT INTO member_events (member_id, kind, effective_on, from_cell_id, to_cell_id, reason, "
    "detail, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr char kSelectEvents[] =
    "SELECT id, member_id, kind, effective_on, from_cell_id, to_cell_id, reason, detail, "
    "recorded_by FROM member_events WHERE member_id = ?1 ORDER BY effective_on, id";
// Members whose home cell on ?2 lies in the units listed by the subtree CTE
// (or is ?1 itself when ?3 = 0), with the status they have on ?2, filtered
// and paged.
inline constexpr char kListMembers[] =
    "WITH RECURSIVE sub(id, depth) AS ("
    "  SELECT CAST(?1 AS TEXT), 0"
    "  UNION ALL"
    "  SELECT p.unit_id, sub.depth + 1 FROM org_unit_parents p JOIN sub ON p.parent_id = sub.id"
    "  WHERE CAST(?3 AS INTEGER) = 1 AND p.valid_from <= ?2"
    "    AND (p.valid_to IS NULL OR p.valid_to > ?2) AND sub.depth < 64"
    "), roll AS ("
    "  SELECT m.id, m.full_name, m.search_key, m.official_on,"
    "    COALESCE((SELECT s.status FROM member_statuses s WHERE s.member_id = m.id"
    "      AND s.valid_from <= ?2 AND (s.valid_to IS NULL OR s.valid_to > ?2)"
    "      ORDER BY s.status DESC LIMIT 1), 1) AS status"
    "  FROM sub JOIN member_cells mc ON mc.cell_id = sub.id"
    "   AND mc.valid_from <= ?2 AND (mc.valid_to IS NULL OR mc.valid_to > ?2)"
    "  JOIN members m ON m.id = mc.member_id AND m.admitted_on <= ?2"
    ") SELECT id FROM roll"
    " WHERE (CAST(?4 AS INTEGER) = 0"
    "        OR (CAST(?4 AS INTEGER) = 2 AND official_on IS NOT NULL AND official_on <= ?2)"
    "        OR (CAST(?4 AS INTEGER) = 1 AND (official_on IS NULL OR official_on > ?2)))"
    "   AND ((CAST(?5 AS INTEGER) = 0 AND status < 5) OR status = CAST(?5 AS INTEGER))"
    "   AND (CAST(?6 AS TEXT) = '' OR search_key LIKE CAST(?6 AS TEXT))"
    " ORDER BY full_name, id LIMIT CAST(?7 AS INTEGER) OFFSET CAST(?8 AS INTEGER)";
inline constexpr char kCountMembersOfCellOn[] =
    "SELECT COUNT(*) FROM member_cells WHERE cell_id = ?1 AND valid_from <= ?2 "
    "AND (valid_to IS NULL OR valid_to > ?2)";

// ------------------------------------------------------------ roster
// Members of cell ?1 on date ?2 with their standing and their state then.
inline constexpr char kSelectRoll[] =
    "SELECT m.id, m.full_name, m.official_on,"
    "  COALESCE((SELECT s.status FROM member_statuses s WHERE s.member_id = m.id"
    "    AND s.valid_from <= ?2 AND (s.valid_to IS NULL OR s.valid_to > ?2)"
    "    ORDER BY s.status DESC LIMIT 1), 1) AS status"
    " FROM member_cells mc JOIN members m ON m.id = mc.member_id"
    " WHERE mc.cell_id = ?1 AND mc.valid_from <= ?2 AND (mc.valid_to IS NULL OR mc.valid_to > ?2)"
    "   AND m.admitted_on <= ?2"
    " ORDER BY m.full_name, m.id";
// A committee's roll on date ?2: the members of committee ?1 (cấp ủy viên,
// ủy viên ban thường vụ), each once, with their status that day.
inline constexpr char kSelectCommitteeRoll[] =
    "SELECT DISTINCT m.id, m.full_name, m.official_on,"
    "  COALESCE((SELECT s.status FROM member_statuses s WHERE s.member_id = m.id"
    "    AND s.valid_from <= ?2 AND (s.valid_to IS NULL OR s.valid_to > ?2)"
    "    ORDER BY s.status DESC LIMIT 1), 1) AS status"
    " FROM member_positions p JOIN members m ON m.id = p.member_id"
    " WHERE p.org_unit_id = ?1 AND p.position IN (4, 5) AND p.valid_from <= ?2"
    "   AND (p.valid_to IS NULL OR p.valid_to > ?2) AND m.admitted_on <= ?2"
    " ORDER BY m.full_name, m.id";
// The committees member ?1 sits or sat on (their rolls change with the member).
inline constexpr char kSelectCommitteesOfMember[] =
    "SELECT DISTINCT org_unit_id FROM member_positions WHERE member_id = ?1 AND position IN (4, 5)";
inline constexpr char kSelectUnitKindOnly[] = "SELECT kind FROM org_units WHERE id = ?1";
// Members temporarily attending cell ?1 on date ?2 (away from their own).
inline constexpr char kSelectVisitors[] =
    "SELECT m.id, m.full_name, m.official_on FROM member_statuses s"
    " JOIN members m ON m.id = s.member_id"
    " WHERE s.host_cell_id = ?1 AND s.status = 3 AND s.valid_from <= ?2"
    "   AND (s.valid_to IS NULL OR s.valid_to > ?2)"
    " ORDER BY m.full_name, m.id";

// ------------------------------------------------------------ rulebook
inline constexpr char kUpsertRulebook[] =
    "INSERT INTO rulebook_versions (province_id, effective_from, rules_json, version, created_at) "
    "VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (province_id, effective_from) DO UPDATE SET "
    "rules_json = excluded.rules_json, version = rulebook_versions.version + 1";
inline constexpr char kSelectRulebookOn[] =
    "SELECT effective_from, rules_json, version FROM rulebook_versions WHERE province_id = ?1 "
    "AND effective_from <= ?2 ORDER BY effective_from DESC LIMIT 1";
inline constexpr char kSelectRulebookAt[] =
    "SELECT effective_from, rules_json, version FROM rulebook_versions WHERE province_id = ?1 "
    "AND effective_from = ?2";
inline constexpr char kSelectRulebookVersions[] =
    "SELECT effective_from, rules_json, version FROM rulebook_versions WHERE province_id = ?1 "
    "ORDER BY effective_from";

// ------------------------------------------------------------ audit
// Entries about the units under ?1 on date ?5 (today): a dated walk, each
// unit reached once, so its cost is the subtree's size whatever the history
// of moves (an undated walk follows every past parent: millions of paths
// after a few moves back and forth).
inline constexpr char kListAudit[] =
    "WITH RECURSIVE sub(id, depth) AS ("
    "  SELECT CAST(?1 AS TEXT), 0"
    "  UNION ALL"
    "  SELECT p.unit_id, sub.depth + 1 FROM org_unit_parents p JOIN sub ON p.parent_id = sub.id"
    "  WHERE p.valid_from <= ?5 AND (p.valid_to IS NULL OR p.valid_to > ?5) AND sub.depth < 64"
    ") SELECT a.id, a.at, a.actor, a.method, a.resource_type, a.resource_id, a.org_unit_id,"
    "  a.request_id, a.before_json, a.after_json FROM journal_audit a"
    " WHERE a.org_unit_id IN (SELECT id FROM sub)"
    "   AND (CAST(?2 AS TEXT) = '' OR a.resource_id = CAST(?2 AS TEXT))"
    " ORDER BY a.id DESC LIMIT CAST(?3 AS INTEGER) OFFSET CAST(?4 AS INTEGER)";

// ------------------------------------------------------------ accounts
inline constexpr char kInsertAccount[] =
    "INSERT INTO accounts (id, username, password_hash, member_id, roles_json, scope_org_id, "
    "display_name, disabled, created_at, password_changed_at, version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8, ?8, 1)";
inline constexpr char kSelectAccountById[] =
    "SELECT id, username, member_id, roles_json, scope_org_id, display_name, disabled, created_at, "
    "password_changed_at, version, password_hash FROM accounts WHERE id = ?1";
inline constexpr char kSelectAccountByName[] =
    "SELECT id, username, member_id, roles_json, scope_org_id, display_name, disabled, created_at, "
    "password_changed_at, version, password_hash FROM accounts WHERE username = ?1";
inline constexpr char kSelectAllAccounts[] =
    "SELECT id, username, member_id, roles_json, scope_org_id, display_name, disabled, created_at, "
    "password_changed_at, version, password_hash FROM accounts ORDER BY username";
inline constexpr char kCountAccounts[] = "SELECT COUNT(*) FROM accounts";
inline constexpr char kSetPassword[] =
    "UPDATE accounts SET password_hash = ?2, password_changed_at = ?3, version = version + 1 WHERE id = ?1";
inline constexpr char kSetDisabled[] =
    "UPDATE accounts SET disabled = ?2, version = version + 1 WHERE id = ?1";
inline constexpr char kInsertSession[] =
    "INSERT INTO sessions (id, account_id, created_at, expires_at, revoked_at) VALUES (?1, ?2, ?3, ?4, NULL)";
inline constexpr char kSelectSession[] =
    "SELECT account_id, expires_at, revoked_at FROM sessions WHERE id = ?1";
inline constexpr char kRevokeSession[] =
    "UPDATE sessions SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL";
inline constexpr char kRevokeSessionsOf[] =
    "UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1 AND revoked_at IS NULL";
// Failed logins under key ?1 ("account:<name>", "address:<ip>") since ?3;
// a failure at ?2 starts a new window when the last one is over.
inline constexpr char kSelectFailures[] =
    "SELECT failures FROM login_failures WHERE key = ?1 AND window_start > ?2";
inline constexpr char kCountFailure[] =
    "INSERT INTO login_failures (key, window_start, failures) VALUES (?1, ?2, 1) "
    "ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN login_failures.window_start > ?3 THEN login_failures.failures + 1 ELSE 1 END, "
    "window_start = CASE WHEN login_failures.window_start > ?3 THEN login_failures.window_start ELSE ?2 END";
inline constexpr char kClearFailures[] = "DELETE FROM login_failures WHERE key = ?1";

}  // namespace chibo::registry::sql

#endif  // CHIBO_SERVICES_REGISTRY_REGISTRY_SQL_H_
