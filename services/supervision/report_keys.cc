// What both reports share at the service level: the visits' change stamps
// (by which cached activity reports are checked), the statements stamped
// with them, and team names.
#include "absl/strings/str_cat.h"
#include "common/errors/errors.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
Supervision::Supervision(db::Database* db, cache::Cache* report_cache,
                         clients::RegistryClient* registry, clients::SchedulingClient* scheduling)
    : db_(db),
      report_cache_(report_cache),
      registry_(registry),
      scheduling_(scheduling),
      visit_stamps_(db->engine(), "visits", "visit_year"),
      insert_visit_sql_(visit_stamps_.Stamped(sql::kInsertVisit, 19)),
      touch_visit_sql_(visit_stamps_.Stamped(sql::kTouchVisit, 3)) {}

absl::StatusOr<ReportScope> Supervision::OpenReport(const auth::Claims& caller,
                                                    const v1::ReportRequest& request,
                                                    absl::string_view tree_version) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  auto period = ParsePeriod(request.period());
  if (!period.ok()) v.Add("period", std::string(period.status().message()));
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto tree = registry_->TreeAtLeast(caller, tree_version);
  if (!tree.ok()) return tree.status();
  if (absl::Status s = clients::RegistryClient::CheckScopeIn(**tree, caller, request.org_unit_id()); !s.ok()) {
    return s;
  }
  const int root = (*tree)->Find(request.org_unit_id());
  if (root == clients::OrgTree::kNone) return absl::NotFoundError(request.org_unit_id());
  return ReportScope{*std::move(period), *std::move(tree), root};
}

absl::StatusOr<TeamDirectory> Supervision::Teams() {
  auto rows = db_->Query(sql::kSelectTeamNames);
  if (!rows.ok()) return rows.status();
  TeamDirectory d;
  for (const db::Row& r : rows->rows) {
    d.team_names[r.Text(0)] = r.Text(1);
    d.owner_names[r.Text(2)] = r.Text(3);
    d.team_owners[r.Text(0)] = r.Text(2);
  }
  return d;
}

absl::StatusOr<std::string> Supervision::TeamsVersion() {
  auto row = db_->QueryOptionalRow(sql::kSelectTeamsVersion);
  if (!row.ok()) return row.status();
  return (*row)->Text(0);
}

}  // namespace chibo::supervision
