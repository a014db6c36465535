// The quality report (chất lượng sinh hoạt chi bộ): how the cell meetings
// held below a unit in a period were graded, by the cells themselves and by
// the supervisors who attended, each grade by the rulebook in force on the
// meeting's date (tốt / khá / trung bình / kém from points, DOMAIN.md §3);
// per child, per category of cell and per quarter, and how often the
// supervisor's grade differs from the cell's own. The self-grades come from
// scheduling's meeting summary (the folds, on the tree as it was); the
// supervisors' from the period's visits here, attributed the same way, with
// the self-score of each visited meeting asked of scheduling. Read fresh on
// every call.
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/time/dates.h"
#include "services/supervision/supervision.h"

namespace chibo::supervision {
namespace {

using clients::GradeBand;
using clients::OrgTree;
namespace sv1 = ::chibo::scheduling::v1;

void Count(GradeBand band, int n, v1::GradeCounts* c) {
  switch (band) {
    case GradeBand::kGood: c->set_good(c->good() + n); break;
    case GradeBand::kFair: c->set_fair(c->fair() + n); break;
    case GradeBand::kAverage: c->set_average(c->average() + n); break;
    case GradeBand::kPoor: c->set_poor(c->poor() + n); break;
  }
  c->set_graded(c->graded() + n);
}

void AddSelfGrades(const sv1::MeetingFigures& in, v1::QualityFigures* f) {
  v1::GradeCounts* c = f->mutable_self_graded();
  Count(GradeBand::kGood, in.self_good(), c);
  Count(GradeBand::kFair, in.self_fair(), c);
  Count(GradeBand::kAverage, in.self_average(), c);
  Count(GradeBand::kPoor, in.self_poor(), c);
}

// One graded visit: the supervisor's band, and the cell's own if it graded
// the meeting too.
void AddVisit(GradeBand supervisor, const GradeBand* self, v1::QualityFigures* f) {
  Count(supervisor, 1, f->mutable_supervisor_graded());
  if (self == nullptr) return;
  f->set_compared(f->compared() + 1);
  if (*self == supervisor) return;
  f->set_differ(f->differ() + 1);
  // Bands run from tốt (0) to kém (3): a larger band is a lower grade.
  if (supervisor > *self) {
    f->set_supervisor_lower(f->supervisor_lower() + 1);
  } else {
    f->set_supervisor_higher(f->supervisor_higher() + 1);
  }
}

void Finish(v1::QualityFigures* f) {
  f->set_differ_share(f->compared() == 0 ? 0.0 : static_cast<double>(f->differ()) / f->compared());
}

std::string QuarterOf(absl::CivilMonth m) { return absl::StrCat(m.year(), "-Q", (m.month() - 1) / 3 + 1); }

absl::StatusOr<absl::CivilMonth> MonthOf(absl::string_view text) {
  auto day = time::ParseDate(absl::StrCat(text, "-01"));
  if (!day.ok()) return day.status();
  return absl::CivilMonth(*day);
}

}  // namespace

absl::Status Supervision::GetQualityReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                           v1::QualityReport* response) {
  auto scope = OpenReport(caller, request);
  if (!scope.ok()) return scope.status();
  const OrgTree& t = *scope->tree;
  const int root = scope->root;
  const Period& period = scope->period;
  const clients::PeriodAttribution attr(t, root, period.first, period.months);

  v1::QualityFigures total;
  std::map<std::string, v1::QualityFigures> by_child;  // child id; "" = cells right under the unit
  std::map<int, v1::QualityFigures> by_category;
  std::map<std::string, v1::QualityFigures> by_quarter;

  // The cells' own grades, summed where scheduling's summary put them.
  auto summary = scheduling_->SummarizeMeetings(caller, request.org_unit_id(), period.first, period.months);
  if (!summary.ok()) return summary.status();
  for (const sv1::MeetingSummaryRow& row : summary->rows()) {
    auto month = MonthOf(row.month());
    if (!month.ok()) return absl::InternalError(absl::StrCat("summary month ", row.month()));
    AddSelfGrades(row.figures(), &total);
    AddSelfGrades(row.figures(), &by_child[row.child_id()]);
    AddSelfGrades(row.figures(), &by_quarter[QuarterOf(*month)]);
  }
  for (const sv1::CategoryMonthRow& row : summary->categories()) {
    AddSelfGrades(row.figures(), &by_category[row.category()]);
  }

  // The supervisors' grades: scored visits to cell meetings under the unit
  // in the month they were made, with the cell's own score of the meeting.
  auto visits = VisitsInPeriod(period.from(), period.to());
  if (!visits.ok()) return visits.status();
  struct Graded {
    const VisitFact* visit;
    int unit, month_index, child;
  };
  std::vector<Graded> graded;
  std::set<std::string> meeting_ids;
  for (const VisitFact& f : *visits) {
    if (f.grade == v1::GRADE_UNSPECIFIED || !clients::IsCell(f.unit_kind)) continue;
    const int u = t.Find(f.unit_id);
    auto day = time::ParseDate(f.date);
    if (u == OrgTree::kNone || !day.ok()) continue;
    const int i = attr.MonthIndexOf(*day);
    if (i < 0) continue;
    const int child = attr.ChildOf(u, i);
    if (child == OrgTree::kNone) continue;
    graded.push_back({&f, u, i, child});
    meeting_ids.insert(f.meeting_id);
  }
  auto facts = scheduling_->MeetingFactsOf(caller, request.org_unit_id(), period.from(), period.to(),
                                           std::vector<std::string>(meeting_ids.begin(), meeting_ids.end()));
  if (!facts.ok()) return facts.status();
  std::map<std::string, int> self_score;
  for (const sv1::MeetingFact& m : *facts) self_score[m.meeting_id()] = m.self_score();
  for (const Graded& g : graded) {
    const OrgTree::Day day = *OrgTree::ParseDay(g.visit->date);
    const registry::v1::Rules& rules = t.RulesOn(day);
    const GradeBand supervisor = clients::GradeBandOf(g.visit->score, rules);
    auto it = self_score.find(g.visit->meeting_id);
    std::optional<GradeBand> self;
    if (it != self_score.end() && it->second > 0) self = clients::GradeBandOf(it->second, rules);
    const GradeBand* own = self ? &*self : nullptr;
    AddVisit(supervisor, own, &total);
    AddVisit(supervisor, own, &by_child[g.child >= 0 ? t.unit(g.child).id() : ""]);
    AddVisit(supervisor, own, &by_category[t.unit(g.unit).category()]);
    AddVisit(supervisor, own, &by_quarter[QuarterOf(attr.month(g.month_index))]);
  }

  response->set_org_unit_id(request.org_unit_id());
  response->set_name(t.unit(root).name());
  response->set_period(period.name);
  response->set_from(period.from());
  response->set_to(period.to());
  Finish(&total);
  *response->mutable_figures() = total;
  for (int child : attr.children()) {
    auto* row = response->add_children();
    row->set_org_unit_id(t.unit(child).id());
    row->set_name(t.unit(child).name());
    v1::QualityFigures& f = by_child[t.unit(child).id()];
    Finish(&f);
    *row->mutable_figures() = f;
  }
  for (auto& [category, f] : by_category) {
    auto* row = response->add_categories();
    row->set_category(static_cast<registry::v1::OrgUnitCategory>(category));
    Finish(&f);
    *row->mutable_figures() = f;
  }
  for (int i = 0; i < period.months; i += 3) {
    const absl::CivilMonth first = period.first + i;
    const std::string quarter = QuarterOf(first);
    if (response->quarters_size() > 0 && response->quarters().rbegin()->quarter() == quarter) continue;
    auto* row = response->add_quarters();
    row->set_quarter(quarter);
    v1::QualityFigures& f = by_quarter[quarter];
    Finish(&f);
    *row->mutable_figures() = f;
  }
  return absl::OkStatus();
}

}  // namespace chibo::supervision
