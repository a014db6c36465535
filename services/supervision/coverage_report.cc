// The coverage report (độ bao phủ dự sinh hoạt): of the cells below a unit in
// a period, on the tree as it was, how many each supervising level attended
// (and of the remote ones), which no level attended, and where two levels
// went to one cell in one month (trùng lắp, chồng chéo: seed 002), and each
// team's approved-plan visits against those it recorded. Read fresh on every
// call: the period's visits and planned visits (indexed range reads) and the
// local tree.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/supervision/activity_narrative.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

using clients::OrgTree;
constexpr v1::SupervisionLevel kLevels[] = {v1::PROVINCE_LEVEL, v1::DISTRICT_LEVEL, v1::BASE_LEVEL};

// What one group of cells (the unit, or one child) collects.
struct Tally {
  std::set<int> cells;                                       // counted some month
  std::map<v1::SupervisionLevel, std::set<int>> attended;    // by level
  std::map<v1::SupervisionLevel, int> visits;
  // (cell, month index) → level → visit ids
  std::map<std::pair<int, int>, std::map<v1::SupervisionLevel, std::vector<std::string>>> cell_months;
};

double Share(size_t part, size_t whole) { return whole == 0 ? 0.0 : static_cast<double>(part) / whole; }

v1::CoverageFigures FiguresOf(const OrgTree& t, const Tally& tally) {
  v1::CoverageFigures f;
  f.set_cells(static_cast<int32_t>(tally.cells.size()));
  size_t remote = 0;
  for (int c : tally.cells) remote += t.unit(c).remote() ? 1 : 0;
  f.set_remote_cells(static_cast<int32_t>(remote));
  std::set<int> any;
  for (v1::SupervisionLevel level : kLevels) {
    auto* l = f.add_levels();
    l->set_level(level);
    auto it = tally.attended.find(level);
    const std::set<int> none;
    const std::set<int>& cells = it == tally.attended.end() ? none : it->second;
    size_t remote_attended = 0;
    for (int c : cells) remote_attended += t.unit(c).remote() ? 1 : 0;
    any.insert(cells.begin(), cells.end());
    l->set_cells_attended(static_cast<int32_t>(cells.size()));
    l->set_share(Share(cells.size(), tally.cells.size()));
    l->set_remote_cells_attended(static_cast<int32_t>(remote_attended));
    l->set_remote_share(Share(remote_attended, remote));
    auto v = tally.visits.find(level);
    l->set_cell_visits(v == tally.visits.end() ? 0 : v->second);
  }
  f.set_cells_attended(static_cast<int32_t>(any.size()));
  f.set_cells_never_attended(static_cast<int32_t>(tally.cells.size() - any.size()));
  int duplicates = 0;
  for (const auto& [cell_month, levels] : tally.cell_months) duplicates += levels.size() >= 2 ? 1 : 0;
  f.set_duplicate_cell_months(duplicates);
  return f;
}

}  // namespace

absl::Status Supervision::GetCoverageReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                            v1::CoverageReport* response) {
  auto scope = OpenReport(caller, request);
  if (!scope.ok()) return scope.status();
  auto visits = VisitsInPeriod(scope->period.from(), scope->period.to());
  if (!visits.ok()) return visits.status();
  CoverageOf(*scope->tree, scope->root, scope->period, *visits, response);

  // Approved plans as the expected visits: planned against done per team,
  // each visit where its cell stood in its month.
  const OrgTree& t = *scope->tree;
  const clients::PeriodAttribution attr(t, scope->root, scope->period.first, scope->period.months);
  auto below = [&](const std::string& unit_id, const std::string& date) {
    const int u = t.Find(unit_id);
    auto day = time::ParseDate(date);
    if (u == OrgTree::kNone || !day.ok()) return false;
    const int i = attr.MonthIndexOf(*day);
    return i >= 0 && attr.ChildOf(u, i) != OrgTree::kNone;
  };
  auto planned = db_->Query(sql::kSelectApprovedPlanVisits, {scope->period.from(), scope->period.to()});
  if (!planned.ok()) return planned.status();
  auto teams = Teams();
  if (!teams.ok()) return teams.status();
  std::map<std::string, v1::TeamPlanRow> rows;
  std::map<std::string, std::set<std::string>> planned_meetings;  // team → meetings
  for (const db::Row& r : planned->rows) {
    if (!below(r.Text(2), r.Text(3))) continue;
    planned_meetings[r.Text(4)].insert(r.Text(1));
    rows[r.Text(4)].set_level(static_cast<v1::SupervisionLevel>(r.Int(5)));
  }
  // A committee member who went alone counts as the visitor "member:<id>",
  // as the planner plans them.
  std::map<std::string, std::pair<std::string, std::string>> lone;  // visitor → (name, owner)
  for (const VisitFact& f : *visits) {
    const std::string visitor = !f.team_id.empty()                 ? f.team_id
                                : f.supervisor_member_id.empty() ? ""
                                                                 : absl::StrCat("member:", f.supervisor_member_id);
    if (visitor.empty() || !below(f.unit_id, f.date)) continue;
    if (f.team_id.empty()) lone[visitor] = {f.supervisor_name, f.owner_org_id};
    v1::TeamPlanRow& row = rows[visitor];
    row.set_level(f.level);
    row.set_done(row.done() + 1);
    if (planned_meetings[visitor].count(f.meeting_id)) row.set_planned_done(row.planned_done() + 1);
  }
  for (auto& [id, row] : rows) {
    row.set_team_id(id);
    row.set_planned(static_cast<int32_t>(planned_meetings[id].size()));
    if (auto name = teams->team_names.find(id); name != teams->team_names.end()) {
      row.set_team_name(name->second);
      row.set_owner_org_id(teams->team_owners[id]);
    } else if (auto l = lone.find(id); l != lone.end()) {
      row.set_team_name(l->second.first);
      row.set_owner_org_id(l->second.second);
    } else if (absl::StartsWith(id, "member:")) {  // planned, not gone yet
      auto member = registry_->GetMember(caller, id.substr(7));
      row.set_team_name(member.ok() ? member->full_name() : id);
    } else {
      row.set_team_name(id);
    }
    *response->add_teams() = row;
  }
  std::sort(response->mutable_teams()->begin(), response->mutable_teams()->end(),
            [](const v1::TeamPlanRow& a, const v1::TeamPlanRow& b) {
              if (a.level() != b.level()) return a.level() < b.level();
              return a.team_name() != b.team_name() ? NameBefore(a.team_name(), b.team_name()) : a.team_id() < b.team_id();
            });
  return absl::OkStatus();
}

void CoverageOf(const OrgTree& t, int root, const Period& period_in, const std::vector<VisitFact>& visits,
                v1::CoverageReport* response) {
  const Period* period = &period_in;
  const clients::PeriodAttribution attr(t, root, period->first, period->months);
  Tally total;
  std::map<int, Tally> by_child;
  std::map<int, int> last_parent;  // cell → its parent in the last month it counted
  for (int u : attr.units()) {
    if (!clients::IsCell(t.unit(u).kind())) continue;
    for (int i = 0; i < attr.months(); ++i) {
      const int child = attr.ChildOf(u, i);
      if (child == OrgTree::kNone) continue;
      total.cells.insert(u);
      if (child >= 0) by_child[child].cells.insert(u);
      last_parent[u] = t.ParentOn(u, attr.ReferenceDayOf(u, i));
    }
  }
  for (const VisitFact& f : visits) {
    if (!clients::IsCell(f.unit_kind)) continue;  // committee meetings are not cells covered
    const int u = t.Find(f.unit_id);
    auto day = time::ParseDate(f.date);
    if (u == OrgTree::kNone || !day.ok()) continue;
    const int i = attr.MonthIndexOf(*day);
    if (i < 0) continue;
    const int child = attr.ChildOf(u, i);
    if (child == OrgTree::kNone) continue;
    for (Tally* tally : {&total, child >= 0 ? &by_child[child] : nullptr}) {
      if (tally == nullptr) continue;
      tally->attended[f.level].insert(u);
      ++tally->visits[f.level];
      tally->cell_months[{u, i}][f.level].push_back(f.id);
    }
  }

  response->set_org_unit_id(t.unit(root).id());
  response->set_name(t.unit(root).name());
  response->set_period(period->name);
  response->set_from(period->from());
  response->set_to(period->to());
  *response->mutable_figures() = FiguresOf(t, total);
  for (int child : attr.children()) {
    auto* row = response->add_children();
    row->set_org_unit_id(t.unit(child).id());
    row->set_name(t.unit(child).name());
    *row->mutable_figures() = FiguresOf(t, by_child[child]);
  }
  std::set<int> attended;
  for (const auto& [level, cells] : total.attended) attended.insert(cells.begin(), cells.end());
  for (int c : total.cells) {
    if (attended.count(c)) continue;
    auto* ref = response->add_never_attended();
    ref->set_id(t.unit(c).id());
    ref->set_name(t.unit(c).name());
    const int parent = last_parent[c];
    ref->set_parent_name(parent >= 0 ? t.unit(parent).name() : "");
    ref->set_remote(t.unit(c).remote());
  }
  std::sort(response->mutable_never_attended()->begin(), response->mutable_never_attended()->end(),
            [](const v1::CellRef& a, const v1::CellRef& b) {
              if (a.parent_name() != b.parent_name()) return NameBefore(a.parent_name(), b.parent_name());
              if (a.name() != b.name()) return NameBefore(a.name(), b.name());
              return a.id() < b.id();
            });
  for (const auto& [cell_month, levels] : total.cell_months) {
    if (levels.size() < 2) continue;
    auto* d = response->add_duplicates();
    const int c = cell_month.first;
    const absl::CivilMonth month = attr.month(cell_month.second);
    d->set_cell_id(t.unit(c).id());
    d->set_cell_name(t.unit(c).name());
    d->set_month(absl::StrFormat("%04d-%02d", month.year(), month.month()));
    for (const auto& [level, ids] : levels) {
      d->add_levels(level);
      for (const std::string& id : ids) d->add_visit_ids(id);
    }
  }
  std::stable_sort(response->mutable_duplicates()->begin(), response->mutable_duplicates()->end(),
                   [](const v1::DuplicateVisit& a, const v1::DuplicateVisit& b) {
                     if (a.month() != b.month()) return a.month() < b.month();
                     return NameBefore(a.cell_name(), b.cell_name());
                   });
}

}  // namespace chibo::supervision
