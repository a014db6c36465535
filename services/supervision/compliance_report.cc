// The meeting compliance report (tình hình sinh hoạt chi bộ): regular
// meetings expected vs held per month, thematic meetings per quarter,
// meetings under the rulebook's minimum length, attendance, opinions per
// meeting, average length and past meetings never recorded; per child too.
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/supervision/report_support.h"
#include "services/supervision/supervision.h"

namespace chibo::supervision {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;

bool IsHeld(sv1::MeetingStatus s) { return s == sv1::HELD || s == sv1::MINUTES_APPROVED; }
bool IsRegular(sv1::MeetingKind k) { return k == sv1::REGULAR || k == sv1::REGULAR_AND_THEMATIC; }
bool IsThematic(sv1::MeetingKind k) { return k == sv1::THEMATIC || k == sv1::REGULAR_AND_THEMATIC; }

std::string MonthName(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

// Months of the period that have begun by today.
int MonthsElapsed(const Period& period, absl::CivilDay today) {
  int n = 0;
  for (absl::CivilMonth m : period.Months()) n += absl::CivilDay(m) <= today ? 1 : 0;
  return n;
}

// The figures over `facts` (cell meetings of the period) for `cells` cells.
v1::ComplianceFigures Figures(const std::vector<const sv1::MeetingFact*>& facts, int cells,
                              const Period& period, const rv1::Rules& rules,
                              const std::string& today) {
  v1::ComplianceFigures f;
  f.set_cells(cells);
  f.set_regular_expected(cells * MonthsElapsed(period, *time::ParseDate(today)) *
                         std::max(1, rules.regular_meetings_per_month()));
  int64_t opinions = 0, minutes = 0, rated = 0, high = 0;
  double rate_sum = 0;
  for (const sv1::MeetingFact* m : facts) {
    if (m->status() == sv1::PLANNED && m->date() < today) f.set_unrecorded_past_meetings(f.unrecorded_past_meetings() + 1);
    if (!IsHeld(m->status())) continue;
    f.set_meetings_held(f.meetings_held() + 1);
    if (IsRegular(m->kind())) f.set_regular_held(f.regular_held() + 1);
    if (IsThematic(m->kind())) f.set_thematic_held(f.thematic_held() + 1);
    const int minimum = m->kind() == sv1::REGULAR_AND_THEMATIC ? rules.combined_min_minutes()
                                                               : rules.regular_min_minutes();
    if (m->actual_minutes() < minimum) f.set_meetings_under_minimum(f.meetings_under_minimum() + 1);
    opinions += m->opinions();
    minutes += m->actual_minutes();
    if (m->expected() > 0) {
      ++rated;
      rate_sum += static_cast<double>(m->present()) / m->expected();
      if (m->present() * 100 >= rules.report_high_attendance_percent() * m->expected()) ++high;
    }
  }
  if (rated > 0) {
    f.set_attendance_rate(rate_sum / rated);
    f.set_high_attendance_share(static_cast<double>(high) / rated);
  }
  if (f.meetings_held() > 0) {
    f.set_opinions_per_meeting(static_cast<double>(opinions) / f.meetings_held());
    f.set_average_minutes(static_cast<double>(minutes) / f.meetings_held());
  }
  return f;
}

}  // namespace

absl::Status Supervision::GetComplianceReport(const auth::Claims& caller,
                                              const v1::ReportRequest& request,
                                              v1::ComplianceReport* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  auto period = ParsePeriod(request.period());
  if (!period.ok()) v.Add("period", std::string(period.status().message()));
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  auto org = registry_->GetOrgUnit(caller, request.org_unit_id(), period->to());
  if (!org.ok()) return org.status();
  auto rulebook = registry_->GetRulebook(caller, org->ancestor_ids(0), period->to());
  if (!rulebook.ok()) return rulebook.status();
  auto units = registry_->Subtree(caller, request.org_unit_id(), period->to());
  if (!units.ok()) return units.status();
  auto key = ReportCacheKey(caller, "compliance", request.org_unit_id(), *period, (*units)->size());
  if (!key.ok()) return key.status();
  const std::string full_key = absl::StrCat(*key, ":r", rulebook->effective_from(), rulebook->etag());

  auto bytes = report_cache_->GetOrLoad(full_key, [&]() -> absl::StatusOr<std::optional<std::string>> {
    const Tree tree = MakeTree(request.org_unit_id(), **units);
    auto facts = scheduling_->MeetingFacts(caller, request.org_unit_id(), period->from(), period->to());
    if (!facts.ok()) return facts.status();
    const rv1::Rules& rules = rulebook->rules();
    const std::string today = time::TodayText();

    // Cells, overall and under each child.
    int cells = 0;
    std::map<std::string, int> cells_by_child;
    for (const auto& [id, unit] : tree.units) {
      if (!clients::IsCell(unit.kind())) continue;
      ++cells;
      if (std::string child = tree.ChildOf(id); !child.empty()) ++cells_by_child[child];
    }
    std::vector<const sv1::MeetingFact*> all;
    std::map<std::string, std::vector<const sv1::MeetingFact*>> by_child;
    for (const auto& f : *facts) {
      auto it = tree.units.find(f.cell_id());
      if (it == tree.units.end() || !clients::IsCell(it->second.kind())) continue;
      all.push_back(&f);
      if (std::string child = tree.ChildOf(f.cell_id()); !child.empty()) by_child[child].push_back(&f);
    }

    v1::ComplianceReport report;
    report.set_org_unit_id(request.org_unit_id());
    report.set_name(org->name());
    report.set_period(period->name);
    report.set_from(period->from());
    report.set_to(period->to());
    *report.mutable_totals() = Figures(all, cells, *period, rules, today);
    const absl::CivilDay today_day = *time::ParseDate(today);
    for (absl::CivilMonth m : period->Months()) {
      auto* row = report.add_months();
      row->set_month(MonthName(m));
      row->set_expected(absl::CivilDay(m) <= today_day ? cells * std::max(1, rules.regular_meetings_per_month()) : 0);
      for (const auto* f : all) {
        if (IsHeld(f->status()) && IsRegular(f->kind()) && f->date().substr(0, 7) == row->month()) {
          row->set_held(row->held() + 1);
        }
      }
    }
    for (int q = 0; q < period->months; q += 3) {
      const absl::CivilMonth first = period->first + q;
      auto* row = report.add_quarters();
      row->set_quarter(absl::StrCat(first.year(), "-Q", (first.month() - 1) / 3 + 1));
      row->set_cells(cells);
      std::set<std::string> with_thematic;
      for (const auto* f : all) {
        const std::string month = f->date().substr(0, 7);
        if (IsHeld(f->status()) && IsThematic(f->kind()) && month >= MonthName(first) &&
            month <= MonthName(first + 2)) {
          row->set_held(row->held() + 1);
          with_thematic.insert(f->cell_id());
        }
      }
      row->set_cells_with_thematic(static_cast<int32_t>(with_thematic.size()));
    }
    if (period->months < 3) report.clear_quarters();
    for (const std::string& child : tree.children) {
      auto* row = report.add_children();
      row->set_org_unit_id(child);
      row->set_name(tree.NameOf(child));
      *row->mutable_figures() = Figures(by_child[child], cells_by_child[child], *period, rules, today);
    }
    report.set_data_version(full_key.substr(full_key.find(":m") + 1));
    return report.SerializeAsString();
  });
  if (!bytes.ok()) return bytes.status();
  if (!response->ParseFromString(*bytes)) return absl::InternalError("corrupt cached report");
  return absl::OkStatus();
}

}  // namespace chibo::supervision
