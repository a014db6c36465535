// Shared pieces of the scheduling service's store code: reading a meeting
// row, inserting one, the checks every meeting write makes, and its errors.
#ifndef CHIBO_SERVICES_SCHEDULING_MEETING_ROWS_H_
#define CHIBO_SERVICES_SCHEDULING_MEETING_ROWS_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "chibo/scheduling/v1/scheduling.pb.h"
#include "common/db/database.h"
#include "common/errors/errors.h"

namespace chibo::scheduling {

// A row of CHIBO_MEETING_COLUMNS, without attendance and tasks.
v1::Meeting MeetingFromRow(const db::Row& row);
// A roll call's order wherever it is shown: by name, then id, bytewise (the
// same on SQLite and PostgreSQL, whatever the database's collation).
void SortAttendance(v1::Meeting* m);
// Appends a meeting's tasks (rows of kSelectTasks) and the reviews it made
// (rows of kSelectReviewsBy).
void AddTasksAndReviews(const db::ResultSet& tasks, const db::ResultSet& reviews, v1::Meeting* m);

absl::Status InsertMeeting(db::Session& s, absl::string_view id, absl::string_view cell_id,
                           absl::string_view series_id, absl::string_view occurrence_start,
                           v1::MeetingKind kind, absl::string_view title,
                           absl::string_view starts_at, absl::string_view ends_at,
                           absl::string_view place);

// Validation shared by series and meetings.
void CheckKind(errors::FieldViolations& v, const std::string& field, v1::MeetingKind kind);
// starts_at and ends_at: local minutes, ends after starts, at most a day long.
void CheckPlannedTimes(errors::FieldViolations& v, const std::string& prefix,
                       absl::string_view starts_at, absl::string_view ends_at);
// Meetings are planned (created, moved, materialized) at most this far ahead.
inline constexpr int kMaxPlanYearsAhead = 2;
// INVALID_ARGUMENT naming `field` for a day past the planning horizon.
absl::Status CheckPlanHorizon(absl::CivilDay day, const std::string& field);
std::string DefaultTitle(v1::MeetingKind kind);

// Unix seconds of a valid local minute, and of the start of a valid date.
int64_t ToUnix(absl::string_view local_minute);
int64_t DayStartUnix(absl::string_view date);
std::string NowText();

bool EtagIsCurrent(absl::string_view given, absl::string_view current);

absl::Status NotFoundMeeting(absl::string_view id);
// FAILED_PRECONDITION (MEETING_OVERLAP) naming the meeting of `cell_id` a
// new or moved one would overlap.
absl::Status OverlapsMeeting(absl::string_view cell_id, const std::string& id, absl::string_view starts_at,
                             absl::string_view ends_at);
absl::Status StaleEtag(absl::string_view id);
// FAILED_PRECONDITION: the meeting's status does not allow this change.
absl::Status NotEditable(const v1::Meeting& meeting, absl::string_view why);

}  // namespace chibo::scheduling

#endif  // CHIBO_SERVICES_SCHEDULING_MEETING_ROWS_H_
