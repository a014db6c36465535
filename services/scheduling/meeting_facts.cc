// Per-meeting facts of a subtree and period (for tools and exports; the
// reports read the folds through SummarizeMeetings), and the subtree's data
// version.
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
  // The tree as it was: a meeting belongs to the unit its cell stood under
  // on its month's reference day (clients/org_tree.h).
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  const int root = (*tree)->Find(request.org_unit_id());
  const int64_t from = DayStartUnix(request.from()), to = DayStartUnix(request.to()) + 24 * 3600;
  std::vector<v1::MeetingFact> facts;
  // Keeps the row's meeting when it lies in the dates and the subtree.
  auto add = [&](const db::Row& r) {
    if (r.Int(5) < from || r.Int(5) >= to) return;
    const int u = (*tree)->Find(r.Text(1));
    if (u == clients::OrgTree::kNone) return;
    auto ref = (*tree)->ReferenceDay(u, absl::CivilMonth(*time::ParseDate(r.Text(4).substr(0, 10))));
    if (!ref || !(*tree)->UnderOn(root, u, *ref)) return;
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
    f.set_starts_at(r.Text(4));
    facts.push_back(std::move(f));
  };
  if (request.meeting_ids_size() > 0) {
    std::string q = sql::kMeetingFactsOfIdsPrefix;
    db::Params params;
    for (int k = 0; k < request.meeting_ids_size(); ++k) {
      absl::StrAppend(&q, k ? ", ?" : "?", k + 1);
      params.emplace_back(request.meeting_ids(k));
    }
    q += ") ORDER BY starts_unix, id";
    auto rows = db_->Query(q, params);
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) add(r);
    return facts;
  }
  // In batches, so only the facts themselves are held, not the rows.
  constexpr int64_t kBatch = 5000;
  int64_t last_unix = from - 1;
  std::string last_id;
  for (bool more = true; more;) {
    auto rows = db_->Query(sql::kMeetingFactsInPeriodAfter, {from, to, last_unix, last_id, kBatch});
    if (!rows.ok()) return rows.status();
    more = static_cast<int64_t>(rows->rows.size()) == kBatch;
    for (const db::Row& r : rows->rows) {
      last_unix = r.Int(5);
      last_id = r.Text(0);
      add(r);
    }
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
  // Every meeting write bumps its own cell's version row: the subtree's
  // version is their sum (and count) over the units below it today.
  auto units = UnitsOfSubtree(caller, request.org_unit_id(), time::TodayText());
  if (!units.ok()) return units.status();
  int64_t sum = 0, count = 0;
  for (size_t at = 0; at < units->size(); at += 500) {
    std::string q = "SELECT COALESCE(SUM(version), 0), COUNT(*) FROM unit_versions WHERE unit_id IN (";
    db::Params params;
    for (size_t k = 0; k < 500 && at + k < units->size(); ++k) {
      absl::StrAppend(&q, k ? ", ?" : "?", k + 1);
      params.emplace_back((*units)[at + k]);
    }
    q += ")";
    auto row = db_->QueryOptionalRow(q, params);
    if (!row.ok()) return row.status();
    sum += (*row)->Int(0);
    count += (*row)->Int(1);
  }
  response->set_org_unit_id(request.org_unit_id());
  // The tree's version too: a move changes what "below" means.
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  response->set_version(absl::StrCat("t", (*tree)->version(), ":", sum, ".", count));
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
