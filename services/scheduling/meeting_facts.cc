// Per-meeting facts of a subtree and period, which reports consume, and the
// subtree's data version that keys their caches.
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {

absl::StatusOr<std::vector<v1::MeetingFact>> Scheduling::CollectMeetingFacts(
    const auth::Claims& caller, const v1::StreamMeetingFactsRequest& request) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  v.CheckDate("from", request.from(), true);
  v.CheckDate("to", request.to(), true);
  if (v.empty() && request.to() < request.from()) v.Add("to", "trước from / before from");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  // The tree as it was at the end of the period.
  auto units = UnitsOfSubtree(caller, request.org_unit_id(), request.to());
  if (!units.ok()) return units.status();
  const std::unordered_set<std::string> in_subtree(units->begin(), units->end());
  auto rows = db_->Query(sql::kMeetingFactsInPeriod,
                         {DayStartUnix(request.from()), DayStartUnix(request.to()) + 24 * 3600});
  if (!rows.ok()) return rows.status();
  std::vector<v1::MeetingFact> facts;
  for (const db::Row& r : rows->rows) {
    if (!in_subtree.count(r.Text(1))) continue;
    v1::MeetingFact f;
    f.set_meeting_id(r.Text(0));
    f.set_cell_id(r.Text(1));
    f.set_kind(static_cast<v1::MeetingKind>(r.Int(2)));
    f.set_status(static_cast<v1::MeetingStatus>(r.Int(3)));
    f.set_date(r.Text(4).substr(0, 10));
    f.set_planned_minutes(static_cast<int32_t>((r.Int(6) - r.Int(5)) / 60));
    f.set_actual_minutes(static_cast<int32_t>(r.Int(7)));
    f.set_expected(static_cast<int32_t>(r.Int(8)));
    f.set_present(static_cast<int32_t>(r.Int(9)));
    f.set_absent_unexcused(static_cast<int32_t>(r.Int(10)));
    f.set_speakers(static_cast<int32_t>(r.Int(11)));
    f.set_opinions(static_cast<int32_t>(r.Int(12)));
    f.set_self_score(static_cast<int32_t>(r.Int(13)));
    facts.push_back(std::move(f));
  }
  return facts;
}

absl::Status Scheduling::GetDataVersion(const auth::Claims& caller,
                                        const v1::GetDataVersionRequest& request,
                                        v1::DataVersion* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  // Every meeting write bumps its cell's version and each ancestor's, so one
  // row answers for the whole subtree.
  auto row = db_->QueryOptionalRow(sql::kSelectUnitVersion, {request.org_unit_id()});
  if (!row.ok()) return row.status();
  response->set_org_unit_id(request.org_unit_id());
  response->set_version(absl::StrCat(row->has_value() ? (*row)->Int(0) : 0));
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
