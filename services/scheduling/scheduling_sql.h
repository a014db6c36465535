// Every SQL statement of the scheduling service, named. One text for SQLite
// and PostgreSQL: `?N` parameters, ANSI SQL, upserts with ON CONFLICT.
#ifndef CHIBO_SERVICES_SCHEDULING_SCHEDULING_SQL_H_
#define CHIBO_SERVICES_SCHEDULING_SCHEDULING_SQL_H_

namespace chibo::scheduling::sql {

// ---------------------------------------------------------------- versions
// The first statement of every write to a cell's meetings: writers of one
// cell queue on its own row (no row is shared between cells).
inline constexpr char kBumpUnitVersion[] =
    "INSERT INTO unit_versions (unit_id, version) VALUES (?1, 1) "
    "ON CONFLICT (unit_id) DO UPDATE SET version = unit_versions.version + 1";
inline constexpr char kSelectUnitVersion[] = "SELECT version FROM unit_versions WHERE unit_id = ?1";

// ---------------------------------------------------------------- series
inline constexpr char kInsertSeries[] =
    "INSERT INTO meeting_series (id, cell_id, kind, title, rrule, first_start, duration_minutes,"
    " place, materialized_until, version, created_at, updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10)";
inline constexpr char kSelectSeries[] =
    "SELECT id, cell_id, kind, title, rrule, first_start, duration_minutes, place,"
    " materialized_until, version FROM meeting_series WHERE id = ?1";
inline constexpr char kSelectSeriesOfCell[] =
    "SELECT id, cell_id, kind, title, rrule, first_start, duration_minutes, place,"
    " materialized_until, version FROM meeting_series WHERE cell_id = ?1 ORDER BY first_start, id";
// Series materialized short of ?1 (a date), after id ?2, by id, ?3 at most.
inline constexpr char kSelectSeriesShortOf[] =
    "SELECT id FROM meeting_series WHERE materialized_until < ?1 AND id > ?2 ORDER BY id LIMIT ?3";
inline constexpr char kUpdateSeriesMaterialized[] =
    "UPDATE meeting_series SET materialized_until = ?2, version = version + 1, updated_at = ?3"
    " WHERE id = ?1";

// ---------------------------------------------------------------- meetings
#define CHIBO_MEETING_COLUMNS                                                                    \
  "id, cell_id, series_id, occurrence_start, kind, title, starts_at, ends_at, place, status,"    \
  " status_reason, actual_start, actual_end, guests_json, speakers, opinions, resolution,"       \
  " self_score, roster_total, expected, present, absent_excused, absent_unexcused, version"

inline constexpr char kInsertMeeting[] =
    "INSERT INTO meetings (id, cell_id, series_id, occurrence_start, kind, title, starts_at,"
    " ends_at, starts_unix, ends_unix, place, status, status_reason, version, created_at,"
    " updated_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, '', 1, ?12, ?12)";
inline constexpr char kSelectMeeting[] =
    "SELECT " CHIBO_MEETING_COLUMNS " FROM meetings WHERE id = ?1";
inline constexpr char kSelectCellOfMeeting[] = "SELECT cell_id FROM meetings WHERE id = ?1";
inline constexpr char kSelectOccurrence[] =
    "SELECT id FROM meetings WHERE series_id = ?1 AND occurrence_start = ?2";
// A live meeting of cell ?1 overlapping [?2, ?3) other than ?4.
inline constexpr char kSelectOverlap[] =
    "SELECT id, starts_at, ends_at FROM meetings WHERE cell_id = ?1 AND status IN (1, 2, 3)"
    " AND starts_unix < ?3 AND ends_unix > ?2 AND id <> ?4 ORDER BY starts_unix LIMIT 1";
// Every live meeting of cell ?1 overlapping [?2, ?3): id, starts_at, ends_at, starts_unix, ends_unix.
inline constexpr char kSelectLiveMeetingsBetween[] =
    "SELECT id, starts_at, ends_at, starts_unix, ends_unix FROM meetings WHERE cell_id = ?1"
    " AND status IN (1, 2, 3) AND starts_unix < ?3 AND ends_unix > ?2 ORDER BY starts_unix, id";
inline constexpr char kUpdateMeetingPlan[] =
    "UPDATE meetings SET title = ?2, starts_at = ?3, ends_at = ?4, starts_unix = ?5,"
    " ends_unix = ?6, place = ?7, status = ?8, version = version + 1, updated_at = ?9"
    " WHERE id = ?1";
inline constexpr char kUpdateMeetingStatus[] =
    "UPDATE meetings SET status = ?2, status_reason = ?3, version = version + 1, updated_at = ?4"
    " WHERE id = ?1";
inline constexpr char kUpdateMeetingRecord[] =
    "UPDATE meetings SET status = 2, actual_start = ?2, actual_end = ?3, actual_minutes = ?4,"
    " guests_json = ?5, speakers = ?6, opinions = ?7, resolution = ?8, self_score = ?9,"
    " roster_total = ?10, expected = ?11, present = ?12, absent_excused = ?13,"
    " absent_unexcused = ?14, version = version + 1, updated_at = ?15, roll_call = ?16 WHERE id = ?1";
// Meetings of cell ?1 starting in [?2, ?3) (unix seconds), by time.
inline constexpr char kListMeetingsOfCell[] =
    "SELECT " CHIBO_MEETING_COLUMNS " FROM meetings WHERE cell_id = ?1 AND starts_unix >= ?2"
    " AND starts_unix < ?3 AND (?4 = 0 OR status = ?4) ORDER BY starts_unix, id LIMIT ?5 OFFSET ?6";
// Meetings of any cell starting in [?1, ?2), by cell (the subtree filter is
// applied by the caller against the registry's tree).
// Read in batches of ?6 after the key (?4 starts_unix, ?5 id), so a
// province's year is never in memory at once; starts_unix comes last.
inline constexpr char kListMeetingsInPeriodAfter[] =
    "SELECT " CHIBO_MEETING_COLUMNS ", starts_unix FROM meetings WHERE starts_unix >= ?1"
    " AND starts_unix < ?2 AND (?3 = 0 OR status = ?3)"
    " AND (starts_unix > ?4 OR (starts_unix = ?4 AND id > ?5)) ORDER BY starts_unix, id LIMIT ?6";
// The same for one status, by meetings_by_status_time (?3 is the status).
inline constexpr char kListMeetingsOfStatusInPeriodAfter[] =
    "SELECT " CHIBO_MEETING_COLUMNS ", starts_unix FROM meetings WHERE status = ?3 AND starts_unix >= ?1"
    " AND starts_unix < ?2"
    " AND (starts_unix > ?4 OR (starts_unix = ?4 AND id > ?5)) ORDER BY starts_unix, id LIMIT ?6";
// The same columns for some meetings by id (the IN list is appended: ?1, ?2, …).
inline constexpr char kMeetingFactsOfIdsPrefix[] =
    "SELECT id, cell_id, kind, status, starts_at, starts_unix, ends_unix, actual_minutes,"
    " expected, present, absent_unexcused, speakers, opinions, self_score FROM meetings"
    " WHERE id IN (";
inline constexpr char kMeetingFactsInPeriodAfter[] =
    "SELECT id, cell_id, kind, status, starts_at, starts_unix, ends_unix, actual_minutes,"
    " expected, present, absent_unexcused, speakers, opinions, self_score FROM meetings"
    " WHERE starts_unix >= ?1 AND starts_unix < ?2"
    " AND (starts_unix > ?3 OR (starts_unix = ?3 AND id > ?4)) ORDER BY starts_unix, id LIMIT ?5";

// Members at risk: the roll calls of the held meetings of some cells (the
// IN list is appended: ?4, ?5, …) in [?1, ?2), members expected only.
inline constexpr char kHeldRollCallsOfCellsPrefix[] =
    "SELECT a.member_id, a.member_name, a.mark, m.cell_id, m.starts_at, m.starts_unix, m.id"
    " FROM meetings m JOIN meeting_attendance a ON a.meeting_id = m.id"
    " WHERE m.starts_unix >= ?1 AND m.starts_unix < ?2 AND m.status IN (2, 3) AND a.expected = ?3"
    " AND m.cell_id IN (";

// ---------------------------------------------------------------- folds
// What the fold of cell ?1 reads, in start order: its meetings in [?4, ?5)
// (unix seconds: the local years folded), and its held meetings (status 2,
// 3) in [?2, ?3), the wider span from the year before on, whose roll calls
// carry absence runs into the years folded.
inline constexpr char kSelectMeetingsToFold[] =
    "SELECT starts_at, kind, status, actual_minutes, expected, present, absent_unexcused,"
    " speakers, opinions, id, self_score, starts_unix, roll_call FROM meetings WHERE cell_id = ?1"
    " AND starts_unix >= ?2 AND starts_unix < ?3 AND (status IN (2, 3) OR (starts_unix >= ?4 AND starts_unix < ?5))"
    " ORDER BY starts_unix, id";
// Start-up (FillMissingRollCalls): ?1 held meetings whose roll_call is not
// filled yet (recorded before migration 0006); the expected members' marks
// of some meetings (the IN list is appended: ?1, ?2, …); a roll call set
// unless a record has set it meanwhile.
inline constexpr char kSelectMeetingsMissingRollCalls[] =
    "SELECT id FROM meetings WHERE roll_call IS NULL AND status IN (2, 3) ORDER BY id LIMIT ?1";
inline constexpr char kSelectExpectedMarksOfMeetingsPrefix[] =
    "SELECT meeting_id, member_id, mark FROM meeting_attendance WHERE expected = 1 AND meeting_id IN (";
inline constexpr char kSetMissingRollCall[] = "UPDATE meetings SET roll_call = ?2 WHERE id = ?1 AND roll_call IS NULL";
// The local years [?2, ?3) in which unit ?1 has meetings.
inline constexpr char kSelectYearsWithMeetings[] =
    "SELECT DISTINCT SUBSTR(starts_at, 1, 4) FROM meetings WHERE cell_id = ?1"
    " AND starts_unix >= ?2 AND starts_unix < ?3";
// ?5 is the change stamp expression (common/db/change_stamp.h) for year ?2.
inline constexpr char kUpsertCellYearFactsTemplate[] =
    "INSERT INTO cell_year_facts (cell_id, year, meetings, facts, stamp)"
    " VALUES (?1, ?2, ?3, ?4, {{STAMP}}) ON CONFLICT (cell_id, year) DO UPDATE SET"
    " meetings = excluded.meetings, facts = excluded.facts, stamp = excluded.stamp";
inline constexpr char kSelectYearFacts[] =
    "SELECT cell_id, facts FROM cell_year_facts WHERE year = ?1";
// Followed by "?2, ?3, ...)" for a batch of cell ids.
inline constexpr char kSelectYearFactsOfCellsPrefix[] =
    "SELECT cell_id, facts FROM cell_year_facts WHERE year = ?1 AND cell_id IN (";
// (unit, year) pairs with meetings but no fold row yet (folded at start-up
// after an upgrade).
inline constexpr char kSelectUnfoldedCellYears[] =
    "SELECT DISTINCT m.cell_id, CAST(SUBSTR(m.starts_at, 1, 4) AS INTEGER) FROM meetings m"
    " LEFT JOIN cell_year_facts f ON f.cell_id = m.cell_id"
    " AND f.year = CAST(SUBSTR(m.starts_at, 1, 4) AS INTEGER) WHERE f.cell_id IS NULL";

// ---------------------------------------------------------------- records
inline constexpr char kDeleteAttendance[] = "DELETE FROM meeting_attendance WHERE meeting_id = ?1";
// Followed by one "(?, ?, ?, ?, ?, ?)" per member (meeting, member, mark,
// reason, name, expected).
inline constexpr char kInsertAttendancePrefix[] =
    "INSERT INTO meeting_attendance (meeting_id, member_id, mark, reason, member_name, expected)"
    " VALUES ";
// Unordered: LoadMeeting orders the roll call by SortAttendance (meeting_rows.h).
inline constexpr char kSelectAttendance[] =
    "SELECT member_id, mark, reason, member_name FROM meeting_attendance WHERE meeting_id = ?1";
inline constexpr char kDeleteTasks[] = "DELETE FROM meeting_tasks WHERE meeting_id = ?1";
inline constexpr char kInsertTask[] =
    "INSERT INTO meeting_tasks (id, meeting_id, cell_id, ordinal, assignee_member_id,"
    " description, due_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr char kSelectTasks[] =
    "SELECT id, assignee_member_id, description, due_on, reviewed, done, review_note,"
    " reviewed_in_meeting_id FROM meeting_tasks WHERE meeting_id = ?1 ORDER BY ordinal";
inline constexpr char kSelectTaskForReview[] =
    "SELECT t.cell_id, m.starts_unix FROM meeting_tasks t JOIN meetings m ON m.id = t.meeting_id"
    " WHERE t.id = ?1";
inline constexpr char kReviewTask[] =
    "UPDATE meeting_tasks SET reviewed = 1, done = ?2, review_note = ?3,"
    " reviewed_in_meeting_id = ?4 WHERE id = ?1";
inline constexpr char kClearReviewsBy[] =
    "UPDATE meeting_tasks SET reviewed = 0, done = 0, review_note = '',"
    " reviewed_in_meeting_id = NULL WHERE reviewed_in_meeting_id = ?1";
inline constexpr char kSelectReviewsBy[] =
    "SELECT id, done, review_note FROM meeting_tasks WHERE reviewed_in_meeting_id = ?1"
    " ORDER BY id";

// ---------------------------------------------------------------- plans
inline constexpr char kSelectPlan[] =
    "SELECT cell_id, year, topics_json, status, review_comment, submitted_by, reviewed_by, version"
    " FROM thematic_plans WHERE cell_id = ?1 AND year = ?2";
inline constexpr char kSelectPlansOfYear[] =
    "SELECT cell_id, year, topics_json, status, review_comment, submitted_by, reviewed_by, version"
    " FROM thematic_plans WHERE year = ?1 AND (?2 = 0 OR status = ?2) ORDER BY cell_id";
inline constexpr char kInsertPlan[] =
    "INSERT INTO thematic_plans (cell_id, year, topics_json, status, review_comment,"
    " submitted_by, reviewed_by, version, updated_at) VALUES (?1, ?2, ?3, 1, '', '', '', 1, ?4)";
inline constexpr char kUpdatePlan[] =
    "UPDATE thematic_plans SET topics_json = ?3, status = ?4, review_comment = ?5,"
    " submitted_by = ?6, reviewed_by = ?7, version = version + 1, updated_at = ?8"
    " WHERE cell_id = ?1 AND year = ?2";

}  // namespace chibo::scheduling::sql

#endif  // CHIBO_SERVICES_SCHEDULING_SCHEDULING_SQL_H_
