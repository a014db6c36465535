// Members at risk (đảng viên cần lưu ý): from the roll calls of a year's held
// meetings in the cells below a unit, on the tree as it was (a cell's month
// counts when the cell stood under the unit on that month's reference day,
// as in every report), two flags per member:
//  - absent three times running: the member was expected at three held
//    meetings in a row (in date order, whichever cells they were in) and
//    attended none of them, excused or not (Hướng dẫn 12-HD/BTCTW);
//  - absent without reason three months: in three months of the year the
//    member was expected at held meetings, attended none of them, and was
//    absent without reason from at least one (the removal rule, xóa tên).
#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {
namespace {

using clients::OrgTree;

struct Mark {
  int64_t starts_unix;
  std::string meeting_id, date, cell_id;
  v1::AttendanceMark mark;
};

struct MemberMarks {
  std::string name;
  std::vector<Mark> marks;
};

}  // namespace

absl::Status Scheduling::ListMembersAtRisk(const auth::Claims& caller,
                                           const v1::ListMembersAtRiskRequest& request,
                                           v1::ListMembersAtRiskResponse* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (request.year() < 2000 || request.year() > 2100) v.Add("year", "2000..2100");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  const OrgTree& t = **tree;
  if (absl::Status s = clients::RegistryClient::CheckScopeIn(t, caller, request.org_unit_id()); !s.ok()) return s;
  const int root = t.Find(request.org_unit_id());
  if (root == OrgTree::kNone) return absl::NotFoundError(request.org_unit_id());

  const absl::CivilMonth first(request.year(), 1);
  const clients::PeriodAttribution attribution(t, root, first, 12);
  std::vector<int> cells;
  for (int u : attribution.units()) {
    if (clients::IsCell(t.unit(u).kind())) cells.push_back(u);
  }
  const int64_t from = DayStartUnix(absl::StrCat(request.year(), "-01-01"));
  const int64_t to = DayStartUnix(absl::StrCat(request.year() + 1, "-01-01"));
  std::map<std::string, MemberMarks> members;
  constexpr size_t kBatch = 500;
  for (size_t at = 0; at < cells.size(); at += kBatch) {
    std::string q = sql::kHeldRollCallsOfCellsPrefix;
    db::Params params = {from, to, int64_t{1}};
    for (size_t k = 0; k < kBatch && at + k < cells.size(); ++k) {
      absl::StrAppend(&q, k ? ", ?" : "?", k + 4);
      params.push_back(t.unit(cells[at + k]).id());
    }
    q += ")";
    auto rows = db_->Query(q, params);
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) {
      const int u = t.Find(r.Text(3));
      const std::string date = r.Text(4).substr(0, 10);
      auto day = time::ParseDate(date);
      if (u == OrgTree::kNone || !day.ok()) continue;
      const int month = attribution.MonthIndexOf(*day);
      if (month < 0 || attribution.ChildOf(u, month) == OrgTree::kNone) continue;  // not under the unit then
      MemberMarks& m = members[r.Text(0)];
      m.name = r.Text(1);
      m.marks.push_back({r.Int(5), r.Text(6), date, r.Text(3), static_cast<v1::AttendanceMark>(r.Int(2))});
    }
  }

  for (auto& [member_id, m] : members) {
    std::sort(m.marks.begin(), m.marks.end(), [](const Mark& a, const Mark& b) {
      return std::tie(a.starts_unix, a.meeting_id) < std::tie(b.starts_unix, b.meeting_id);
    });
    v1::MemberAtRisk out;
    int run = 0;
    size_t run_start = 0;
    // Per month: attended any, absent without reason from any.
    std::map<std::string, std::pair<bool, bool>> months;
    for (size_t i = 0; i < m.marks.size(); ++i) {
      const Mark& k = m.marks[i];
      if (k.mark == v1::PRESENT) {
        run = 0;
      } else {
        if (run++ == 0) run_start = i;
        if (run > out.longest_absence_run()) {
          out.set_longest_absence_run(run);
          out.set_run_from(m.marks[run_start].date);
          out.set_run_to(k.date);
        }
      }
      auto& [attended, unexcused] = months[k.date.substr(0, 7)];
      attended = attended || k.mark == v1::PRESENT;
      unexcused = unexcused || k.mark == v1::ABSENT_UNEXCUSED;
    }
    for (const auto& [month, seen] : months) {
      if (!seen.first && seen.second) out.add_unexcused_months(month);
    }
    out.set_absent_three_running(out.longest_absence_run() >= 3);
    out.set_unexcused_three_months(out.unexcused_months_size() >= 3);
    if (!out.absent_three_running() && !out.unexcused_three_months()) continue;
    out.set_member_id(member_id);
    out.set_member_name(m.name);
    out.set_cell_id(m.marks.back().cell_id);
    const int cell = t.Find(out.cell_id());
    out.set_cell_name(cell == OrgTree::kNone ? out.cell_id() : t.unit(cell).name());
    *response->add_members() = std::move(out);
  }
  std::sort(response->mutable_members()->begin(), response->mutable_members()->end(),
            [](const v1::MemberAtRisk& a, const v1::MemberAtRisk& b) {
              return std::tie(a.cell_name(), a.cell_id(), a.member_name(), a.member_id()) <
                     std::tie(b.cell_name(), b.cell_id(), b.member_name(), b.member_id());
            });
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
