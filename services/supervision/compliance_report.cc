// The meeting compliance report (tình hình sinh hoạt chi bộ): regular
// meetings expected vs held per month, thematic meetings per quarter,
// meetings under the rulebook's minimum length, attendance, opinions per
// meeting, average length and past meetings never recorded; per child too.
// Its sums come from scheduling's meeting summary, computed where the
// meetings are, over the tree as it was in each month and by the rules in
// force on each meeting's date (docs/reports.md); here they become figures.
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cache/checked_value.h"
#include "common/errors/errors.h"
#include "services/supervision/supervision.h"

namespace chibo::supervision {
namespace {

namespace sv1 = ::chibo::scheduling::v1;

void Add(const sv1::MeetingFigures& in, sv1::MeetingFigures* sum) {
  sum->set_regular_expected(sum->regular_expected() + in.regular_expected());
  sum->set_meetings_held(sum->meetings_held() + in.meetings_held());
  sum->set_regular_held(sum->regular_held() + in.regular_held());
  sum->set_thematic_held(sum->thematic_held() + in.thematic_held());
  sum->set_under_minimum(sum->under_minimum() + in.under_minimum());
  sum->set_opinions(sum->opinions() + in.opinions());
  sum->set_minutes(sum->minutes() + in.minutes());
  sum->set_rated(sum->rated() + in.rated());
  sum->set_rate_sum(sum->rate_sum() + in.rate_sum());
  sum->set_high_attendance(sum->high_attendance() + in.high_attendance());
  sum->set_unrecorded_past(sum->unrecorded_past() + in.unrecorded_past());
  sum->set_met_standard(sum->met_standard() + in.met_standard());
  sum->set_failed_attendance(sum->failed_attendance() + in.failed_attendance());
  sum->set_failed_unexcused(sum->failed_unexcused() + in.failed_unexcused());
  sum->set_failed_absence_run(sum->failed_absence_run() + in.failed_absence_run());
  sum->set_failed_length(sum->failed_length() + in.failed_length());
  sum->set_failed_speakers(sum->failed_speakers() + in.failed_speakers());
}

// The figures of sums over `cells` distinct cells.
v1::ComplianceFigures Figures(const sv1::MeetingFigures& s, int cells) {
  v1::ComplianceFigures f;
  f.set_cells(cells);
  f.set_regular_expected(s.regular_expected());
  f.set_regular_held(s.regular_held());
  f.set_thematic_held(s.thematic_held());
  f.set_meetings_held(s.meetings_held());
  f.set_meetings_under_minimum(s.under_minimum());
  f.set_unrecorded_past_meetings(s.unrecorded_past());
  f.set_meetings_meeting_standard(s.met_standard());
  f.set_standard_failed_attendance(s.failed_attendance());
  f.set_standard_failed_unexcused(s.failed_unexcused());
  f.set_standard_failed_absence_run(s.failed_absence_run());
  f.set_standard_failed_length(s.failed_length());
  f.set_standard_failed_speakers(s.failed_speakers());
  if (s.rated() > 0) {
    f.set_attendance_rate(s.rate_sum() / s.rated());
    f.set_high_attendance_share(static_cast<double>(s.high_attendance()) / s.rated());
  }
  if (s.meetings_held() > 0) {
    f.set_opinions_per_meeting(static_cast<double>(s.opinions()) / s.meetings_held());
    f.set_average_minutes(static_cast<double>(s.minutes()) / s.meetings_held());
    f.set_standard_share(static_cast<double>(s.met_standard()) / s.meetings_held());
  }
  return f;
}

}  // namespace

absl::Status Supervision::GetComplianceReport(const auth::Claims& caller,
                                              const v1::ReportRequest& request,
                                              v1::ComplianceReport* response) {
  return ComplianceAndTreeVersion(caller, request, response).status();
}

absl::StatusOr<std::string> Supervision::ComplianceAndTreeVersion(const auth::Claims& caller,
                                                                  const v1::ReportRequest& request,
                                                                  v1::ComplianceReport* response,
                                                                  absl::FunctionRef<void()> meanwhile) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  auto period = ParsePeriod(request.period());
  if (!period.ok()) v.Add("period", std::string(period.status().message()));
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  // Scheduling checks scope with the caller's token and caches the summary;
  // told the data version of the report built here last, it answers "not
  // modified" while that is current.
  const std::string built_key = absl::StrCat(request.org_unit_id(), ":", period->name);
  std::optional<cache::NearCache::Value> built = built_compliance_.Get(built_key, absl::Now());
  cache::VersionedView kept;
  if (built) kept = cache::SplitVersioned(built->value).value_or(cache::VersionedView{});
  const absl::string_view built_version = kept.version, built_report = kept.payload;
  // `meanwhile` travels with the first question to scheduling only (a second one: its tree was stale).
  bool ran = false;
  auto meanwhile_once = [&] {
    if (!std::exchange(ran, true)) meanwhile();
  };
  auto ask_scheduling = [&](bool caller_confirms_tree) {
    return scheduling_->SummarizeMeetings(caller, request.org_unit_id(), period->first, period->months,
                                          built_version, caller_confirms_tree, meanwhile_once);
  };
  absl::StatusOr<sv1::MeetingSummary> summary = absl::UnknownError("not asked");
  if (!built_version.empty()) {
    // Two calls side by side: scheduling answers on the tree it holds while
    // the registry confirms the current one here. Its "not modified" stands
    // only for that tree; any other answer it made on the confirmed tree.
    auto tree = registry_->Tree(caller, [&](const clients::RegistryClient::TreePtr&) {
      summary = ask_scheduling(/*caller_confirms_tree=*/true);
    });
    if (!tree.ok()) return tree.status();
    if (summary.ok() && summary->not_modified() && summary->tree_version() != (*tree)->version()) {
      summary = ask_scheduling(/*caller_confirms_tree=*/false);  // its tree was stale
    }
  } else {
    summary = ask_scheduling(/*caller_confirms_tree=*/false);
  }
  if (!summary.ok()) return summary.status();
  if (summary->not_modified()) {
    if (summary->data_version() != built_version ||
        !response->ParseFromArray(built_report.data(), static_cast<int>(built_report.size()))) {
      return absl::InternalError("scheduling answered \"not modified\" for another data version");
    }
    return summary->tree_version();
  }

  // Distinct cells: per child (and "*") over the period and each quarter.
  std::map<std::pair<std::string, std::string>, const sv1::CellCounts*> counts;
  for (const auto& c : summary->cell_counts()) {
    counts[{c.child_id(), c.months() == period->months ? "" : c.first_month()}] = &c;
  }
  auto count = [&](const std::string& child, const std::string& quarter) -> const sv1::CellCounts* {
    auto it = counts.find({child, quarter});
    return it == counts.end() ? nullptr : it->second;
  };

  sv1::MeetingFigures total;
  std::map<std::string, sv1::MeetingFigures> by_child, by_month;
  for (const auto& row : summary->rows()) {
    Add(row.figures(), &total);
    Add(row.figures(), &by_child[row.child_id()]);
    Add(row.figures(), &by_month[row.month()]);
  }

  v1::ComplianceReport& report = *response;
  report.set_org_unit_id(request.org_unit_id());
  report.set_name(summary->name());
  report.set_period(period->name);
  report.set_from(period->from());
  report.set_to(period->to());
  const sv1::CellCounts* all = count("*", "");
  *report.mutable_totals() = Figures(total, all ? all->cells() : 0);
  for (absl::CivilMonth m : period->Months()) {
    const std::string month = absl::StrFormat("%04d-%02d", m.year(), m.month());
    auto* row = report.add_months();
    row->set_month(month);
    row->set_expected(by_month[month].regular_expected());
    row->set_held(by_month[month].regular_held());
  }
  if (period->months >= 3) {
    for (int q = 0; q < period->months; q += 3) {
      const absl::CivilMonth first = period->first + q;
      const std::string first_month = absl::StrFormat("%04d-%02d", first.year(), first.month());
      auto* row = report.add_quarters();
      row->set_quarter(absl::StrCat(first.year(), "-Q", (first.month() - 1) / 3 + 1));
      int held = 0;
      for (int i = 0; i < 3; ++i) {
        const absl::CivilMonth m = first + i;
        held += by_month[absl::StrFormat("%04d-%02d", m.year(), m.month())].thematic_held();
      }
      row->set_held(held);
      // A year or half-year summary counts quarters itself; a quarter's is the period.
      const sv1::CellCounts* c = period->months == 3 ? all : count("*", first_month);
      row->set_cells(c ? c->cells() : 0);
      row->set_cells_with_thematic(c ? c->cells_with_thematic() : 0);
    }
  }
  for (int i = 0; i < summary->child_ids_size(); ++i) {
    const std::string& child = summary->child_ids(i);
    auto* row = report.add_children();
    row->set_org_unit_id(child);
    row->set_name(summary->child_names(i));
    const sv1::CellCounts* c = count(child, "");
    *row->mutable_figures() = Figures(by_child[child], c ? c->cells() : 0);
  }
  report.set_data_version(summary->data_version());
  built_compliance_.Put(built_key, true, cache::JoinVersioned(report.data_version(), report.SerializeAsString()),
                        absl::Now() + absl::Minutes(10));
  return summary->tree_version();
}

}  // namespace chibo::supervision
