// The visit planner (kế hoạch dự sinh hoạt): a committee's teams and the
// cell meetings below it in a quarter or a year become a plan — which team
// attends which meeting — by the model of plan_solver.h, checked against
// what is taken already (visits recorded, other committees' approved
// plans). Proposed as a draft, adjusted by hand with a reason per change,
// approved. docs/supervision.md has the model and its figures.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/paging/page_token.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/supervision/activity_narrative.h"
#include "services/supervision/plan_solver.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {

using clients::OrgTree;
namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;

// Cell priorities (docs/supervision.md): every cell 10; remote +20; not
// visited by this level in the 12 months before the period +10; a
// recommendation still open +10; its last graded visit trung bình or kém +10.
constexpr int kBasePriority = 10;
// A plan's visitor that is one committee member following cells, not a team.
constexpr absl::string_view kFollowerPrefix = "member:";

struct PlanInputs {
  PlanProblem problem;
  v1::SupervisionLevel level = v1::SUPERVISION_LEVEL_UNSPECIFIED;
  std::string from, to;
  clients::RegistryClient::TreePtr tree;
  std::vector<int> cell_unit;          // problem cell → tree unit
  std::vector<std::string> cell_why;   // why its priority
  std::vector<sv1::MeetingFact> meetings;  // problem meeting → fact
  std::map<std::string, int> meeting_index;
  std::vector<v1::Team> teams;         // problem visitor → team, by name
  std::map<std::string, int> team_index;
  int cells = 0, remote_cells = 0;     // counted under the owner in the period
  int residential_cells = 0;
  std::set<int> residential_attended;  // units visited or planned by any level in the period
  std::set<int> covered_before;        // units this level already visited in the period
  // (unit, "YYYY-MM") visited or planned by another level.
  std::set<std::pair<int, std::string>> other_levels;
};

namespace {

using errors::FieldViolations;

std::string Now() { return time::FormatTimestamp(absl::Now()); }

absl::Status NotFoundPlan(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có kế hoạch / no visit plan \"", errors::Echo(id), "\""));
}

int Quota(v1::SupervisionLevel level, const rv1::Rules& rules, int months) {
  int per_year = 0;
  switch (level) {
    case v1::PROVINCE_LEVEL: per_year = rules.provincial_member_visits_per_year(); break;
    case v1::DISTRICT_LEVEL: per_year = rules.district_member_visits_per_year(); break;
    case v1::BASE_LEVEL: per_year = rules.commune_member_visits_per_year(); break;
    default: break;
  }
  return (per_year * months + 11) / 12;  // prorated, rounded up
}

std::string MonthOf(absl::string_view date) { return std::string(date.substr(0, 7)); }

int DayNumber(absl::string_view date) {
  auto d = OrgTree::ParseDay(date.substr(0, 10));
  return d ? static_cast<int>(*d) : 0;
}

// The plan's visits, figures, loads and shortfalls from its assignments;
// `kept` carries reasons given by hand (pinned, overrides) by meeting id.
void FillPlan(const PlanInputs& in, const PlanAssignments& assignments,
              const std::map<std::string, std::pair<v1::PlanReason, std::string>>& kept, v1::VisitPlan* plan) {
  const OrgTree& t = *in.tree;
  plan->clear_visits();
  plan->clear_loads();
  plan->clear_shortfalls();
  PlanAssignments sorted = assignments;
  std::sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    const auto& ma = in.meetings[a.second];
    const auto& mb = in.meetings[b.second];
    return ma.starts_at() != mb.starts_at() ? ma.starts_at() < mb.starts_at() : ma.meeting_id() < mb.meeting_id();
  });
  std::vector<int> planned(in.teams.size(), 0);
  v1::PlanFigures f;
  std::set<int> covered, remote_covered;
  std::map<int, int> cell_times;
  std::set<std::pair<int, int>> team_days;
  int overlaps = 0, own = 0, duplicates = 0;
  long long priority = 0;
  for (const auto& [v, m] : sorted) {
    const sv1::MeetingFact& meeting = in.meetings[m];
    const int c = in.problem.meetings[m].cell;
    const int u = in.cell_unit[c];
    v1::PlannedVisit* pv = plan->add_visits();
    pv->set_meeting_id(meeting.meeting_id());
    pv->set_team_id(in.teams[v].id());
    pv->set_team_name(in.teams[v].name());
    pv->set_cell_id(t.unit(u).id());
    pv->set_cell_name(t.unit(u).name());
    pv->set_starts_at(meeting.starts_at());
    pv->set_priority(in.problem.cell_priority[c]);
    pv->set_why(in.cell_why[c]);
    pv->set_remote(t.unit(u).remote());
    ++planned[v];
    if (auto it = kept.find(meeting.meeting_id()); it != kept.end()) {
      pv->set_reason(it->second.first);
      pv->set_override_reason(it->second.second);
    } else if (planned[v] <= in.problem.visitors[v].quota) {
      pv->set_reason(v1::QUOTA);
    } else if (in.problem.cell_priority[c] > kBasePriority) {
      pv->set_reason(v1::PRIORITY);
    } else {
      pv->set_reason(v1::COVERAGE);
    }
    // The checks, counted independently of the solver.
    const int day = in.problem.meetings[m].day;
    if (!team_days.insert({v, day}).second || in.problem.visitors[v].busy_days.count(day)) ++overlaps;
    if (in.problem.visitors[v].own_cells.count(c)) ++own;
    if (++cell_times[c] > 1 || in.other_levels.count({u, MonthOf(meeting.date())})) ++duplicates;
    if (covered.insert(c).second) priority += in.problem.cell_priority[c];
    if (t.unit(u).remote()) remote_covered.insert(c);
  }
  f.set_cells(in.cells);
  f.set_remote_cells(in.remote_cells);
  f.set_cells_covered(static_cast<int32_t>(covered.size() + in.covered_before.size()));
  f.set_remote_cells_covered(static_cast<int32_t>(remote_covered.size()));
  for (int u : in.covered_before) {
    if (t.unit(u).remote()) f.set_remote_cells_covered(f.remote_cells_covered() + 1);
  }
  f.set_remote_share(in.remote_cells == 0 ? 0.0 : static_cast<double>(f.remote_cells_covered()) / in.remote_cells);
  f.set_coverage_share(in.cells == 0 ? 0.0 : static_cast<double>(f.cells_covered()) / in.cells);
  f.set_visits(static_cast<int32_t>(sorted.size()));
  f.set_teams(static_cast<int32_t>(in.teams.size()));
  f.set_duplicates(duplicates);
  f.set_overlaps(overlaps);
  f.set_own_cell_visits(own);
  f.set_priority_covered(priority);
  f.set_priority_bound(PriorityBound(in.problem));
  f.set_gap(f.priority_bound() == 0 ? 0.0 : 1.0 - static_cast<double>(priority) / f.priority_bound());
  std::set<int> residential = in.residential_attended;
  for (int c : covered) {
    if (t.unit(in.cell_unit[c]).category() == rv1::RESIDENTIAL) residential.insert(in.cell_unit[c]);
  }
  if (plan->period().find("-Q") != std::string::npos) {
    f.set_residential_cells(in.residential_cells);
    f.set_residential_cells_attended(static_cast<int32_t>(residential.size()));
  }
  for (size_t v = 0; v < in.teams.size(); ++v) {
    v1::TeamLoad* load = plan->add_loads();
    load->set_team_id(in.teams[v].id());
    load->set_team_name(in.teams[v].name());
    load->set_quota(in.problem.visitors[v].quota);
    load->set_planned(planned[v]);
    load->set_quota_met(planned[v] >= in.problem.visitors[v].quota);
    if (load->quota_met()) f.set_quotas_met(f.quotas_met() + 1);
    if (!load->quota_met()) {
      const int short_by = load->quota() - load->planned();
      plan->add_shortfalls(absl::StrCat(in.teams[v].name(), ": ", load->planned(), "/", load->quota(),
                                        " lượt theo định mức, thiếu ", short_by,
                                        " (không đủ cuộc họp phù hợp) / ", load->planned(), " of ",
                                        load->quota(), " quota visits, ", short_by, " short (no suitable meeting left)"));
    }
  }
  const int uncovered = in.cells - f.cells_covered();
  if (uncovered > 0) {
    plan->add_shortfalls(absl::StrCat(uncovered, " chi bộ chưa có trong kế hoạch của cấp này / ", uncovered,
                                      " cells not in this level's plan"));
  }
  if (f.residential_cells() > f.residential_cells_attended()) {
    const int n = f.residential_cells() - f.residential_cells_attended();
    plan->add_shortfalls(absl::StrCat(n, " chi bộ khu dân cư chưa được dự trong quý / ", n,
                                      " residential cells not attended in the quarter"));
  }
  *plan->mutable_figures() = f;
}

// A plan from its row (id, owner_org_id, period, status, plan_json, version).
absl::StatusOr<v1::VisitPlan> PlanFromRow(const db::Row& row) {
  v1::VisitPlan plan;
  if (!google::protobuf::util::JsonStringToMessage(row.Text(4), &plan).ok()) {
    return absl::InternalError(absl::StrCat("unreadable plan ", row.Text(0)));
  }
  plan.set_status(static_cast<v1::PlanStatus>(row.Int(3)));
  plan.set_etag(resource::EtagOf(row.Int(5)));
  return plan;
}

absl::StatusOr<v1::VisitPlan> ReadPlan(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectPlan, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundPlan(id);
  return PlanFromRow(**row);
}

absl::Status WritePlanVisits(db::Session& s, const v1::VisitPlan& plan, bool approved) {
  if (auto done = s.Execute(sql::kDeletePlanVisits, {plan.id()}); !done.ok()) return done.status();
  for (const v1::PlannedVisit& pv : plan.visits()) {
    auto done = s.Execute(sql::kInsertPlanVisit,
                          {plan.id(), pv.meeting_id(), pv.cell_id(), pv.starts_at().substr(0, 10), pv.team_id(),
                           static_cast<int64_t>(plan.level()), static_cast<int64_t>(approved ? 1 : 0)});
    if (!done.ok()) return done.status();
  }
  return absl::OkStatus();
}

absl::Status StaleEtag(absl::string_view id) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat("dữ liệu đã thay đổi, hãy đọc lại / stale etag: \"", id, "\"")),
      "STALE_ETAG", {{"id", std::string(id)}});
}

// The plan's visits as (visitor, meeting) of fresh inputs, and the reasons
// given by hand; visits whose meeting or team is gone are dropped.
PlanAssignments AssignmentsOf(const PlanInputs& in, const v1::VisitPlan& plan,
                              std::map<std::string, std::pair<v1::PlanReason, std::string>>* kept) {
  PlanAssignments out;
  for (const v1::PlannedVisit& pv : plan.visits()) {
    auto m = in.meeting_index.find(pv.meeting_id());
    auto v = in.team_index.find(pv.team_id());
    if (m == in.meeting_index.end() || v == in.team_index.end()) continue;
    out.push_back({v->second, m->second});
    if (pv.reason() == v1::PINNED || pv.reason() == v1::OVERRIDE) {
      (*kept)[pv.meeting_id()] = {pv.reason(), pv.override_reason()};
    }
  }
  return out;
}

}  // namespace

absl::Status Supervision::LoadPlanInputs(const auth::Claims& caller, const std::string& owner,
                                         const Period& period, const std::string& from_date,
                                         int max_visits_per_team, const std::string& plan_id, PlanInputs* in) {
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  in->tree = *tree;
  const OrgTree& t = **tree;
  if (absl::Status s = clients::RegistryClient::CheckScopeIn(t, caller, owner); !s.ok()) return s;
  const int root = t.Find(owner);
  if (root == OrgTree::kNone) return absl::NotFoundError(absl::StrCat("không có đơn vị / no unit \"", owner, "\""));
  in->level = LevelOfOwner(t.unit(root).kind());
  if (in->level == v1::SUPERVISION_LEVEL_UNSPECIFIED) {
    return errors::InvalidArgument("owner_org_id", "phải là một cấp ủy / must be a committee");
  }
  in->from = std::max(from_date, period.from());
  in->to = period.to();

  // The committee's teams, and who is on every team (for busy days).
  auto team_rows = db_->Query(sql::kSelectAllTeams);
  if (!team_rows.ok()) return team_rows.status();
  std::map<std::string, std::set<std::string>> members_of;  // every team
  for (const db::Row& r : team_rows->rows) {
    v1::Team team = TeamFromRow(r);
    std::set<std::string>& members = members_of[team.id()];
    members.insert(team.leader_member_id());
    members.insert(team.member_ids().begin(), team.member_ids().end());
    if (team.owner_org_id() == owner) in->teams.push_back(team);
  }
  // The cells counted under the owner in some month of the period.
  const clients::PeriodAttribution attr(t, root, period.first, period.months);
  std::map<int, int> cell_of_unit;
  std::set<int> counted_cells;
  for (int u : attr.units()) {
    if (!clients::IsCell(t.unit(u).kind())) continue;
    bool counted = false;
    for (int i = 0; i < attr.months() && !counted; ++i) counted = attr.ChildOf(u, i) != OrgTree::kNone;
    if (!counted) continue;
    counted_cells.insert(u);
    ++in->cells;
    if (t.unit(u).remote()) ++in->remote_cells;
    if (t.unit(u).category() == rv1::RESIDENTIAL) ++in->residential_cells;
  }

  // Committee members following cells (theo dõi chi bộ, seed 000) go alone to
  // the cells they follow, each one visitor "member:<id>": those with a
  // follow assignment during the period for a cell counted here, on the
  // owner committee on the first day planned, and on none of its teams (a
  // team's member goes with the team).
  std::set<std::string> on_teams;
  for (const v1::Team& team : in->teams) on_teams.insert(members_of[team.id()].begin(), members_of[team.id()].end());
  std::map<std::string, std::set<int>> followed;  // member → units
  auto assignments = db_->Query(sql::kSelectAllAssignments);
  if (!assignments.ok()) return assignments.status();
  for (const db::Row& r : assignments->rows) {
    const std::string& to = r.Text(4);
    if (r.Text(3) > in->to || (!to.empty() && to <= in->from) || on_teams.count(r.Text(1))) continue;
    const int u = t.Find(r.Text(2));
    if (u != OrgTree::kNone && counted_cells.count(u)) followed[r.Text(1)].insert(u);
  }
  std::map<std::string, std::set<int>> follower_units;  // visitor id → units
  for (const auto& [member_id, units] : followed) {
    auto member = registry_->GetMember(caller, member_id, in->from);
    if (!member.ok()) {
      if (absl::IsNotFound(member.status())) continue;
      return member.status();
    }
    bool seated = false;
    for (const auto& held : member->positions()) seated = seated || held.org_unit_id() == owner;
    if (!seated) continue;
    v1::Team follower;
    follower.set_id(absl::StrCat(kFollowerPrefix, member_id));
    follower.set_name(member->full_name());
    follower.set_owner_org_id(owner);
    follower.set_level(in->level);
    follower.set_leader_member_id(member_id);
    members_of[follower.id()] = {member_id};
    follower_units[follower.id()] = units;
    in->teams.push_back(std::move(follower));
  }
  if (in->teams.empty()) {
    return errors::InvalidArgument("owner_org_id", "cấp ủy chưa có tổ dự sinh hoạt / the committee has no team");
  }
  std::sort(in->teams.begin(), in->teams.end(), [](const v1::Team& a, const v1::Team& b) {
    return a.name() != b.name() ? NameBefore(a.name(), b.name()) : a.id() < b.id();
  });
  for (size_t v = 0; v < in->teams.size(); ++v) in->team_index[in->teams[v].id()] = static_cast<int>(v);

  // What is taken: visits recorded and other approved plans in the period.
  std::map<std::string, std::set<int>> busy_members;  // member → days
  auto take = [&](const std::string& team_id, const std::string& unit_id, const std::string& date,
                  v1::SupervisionLevel level, const std::string& member_id) {
    const int day = DayNumber(date);
    if (absl::StartsWith(team_id, kFollowerPrefix)) {
      busy_members[team_id.substr(kFollowerPrefix.size())].insert(day);
    } else if (!team_id.empty()) {
      for (const std::string& m : members_of[team_id]) busy_members[m].insert(day);
    }
    if (!member_id.empty()) busy_members[member_id].insert(day);
    const int u = t.Find(unit_id);
    if (u == OrgTree::kNone || !counted_cells.count(u)) return;
    if (t.unit(u).category() == rv1::RESIDENTIAL) in->residential_attended.insert(u);
    if (level == in->level) {
      in->covered_before.insert(u);
    } else {
      in->other_levels.insert({u, MonthOf(date)});
    }
  };
  auto visits = VisitsInPeriod(period.from(), period.to());
  if (!visits.ok()) return visits.status();
  for (const VisitFact& f : *visits) take(f.team_id, f.unit_id, f.date, f.level, f.supervisor_member_id);
  auto approved = db_->Query(sql::kSelectApprovedPlanVisits, {period.from(), period.to()});
  if (!approved.ok()) return approved.status();
  for (const db::Row& r : approved->rows) {
    if (r.Text(0) == plan_id) continue;
    take(r.Text(4), r.Text(2), r.Text(3), static_cast<v1::SupervisionLevel>(r.Int(5)), "");
  }

  // Priorities: the 12 months before the period, and open recommendations.
  std::set<int> visited_recently;
  std::map<int, std::pair<std::string, v1::Grade>> last_grade;
  const absl::CivilDay first_day = absl::CivilDay(period.first);
  auto history = VisitsInPeriod(time::FormatDate(first_day - 365), time::FormatDate(first_day - 1));
  if (!history.ok()) return history.status();
  for (const VisitFact& f : *history) {
    const int u = t.Find(f.unit_id);
    if (u == OrgTree::kNone) continue;
    if (f.level == in->level) visited_recently.insert(u);
    if (f.grade != v1::GRADE_UNSPECIFIED && f.date >= last_grade[u].first) last_grade[u] = {f.date, f.grade};
  }
  std::set<int> open_recommendations;
  auto open = db_->Query(sql::kSelectUnitsWithOpenRecommendations);
  if (!open.ok()) return open.status();
  for (const db::Row& r : open->rows) {
    const int u = t.Find(r.Text(0));
    if (u != OrgTree::kNone) open_recommendations.insert(u);
  }

  // Weak compliance last period (chấp hành sinh hoạt): a cell that held fewer
  // regular meetings in the period just before (as long as this one) than
  // the rulebook asked of it for the months it stood under the owner.
  std::map<int, std::pair<int, int>> regular_prev;  // cell → (held, expected)
  {
    const absl::CivilMonth prev_first = period.first - period.months;
    const clients::PeriodAttribution prev(t, root, prev_first, period.months);
    for (int u : prev.units()) {
      if (!clients::IsCell(t.unit(u).kind()) || !counted_cells.count(u)) continue;
      for (int i = 0; i < prev.months(); ++i) {
        if (prev.ChildOf(u, i) == OrgTree::kNone) continue;
        const int per_month = t.RulesOn(prev.ReferenceDayOf(u, i)).regular_meetings_per_month();
        regular_prev[u].second += per_month > 0 ? per_month : 1;
      }
    }
    // Counted as they stream in: the period's facts are not kept.
    absl::Status held = scheduling_->ForEachFactIn(
        caller, owner, time::FormatDate(absl::CivilDay(prev_first)), time::FormatDate(first_day - 1),
        [&](const sv1::MeetingFact& m) {
          if (m.status() != sv1::HELD && m.status() != sv1::MINUTES_APPROVED) return;
          if (m.kind() != sv1::REGULAR && m.kind() != sv1::REGULAR_AND_THEMATIC) return;
          auto it = regular_prev.find(t.Find(m.cell_id()));
          if (it != regular_prev.end()) ++it->second.first;
        });
    if (!held.ok()) return held;
  }

  // Quarter plans chase the rulebook's residential cells once a quarter.
  const int residential_quota =
      period.months == 3 ? t.RulesOn(OrgTree::DayOf(first_day)).residential_cell_visits_per_quarter() : 0;

  // The meetings the teams may attend: planned cell meetings from `from`,
  // of cells this level has not visited in the period, in a month no other
  // level visits or plans that cell.
  // Kept as they stream in: only the meetings a visitor may take.
  absl::Status streamed = scheduling_->ForEachFactIn(caller, owner, in->from, in->to, [&](const sv1::MeetingFact& m) {
    if (m.status() != sv1::PLANNED || m.kind() == sv1::COMMITTEE) return;
    const int u = t.Find(m.cell_id());
    if (u == OrgTree::kNone || !clients::IsCell(t.unit(u).kind()) || u == root) return;
    if (in->covered_before.count(u) || in->other_levels.count({u, MonthOf(m.date())})) return;
    auto [it, fresh] = cell_of_unit.try_emplace(u, static_cast<int>(in->cell_unit.size()));
    if (fresh) {
      in->cell_unit.push_back(u);
      int priority = kBasePriority;
      std::vector<std::string> why;
      if (t.unit(u).remote()) priority += 20, why.push_back("vùng sâu, vùng xa / remote");
      if (!visited_recently.count(u)) priority += 10, why.push_back("chưa được cấp này dự trong 12 tháng / not visited by this level in 12 months");
      if (open_recommendations.count(u)) priority += 10, why.push_back("còn kiến nghị chưa thực hiện / a recommendation still open");
      // Residential cells are attended once a quarter (Sa Pa, seed 003): not
      // yet by any level this quarter.
      if (residential_quota > 0 && t.unit(u).category() == rv1::RESIDENTIAL && !in->residential_attended.count(u)) {
        priority += 10, why.push_back("khu dân cư chưa được dự trong quý / residential, not attended this quarter");
      }
      if (auto r = regular_prev.find(u); r != regular_prev.end() && r->second.first < r->second.second) {
        priority += 10;
        why.push_back(absl::StrFormat("kỳ trước sinh hoạt định kỳ %d/%d buổi / held %d of %d regular meetings last period",
                                      r->second.first, r->second.second, r->second.first, r->second.second));
      }
      if (auto g = last_grade.find(u); g != last_grade.end() && (g->second.second == v1::AVERAGE || g->second.second == v1::POOR)) {
        priority += 10, why.push_back("lần dự trước xếp loại trung bình, kém / graded average or poor last time");
      }
      in->problem.cell_priority.push_back(priority);
      in->cell_why.push_back(absl::StrJoin(why, "; "));
    }
    in->meeting_index[m.meeting_id()] = static_cast<int>(in->meetings.size());
    in->problem.meetings.push_back({it->second, DayNumber(m.date())});
    in->meetings.push_back(m);
  });
  if (!streamed.ok()) return streamed;

  // Each team: its quota, capacity, own cells and busy days.
  const rv1::Rules& rules = t.RulesOn(OrgTree::DayOf(first_day));
  const int quota = Quota(in->level, rules, period.months);
  const int teams = static_cast<int>(in->teams.size());
  const int capacity = max_visits_per_team > 0
                           ? max_visits_per_team
                           : std::max(quota, (static_cast<int>(in->cell_unit.size()) + teams - 1) / teams);
  for (const v1::Team& team : in->teams) {
    PlanVisitor visitor;
    visitor.quota = quota;
    visitor.capacity = capacity;
    if (auto f = follower_units.find(team.id()); f != follower_units.end()) {
      visitor.restricted = true;
      for (int u : f->second) {
        if (auto c = cell_of_unit.find(u); c != cell_of_unit.end()) visitor.only_cells.insert(c->second);
      }
    }
    for (const std::string& member_id : members_of[team.id()]) {
      if (member_id.empty()) continue;
      auto member = registry_->GetMember(caller, member_id);
      if (member.ok()) {
        auto c = cell_of_unit.find(t.Find(member->home_cell_id()));
        if (c != cell_of_unit.end()) visitor.own_cells.insert(c->second);
      } else if (!absl::IsNotFound(member.status())) {
        return member.status();
      }
      if (auto b = busy_members.find(member_id); b != busy_members.end()) {
        visitor.busy_days.insert(b->second.begin(), b->second.end());
      }
    }
    in->problem.visitors.push_back(std::move(visitor));
  }
  return absl::OkStatus();
}

absl::Status Supervision::ProposeVisitPlan(const auth::Claims& caller, const v1::ProposeVisitPlanRequest& request,
                                           v1::VisitPlan* response) {
  FieldViolations v;
  v.RequireNonEmpty("owner_org_id", request.owner_org_id());
  auto period = ParsePeriod(request.period());
  if (!period.ok()) {
    v.Add("period", std::string(period.status().message()));
  } else if (period->months != 3 && period->months != 12) {
    v.Add("period", "một quý hoặc một năm / a quarter or a year");
  }
  v.CheckDate("from_date", request.from_date(), false);
  if (v.empty() && !request.from_date().empty() &&
      (request.from_date() < period->from() || request.from_date() > period->to())) {
    v.Add("from_date", "ngoài kỳ kế hoạch / outside the period");
  }
  for (int i = 0; i < request.pinned_size(); ++i) {
    v.RequireNonEmpty(absl::StrCat("pinned[", i, "].meeting_id"), request.pinned(i).meeting_id());
    v.RequireNonEmpty(absl::StrCat("pinned[", i, "].team_id"), request.pinned(i).team_id());
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  std::string from = request.from_date();
  if (from.empty()) from = std::max(period->from(), time::TodayText());

  PlanInputs in;
  if (absl::Status s = LoadPlanInputs(caller, request.owner_org_id(), *period, from,
                                      request.max_visits_per_team(), "", &in);
      !s.ok()) {
    return s;
  }
  std::map<std::string, std::pair<v1::PlanReason, std::string>> kept;
  for (int i = 0; i < request.pinned_size(); ++i) {
    const v1::PlannedVisit& p = request.pinned(i);
    auto m = in.meeting_index.find(p.meeting_id());
    auto t = in.team_index.find(p.team_id());
    if (m == in.meeting_index.end()) {
      v.Add(absl::StrCat("pinned[", i, "].meeting_id"),
            "không phải cuộc họp cấp này có thể dự trong kỳ / not a meeting this committee can attend in the period");
    }
    if (t == in.team_index.end()) v.Add(absl::StrCat("pinned[", i, "].team_id"), "không phải tổ của cấp ủy / not a team of the committee");
    if (m != in.meeting_index.end() && t != in.team_index.end()) {
      in.problem.pinned.push_back({t->second, m->second});
      kept[p.meeting_id()] = {v1::PINNED, p.override_reason()};
    }
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (const int bad = InvalidPinned(in.problem); bad >= 0) {
    return errors::InvalidArgument(absl::StrCat("pinned[", bad, "]"),
                                   "trùng chi bộ, trùng ngày của tổ, chi bộ của tổ hoặc vượt sức / the same cell or "
                                   "team day twice, the team's own cell, or beyond its capacity");
  }
  const v1::PlanSolver solver = request.solver() == v1::GREEDY ? v1::GREEDY : v1::MIN_COST_FLOW;
  const PlanAssignments assignments =
      SolvePlan(in.problem, solver == v1::GREEDY ? PlanSolverKind::kGreedy : PlanSolverKind::kMinCostFlow);

  v1::VisitPlan plan;
  plan.set_id(resource::NewId("kh"));
  plan.set_owner_org_id(request.owner_org_id());
  plan.set_period(period->name);
  plan.set_status(v1::DRAFT);
  plan.set_solver(solver);
  plan.set_level(in.level);
  plan.set_from(in.from);
  plan.set_to(in.to);
  FillPlan(in, assignments, kept, &plan);

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "ProposeVisitPlan", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto done = s.Execute(sql::kInsertPlan, {plan.id(), plan.owner_org_id(), plan.period(),
                                                 static_cast<int64_t>(v1::DRAFT), journal::ToJson(plan), Now()});
        if (!done.ok()) return done.status();
        if (absl::Status w = WritePlanVisits(s, plan, false); !w.ok()) return w;
        auto stored = ReadPlan(s, plan.id());
        if (!stored.ok()) return stored.status();
        *response = *stored;
        note = {"VisitPlan", plan.id(), plan.owner_org_id(), "",
                absl::StrCat("{\"visits\":", plan.visits_size(), "}")};
        return absl::OkStatus();
      });
}

absl::Status Supervision::GetVisitPlan(const auth::Claims& caller, const v1::GetVisitPlanRequest& request,
                                       v1::VisitPlan* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession read(*db_);
  auto plan = ReadPlan(read, request.id());
  if (!plan.ok()) return plan.status();
  if (absl::Status s = registry_->CheckScope(caller, plan->owner_org_id()); !s.ok()) return s;
  // Planned against done: the visits each team has recorded in the period.
  std::map<std::string, std::set<std::string>> done_by_team;
  for (const v1::TeamLoad& load : plan->loads()) {
    const bool follower = absl::StartsWith(load.team_id(), kFollowerPrefix);
    auto rows = follower ? db_->Query(sql::kSelectMemberVisitMeetings,
                                      {load.team_id().substr(kFollowerPrefix.size()), plan->from(), plan->to()})
                         : db_->Query(sql::kSelectTeamVisitMeetings, {load.team_id(), plan->from(), plan->to()});
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) done_by_team[load.team_id()].insert(r.Text(0));
  }
  std::map<std::string, int> done;
  int visits_done = 0;
  for (v1::PlannedVisit& pv : *plan->mutable_visits()) {
    pv.set_done(done_by_team[pv.team_id()].count(pv.meeting_id()) > 0);
    if (pv.done()) ++done[pv.team_id()], ++visits_done;
  }
  for (v1::TeamLoad& load : *plan->mutable_loads()) load.set_done(done[load.team_id()]);
  plan->mutable_figures()->set_visits_done(visits_done);
  *response = *std::move(plan);
  return absl::OkStatus();
}

absl::Status Supervision::ListVisitPlans(const auth::Claims& caller, const v1::ListVisitPlansRequest& request,
                                         v1::ListVisitPlansResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("owner_org_id", request.owner_org_id());
  if (!request.period().empty() && !ParsePeriod(request.period()).ok()) {
    v.Add("period", "một quý hoặc một năm, ví dụ 2026-Q3 / a quarter or a year, e.g. 2026-Q3");
  }
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const std::string filter_key = absl::StrCat(request.owner_org_id(), "|", request.period());
  auto offset = paging::DecodePageToken(request.page_token(), filter_key);
  if (!offset.ok()) return errors::InvalidArgument("page_token", std::string(offset.status().message()));
  if (absl::Status s = registry_->CheckScope(caller, request.owner_org_id()); !s.ok()) return s;
  const int size = paging::EffectivePageSize(request.page_size());
  auto rows = db_->Query(sql::kSelectPlansOf, {request.owner_org_id(), request.period(),
                                               static_cast<int64_t>(size + 1), *offset});
  if (!rows.ok()) return rows.status();
  for (const db::Row& r : rows->rows) {
    if (response->plans_size() == size) {
      response->set_next_page_token(paging::EncodePageToken(*offset + size, filter_key));
      break;
    }
    auto plan = PlanFromRow(r);
    if (!plan.ok()) return plan.status();
    plan->clear_visits();
    *response->add_plans() = *std::move(plan);
  }
  return absl::OkStatus();
}

absl::Status Supervision::UpdateVisitPlan(const auth::Claims& caller, const v1::UpdateVisitPlanRequest& request,
                                          v1::VisitPlan* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (request.changes().empty()) v.Add("changes", "bắt buộc / required");
  for (int i = 0; i < request.changes_size(); ++i) {
    const v1::PlanChange& c = request.changes(i);
    v.RequireNonEmpty(absl::StrCat("changes[", i, "].meeting_id"), c.meeting_id());
    if (!c.remove()) v.RequireNonEmpty(absl::StrCat("changes[", i, "].team_id"), c.team_id());
    v.RequireNonEmpty(absl::StrCat("changes[", i, "].reason"), c.reason());
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession read(*db_);
  auto current = ReadPlan(read, request.id());
  if (!current.ok()) return current.status();
  if (absl::Status s = registry_->CheckScope(caller, current->owner_org_id()); !s.ok()) return s;
  if (!request.etag().empty() && request.etag() != current->etag()) return StaleEtag(request.id());
  if (current->status() != v1::DRAFT) {
    return absl::FailedPreconditionError(absl::StrCat("kế hoạch đã duyệt, không sửa được / the plan \"",
                                                      request.id(), "\" is approved"));
  }
  auto period = ParsePeriod(current->period());
  if (!period.ok()) return absl::InternalError("stored plan period");
  PlanInputs in;
  if (absl::Status s = LoadPlanInputs(caller, current->owner_org_id(), *period, current->from(), 0,
                                      current->id(), &in);
      !s.ok()) {
    return s;
  }
  std::map<std::string, std::pair<v1::PlanReason, std::string>> kept;
  PlanAssignments assignments = AssignmentsOf(in, *current, &kept);
  for (int i = 0; i < request.changes_size(); ++i) {
    const v1::PlanChange& c = request.changes(i);
    auto m = in.meeting_index.find(c.meeting_id());
    const std::string field = absl::StrCat("changes[", i, "]");
    if (c.remove()) {
      auto it = std::find_if(assignments.begin(), assignments.end(), [&](const auto& a) {
        return in.meetings[a.second].meeting_id() == c.meeting_id();
      });
      if (it == assignments.end()) {
        v.Add(field + ".meeting_id", "không có trong kế hoạch / not in the plan");
        continue;
      }
      assignments.erase(it);
      kept.erase(c.meeting_id());
      continue;
    }
    auto t = in.team_index.find(c.team_id());
    if (m == in.meeting_index.end()) {
      v.Add(field + ".meeting_id", "không phải cuộc họp cấp này có thể dự trong kỳ / not a meeting this committee can attend in the period");
      continue;
    }
    if (t == in.team_index.end()) {
      v.Add(field + ".team_id", "không phải tổ của cấp ủy / not a team of the committee");
      continue;
    }
    const PlanMeeting& pm = in.problem.meetings[m->second];
    std::string clash;
    if (!Eligible(in.problem, t->second, m->second)) {
      clash = "chi bộ của tổ hoặc ngày tổ đã bận / the team's own cell, or a day it is busy";
    }
    for (const auto& [av, am] : assignments) {
      if (in.problem.meetings[am].cell == pm.cell) {
        clash = absl::StrCat("chi bộ đã có trong kế hoạch (", in.meetings[am].meeting_id(), ") / the cell is planned already");
      } else if (av == t->second && in.problem.meetings[am].day == pm.day) {
        clash = absl::StrCat("tổ đã dự cuộc họp khác cùng ngày (", in.meetings[am].meeting_id(), ") / the team is at another meeting that day");
      }
    }
    if (!clash.empty()) {
      v.Add(field, clash);
      continue;
    }
    assignments.push_back({t->second, m->second});
    kept[c.meeting_id()] = {v1::OVERRIDE, c.reason()};
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  v1::VisitPlan plan = *current;
  plan.clear_etag();
  FillPlan(in, assignments, kept, &plan);

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "UpdateVisitPlan", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = ReadPlan(s, request.id());
        if (!before.ok()) return before.status();
        if (!request.etag().empty() && request.etag() != before->etag()) return StaleEtag(request.id());
        if (before->status() != v1::DRAFT) return absl::FailedPreconditionError("the plan is approved");
        auto done = s.Execute(sql::kUpdatePlan, {plan.id(), static_cast<int64_t>(v1::DRAFT), journal::ToJson(plan), Now()});
        if (!done.ok()) return done.status();
        if (absl::Status w = WritePlanVisits(s, plan, false); !w.ok()) return w;
        auto stored = ReadPlan(s, plan.id());
        if (!stored.ok()) return stored.status();
        *response = *stored;
        v1::UpdateVisitPlanRequest changes;
        *changes.mutable_changes() = request.changes();
        note = {"VisitPlan", plan.id(), plan.owner_org_id(), "", journal::ToJson(changes)};
        return absl::OkStatus();
      });
}

absl::Status Supervision::ApproveVisitPlan(const auth::Claims& caller, const v1::ApproveVisitPlanRequest& request,
                                           v1::VisitPlan* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession read(*db_);
  auto current = ReadPlan(read, request.id());
  if (!current.ok()) return current.status();
  if (absl::Status s = registry_->CheckScope(caller, current->owner_org_id()); !s.ok()) return s;
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "ApproveVisitPlan", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto plan = ReadPlan(s, request.id());
        if (!plan.ok()) return plan.status();
        if (!request.etag().empty() && request.etag() != plan->etag()) return StaleEtag(request.id());
        if (plan->status() != v1::DRAFT) return absl::FailedPreconditionError(absl::StrCat("kế hoạch đã duyệt / the plan \"", request.id(), "\" is approved already"));
        auto other = s.QueryOptionalRow(sql::kSelectApprovedPlanOf, {plan->owner_org_id(), plan->period()});
        if (!other.ok()) return other.status();
        if (other->has_value()) {
          return absl::FailedPreconditionError(absl::StrCat("cấp ủy đã có kế hoạch được duyệt cho kỳ này (", (*other)->Text(0),
                                                            ") / the committee has an approved plan for the period"));
        }
        plan->set_status(v1::APPROVED);
        plan->set_approved_by(caller.subject);
        plan->set_approved_at(Now());
        plan->clear_etag();
        auto done = s.Execute(sql::kUpdatePlan, {plan->id(), static_cast<int64_t>(v1::APPROVED), journal::ToJson(*plan), Now()});
        if (!done.ok()) return done.status();
        if (absl::Status w = WritePlanVisits(s, *plan, true); !w.ok()) return w;
        auto stored = ReadPlan(s, plan->id());
        if (!stored.ok()) return stored.status();
        *response = *stored;
        note = {"VisitPlan", plan->id(), plan->owner_org_id(), "", "{\"status\":\"APPROVED\"}"};
        return absl::OkStatus();
      });
}

}  // namespace chibo::supervision
