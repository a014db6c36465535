// Every SQL statement of the supervision service, named. One text for
// SQLite and PostgreSQL.
#ifndef CHIBO_SERVICES_SUPERVISION_SUPERVISION_SQL_H_
#define CHIBO_SERVICES_SUPERVISION_SUPERVISION_SQL_H_

namespace chibo::supervision::sql {


// Teams.
inline constexpr char kInsertTeam[] =
    "INSERT INTO teams (id, name, owner_org_id, owner_name, level, leader_member_id,"
    " member_ids_json, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)";
inline constexpr char kSelectTeam[] =
    "SELECT id, name, owner_org_id, level, leader_member_id, member_ids_json, version, owner_name"
    " FROM teams WHERE id = ?1";
inline constexpr char kSelectAllTeams[] =
    "SELECT id, name, owner_org_id, level, leader_member_id, member_ids_json, version, owner_name"
    " FROM teams ORDER BY level, name, id";
inline constexpr char kUpdateTeam[] =
    "UPDATE teams SET name = ?2, leader_member_id = ?3, member_ids_json = ?4,"
    " version = version + 1, updated_at = ?5 WHERE id = ?1";

// Follow assignments.
inline constexpr char kInsertAssignment[] =
    "INSERT INTO follow_assignments (id, member_id, cell_id, from_date, to_date, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kSelectAllAssignments[] =
    "SELECT id, member_id, cell_id, from_date, to_date FROM follow_assignments"
    " ORDER BY cell_id, from_date, id";

// Whether member ?1 follows cell ?2 on date ?3.
inline constexpr char kCountFollowingOn[] =
    "SELECT COUNT(*) FROM follow_assignments WHERE member_id = ?1 AND cell_id = ?2"
    " AND from_date <= ?3 AND (to_date IS NULL OR to_date = '' OR to_date > ?3)";

// Visits.
inline constexpr char kInsertVisit[] =
    "INSERT INTO visits (id, meeting_id, team_id, owner_org_id, level, unit_id, unit_kind, remote,"
    " meeting_kind, visit_date, attendees_json, observations, scores_json, score, grade, version,"
    " created_at, updated_at, supervisor_member_id, supervisor_name, visit_year, stamp)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, 1, ?16, ?16, ?17, ?18,"
    " ?19, {{STAMP}})";  // {{STAMP}}: the change stamp expression for year ?19
#define CHIBO_VISIT_COLUMNS                                                                     \
  "id, meeting_id, team_id, level, unit_id, unit_kind, meeting_kind, visit_date, attendees_json," \
  " observations, scores_json, score, grade, version, owner_org_id, remote, supervisor_member_id"
inline constexpr char kSelectVisit[] = "SELECT " CHIBO_VISIT_COLUMNS " FROM visits WHERE id = ?1";
inline constexpr char kSelectVisitOfVisitorMeeting[] =
    "SELECT id FROM visits WHERE team_id = ?1 AND supervisor_member_id = ?2 AND meeting_id = ?3";
// No double-booking: a visitor's lock row, then its visits overlapping
// [?2, ?3) (Unix seconds), the first by time.
inline constexpr char kLockVisitor[] =
    "INSERT INTO visitor_locks (who, version) VALUES (?1, 1)"
    " ON CONFLICT (who) DO UPDATE SET version = visitor_locks.version + 1";
inline constexpr char kSelectVisitorOverlap[] =
    "SELECT meeting_id, unit_id, starts_unix, ends_unix, visit_id FROM visit_presence"
    " WHERE who = ?1 AND starts_unix < ?3 AND ends_unix > ?2 ORDER BY starts_unix LIMIT 1";
inline constexpr char kInsertVisitPresence[] =
    "INSERT INTO visit_presence (who, visit_id, meeting_id, unit_id, starts_unix, ends_unix)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kSelectVisitsInPeriod[] =
    "SELECT " CHIBO_VISIT_COLUMNS " FROM visits WHERE visit_date >= ?1 AND visit_date <= ?2"
    " ORDER BY visit_date, id";
inline constexpr char kSelectVisitFactsInPeriod[] =
    "SELECT id, team_id, owner_org_id, level, unit_id, unit_kind, remote, meeting_kind, visit_date,"
    " supervisor_member_id, supervisor_name, meeting_id, score, grade"
    " FROM visits WHERE visit_date >= ?1 AND visit_date <= ?2 ORDER BY visit_date, id";
inline constexpr char kSelectTeamNames[] = "SELECT id, name, owner_org_id, owner_name FROM teams";
inline constexpr char kTouchVisit[] =
    "UPDATE visits SET version = version + 1, updated_at = ?2, visit_year = ?3, stamp = {{STAMP}}"
    " WHERE id = ?1";
// Moves with every team write (names appear in the activity report).
inline constexpr char kSelectTeamsVersion[] = "SELECT COALESCE(SUM(version), 0) + COUNT(*) FROM teams";

// Recommendations.
inline constexpr char kInsertRecommendation[] =
    "INSERT INTO recommendations (id, visit_id, ordinal, text, due_on, status, follow_up)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 1, '')";
inline constexpr char kSelectRecommendations[] =
    "SELECT id, text, due_on, status, follow_up FROM recommendations WHERE visit_id = ?1"
    " ORDER BY ordinal";
// The recommendations of every visit of a period (ListVisits: one query a page).
inline constexpr char kSelectRecommendationsInPeriod[] =
    "SELECT r.visit_id, r.id, r.text, r.due_on, r.status, r.follow_up FROM recommendations r"
    " JOIN visits v ON v.id = r.visit_id WHERE v.visit_date >= ?1 AND v.visit_date <= ?2"
    " ORDER BY r.visit_id, r.ordinal";
inline constexpr char kUpdateRecommendation[] =
    "UPDATE recommendations SET status = ?3, follow_up = ?4 WHERE id = ?1 AND visit_id = ?2";

// The visit planner.
inline constexpr char kInsertPlan[] =
    "INSERT INTO visit_plans (id, owner_org_id, period, status, plan_json, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)";
inline constexpr char kSelectPlan[] =
    "SELECT id, owner_org_id, period, status, plan_json, version FROM visit_plans WHERE id = ?1";
inline constexpr char kSelectPlansOf[] =
    "SELECT id, owner_org_id, period, status, plan_json, version FROM visit_plans"
    " WHERE owner_org_id = ?1 AND (CAST(?2 AS TEXT) = '' OR period = ?2) ORDER BY period DESC, created_at DESC, id"
    " LIMIT ?3 OFFSET ?4";
inline constexpr char kUpdatePlan[] =
    "UPDATE visit_plans SET status = ?2, plan_json = ?3, version = version + 1, updated_at = ?4 WHERE id = ?1";
inline constexpr char kSelectApprovedPlanOf[] =
    "SELECT id FROM visit_plans WHERE owner_org_id = ?1 AND period = ?2 AND status = 2";
inline constexpr char kDeletePlanVisits[] = "DELETE FROM plan_visits WHERE plan_id = ?1";
inline constexpr char kInsertPlanVisit[] =
    "INSERT INTO plan_visits (plan_id, meeting_id, cell_id, visit_date, team_id, level, approved)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr char kSelectApprovedPlanVisits[] =
    "SELECT plan_id, meeting_id, cell_id, visit_date, team_id, level FROM plan_visits"
    " WHERE approved = 1 AND visit_date >= ?1 AND visit_date <= ?2";
// Units with a recommendation still open (status 1).
inline constexpr char kSelectUnitsWithOpenRecommendations[] =
    "SELECT DISTINCT v.unit_id FROM recommendations r JOIN visits v ON v.id = r.visit_id WHERE r.status = 1";
inline constexpr char kSelectMemberVisitMeetings[] =
    "SELECT meeting_id FROM visits WHERE team_id = '' AND supervisor_member_id = ?1"
    " AND visit_date >= ?2 AND visit_date <= ?3";
inline constexpr char kSelectTeamVisitMeetings[] =
    "SELECT meeting_id FROM visits WHERE team_id = ?1 AND visit_date >= ?2 AND visit_date <= ?3";

// Reminders (reminders.cc) and their outbox (reminder_outbox.cc).
inline constexpr char kSelectOverdueRecommendations[] =
    "SELECT r.id, r.visit_id, r.text, r.due_on, v.unit_id FROM recommendations r"
    " JOIN visits v ON v.id = r.visit_id"
    " WHERE r.status = 1 AND r.due_on <> '' AND r.due_on < ?1 ORDER BY r.due_on, r.id";
inline constexpr char kInsertReminder[] =
    "INSERT INTO reminders (id, province_id, subject, subject_id, visit_id, cell_id, cell_name, step,"
    " recipient_org_id, recipient_name, item_date, due_on, days_late, raised_on, text, resolved_at,"
    " created_at, recipient_member_id, recipient_member_name)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, NULL, ?16, ?17, ?18)"
    " ON CONFLICT (subject, subject_id, step) DO NOTHING";
inline constexpr char kInsertReminderOutbox[] =
    "INSERT INTO reminder_outbox (reminder_id, state, attempts, next_attempt_at, lease_owner,"
    " lease_until, delivered_at, last_error, recipient_phone) VALUES (?1, 1, 0, ?2, '', 0, NULL, '', ?3)";
// The province's reminders not resolved (index reminders_outstanding).
inline constexpr char kSelectProvinceOutstandingReminders[] =
    "SELECT id, subject, subject_id FROM reminders WHERE province_id = ?1 AND resolved_at IS NULL";
inline constexpr char kResolveReminder[] =
    "UPDATE reminders SET resolved_at = ?2 WHERE id = ?1 AND resolved_at IS NULL";
#define CHIBO_REMINDER_COLUMNS                                                                     \
  "r.id, r.subject, r.subject_id, r.visit_id, r.cell_id, r.cell_name, r.step, r.recipient_org_id," \
  " r.recipient_name, r.item_date, r.due_on, r.days_late, r.raised_on, r.text, r.resolved_at,"      \
  " o.state, o.attempts, o.delivered_at, o.last_error, r.recipient_member_id, r.recipient_member_name"
inline constexpr char kSelectProvinceReminders[] =
    "SELECT " CHIBO_REMINDER_COLUMNS " FROM reminders r LEFT JOIN reminder_outbox o ON o.reminder_id = r.id"
    " WHERE r.province_id = ?1 AND (CAST(?2 AS INTEGER) = 1 OR r.resolved_at IS NULL)"
    " ORDER BY r.raised_on DESC, r.step DESC, r.id";
inline constexpr char kSelectRecipientReminders[] =
    "SELECT " CHIBO_REMINDER_COLUMNS " FROM reminders r LEFT JOIN reminder_outbox o ON o.reminder_id = r.id"
    " WHERE r.recipient_org_id = ?1 AND (CAST(?2 AS INTEGER) = 1 OR r.resolved_at IS NULL)"
    " ORDER BY r.raised_on DESC, r.step DESC, r.id";
inline constexpr char kSelectReminder[] =
    "SELECT " CHIBO_REMINDER_COLUMNS " FROM reminders r LEFT JOIN reminder_outbox o ON o.reminder_id = r.id"
    " WHERE r.id = ?1";
#undef CHIBO_REMINDER_COLUMNS
inline constexpr char kSelectReminderDeliveries[] =
    "SELECT attempt, at, http_status, error FROM reminder_deliveries WHERE reminder_id = ?1 ORDER BY attempt";
inline constexpr char kSelectDueOutbox[] =
    "SELECT reminder_id FROM reminder_outbox WHERE state = 1 AND next_attempt_at <= ?1 AND lease_until < ?1"
    " ORDER BY next_attempt_at, reminder_id LIMIT ?2";
// Claimed by one replica at a time: only while unclaimed or its lease ran out.
inline constexpr char kClaimOutbox[] =
    "UPDATE reminder_outbox SET lease_owner = ?2, lease_until = ?3"
    " WHERE reminder_id = ?1 AND state = 1 AND next_attempt_at <= ?4 AND lease_until < ?4";
inline constexpr char kSelectOutboxReminder[] =
    "SELECT r.id, r.subject, r.subject_id, r.visit_id, r.cell_id, r.cell_name, r.step, r.recipient_org_id,"
    " r.recipient_name, r.item_date, r.due_on, r.days_late, r.raised_on, r.text, r.resolved_at, o.attempts,"
    " r.province_id, r.recipient_member_id, r.recipient_member_name, o.recipient_phone"
    " FROM reminders r JOIN reminder_outbox o ON o.reminder_id = r.id"
    " WHERE r.id = ?1 AND o.lease_owner = ?2";
inline constexpr char kInsertDelivery[] =
    "INSERT INTO reminder_deliveries (reminder_id, attempt, at, http_status, error) VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr char kFinishOutbox[] =
    "UPDATE reminder_outbox SET state = ?3, attempts = ?4, next_attempt_at = ?5, lease_owner = '',"
    " lease_until = 0, delivered_at = ?6, last_error = ?7 WHERE reminder_id = ?1 AND lease_owner = ?2";

// The team's report (team_report.cc).
inline constexpr char kSelectTeamVisitsInPeriod[] =
    "SELECT id, meeting_id, unit_id, visit_date, score, remote, grade FROM visits"
    " WHERE team_id = ?1 AND visit_date >= ?2 AND visit_date <= ?3 ORDER BY visit_date, id";
inline constexpr char kSelectTeamPlannedVisits[] =
    "SELECT meeting_id, cell_id, visit_date FROM plan_visits"
    " WHERE team_id = ?1 AND approved = 1 AND visit_date >= ?2 AND visit_date <= ?3 ORDER BY visit_date, meeting_id";
inline constexpr char kSelectTeamRecommendations[] =
    "SELECT r.visit_id, r.id, v.unit_id, v.visit_date, r.text, r.due_on, r.status, r.follow_up"
    " FROM recommendations r JOIN visits v ON v.id = r.visit_id"
    " WHERE v.team_id = ?1 AND v.visit_date >= ?2 AND v.visit_date <= ?3 ORDER BY v.visit_date, r.visit_id, r.ordinal";
inline constexpr char kSelectTeamProposals[] =
    "SELECT proposals, version, updated_at FROM team_report_proposals WHERE team_id = ?1 AND period = ?2";
inline constexpr char kInsertTeamProposals[] =
    "INSERT INTO team_report_proposals (team_id, period, proposals, version, updated_at)"
    " VALUES (?1, ?2, ?3, 1, ?4)";
inline constexpr char kUpdateTeamProposals[] =
    "UPDATE team_report_proposals SET proposals = ?3, version = version + 1, updated_at = ?4"
    " WHERE team_id = ?1 AND period = ?2 AND version = ?5";

}  // namespace chibo::supervision::sql

#endif  // CHIBO_SERVICES_SUPERVISION_SUPERVISION_SQL_H_
