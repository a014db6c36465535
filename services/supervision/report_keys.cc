// What both reports share at the service level: the report cache key (the
// data versions the figures come from), the visit versions, and team names.
#include "absl/strings/str_cat.h"
#include "common/time/dates.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {

absl::StatusOr<TeamDirectory> Supervision::Teams() {
  auto rows = db_->Query(sql::kSelectTeamNames);
  if (!rows.ok()) return rows.status();
  TeamDirectory d;
  for (const db::Row& r : rows->rows) {
    d.team_names[r.Text(0)] = r.Text(1);
    d.owner_names[r.Text(2)] = r.Text(3);
  }
  return d;
}

absl::StatusOr<int64_t> Supervision::VisitVersion(absl::string_view org_id) {
  auto row = db_->QueryOptionalRow(sql::kSelectUnitVersion, {org_id});
  if (!row.ok()) return row.status();
  return row->has_value() ? (*row)->Int(0) : 0;
}

absl::Status Supervision::BumpVersions(db::Session& s, const std::vector<std::string>& path) {
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    if (absl::Status st = s.Execute(sql::kBumpUnitVersion, {*it}).status(); !st.ok()) return st;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Supervision::ReportCacheKey(const auth::Claims& caller,
                                                        absl::string_view kind,
                                                        absl::string_view org_id,
                                                        const Period& period,
                                                        size_t unit_count) {
  auto meetings = scheduling_->DataVersion(caller, org_id);
  if (!meetings.ok()) return meetings.status();
  auto visits = VisitVersion(org_id);
  if (!visits.ok()) return visits.status();
  // Today is part of the key: months elapsed and overdue meetings depend on it.
  return absl::StrCat("sup:report:", kind, ":", org_id, ":", period.name, ":m", *meetings, ":v",
                      *visits, ":u", unit_count, ":", time::TodayText());
}

}  // namespace chibo::supervision
