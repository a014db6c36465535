// The per-cell, per-year fold of meetings (docs/reports.md): what reports
// need of each meeting of one unit in one year, kept in one row of
// cell_year_facts and rewritten in every meeting write's transaction.
//
// Text form, one meeting per ';'-terminated item, in start order:
//   MMDD,kind,status,actual_minutes,expected,present,absent_unexcused,speakers,opinions,absence_run,self_score
// absence_run: the most held meetings of the cell in a row (this one the
// last) that some member absent from it missed, among those they were
// expected at; 0 when nobody was absent. self_score: the cell's own points
// (0 = not self-graded), graded by the rulebook of the meeting's date.
// Kept per meeting (not as sums) because each meeting is judged by the
// rulebook in force on its own date, which may change after it was held.
#ifndef CHIBO_SERVICES_SCHEDULING_CELL_FACTS_H_
#define CHIBO_SERVICES_SCHEDULING_CELL_FACTS_H_

#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "chibo/scheduling/v1/scheduling.pb.h"

namespace chibo::scheduling {

struct FoldedMeeting {
  int month = 0, day = 0;
  v1::MeetingKind kind = v1::MEETING_KIND_UNSPECIFIED;
  v1::MeetingStatus status = v1::MEETING_STATUS_UNSPECIFIED;
  int actual_minutes = 0, expected = 0, present = 0, absent_unexcused = 0, speakers = 0,
      opinions = 0, absence_run = 0, self_score = 0;
};

void AppendFolded(const FoldedMeeting& m, std::string* out);
// Appends the meetings of `text` to `out`; false (and nothing trusted) on
// text this code did not write.
bool ParseFolded(absl::string_view text, std::vector<FoldedMeeting>* out);

// A held meeting's roll call as the meetings row keeps it (column
// roll_call): "member:mark;" for each member expected at it, the mark a
// v1::AttendanceMark number. Member ids are [a-z0-9-] (resource::IsValidId).
void AppendRollCall(absl::string_view member_id, int mark, std::string* out);

// The years of local times or dates ("YYYY-...").
std::set<int> YearsOf(std::initializer_list<absl::string_view> local_times);

}  // namespace chibo::scheduling

#endif  // CHIBO_SERVICES_SCHEDULING_CELL_FACTS_H_
