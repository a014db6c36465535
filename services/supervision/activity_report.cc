// The supervision activity report (báo cáo kết quả dự sinh hoạt chi bộ), per
// supervising level, in the shape seed 002 quotes: cells attended (base
// cells / subordinate cells), base-committee meetings, thematic meetings,
// the most and the fewest cells by one team (province) or one committee
// (lower levels); with the same for each child unit, and as a paragraph.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cache/checked_value.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/supervision/activity_narrative.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;

bool IsThematic(sv1::MeetingKind kind) {
  return kind == sv1::THEMATIC || kind == sv1::REGULAR_AND_THEMATIC;
}

// The levels' figures over `visits`.
std::vector<v1::LevelActivity> Levels(const std::vector<const VisitFact*>& visits,
                                      const TeamDirectory& teams) {
  std::vector<v1::LevelActivity> out;
  for (v1::SupervisionLevel level : {v1::PROVINCE_LEVEL, v1::DISTRICT_LEVEL, v1::BASE_LEVEL}) {
    v1::LevelActivity a;
    a.set_level(level);
    std::set<std::string> cells, base_cells, subordinate_cells, remote_cells;
    std::map<std::string, std::set<std::string>> cells_by_group;
    std::map<std::string, std::string> lone_names;  // supervisors who went alone
    bool any = false;
    for (const VisitFact* v : visits) {
      if (v->level != level) continue;
      any = true;
      // Province level counts per team (or lone supervisor); lower levels per committee.
      const std::string group = level != v1::PROVINCE_LEVEL ? v->owner_org_id
                                : v->team_id.empty() ? "member:" + v->supervisor_member_id
                                                     : v->team_id;
      cells_by_group[group];  // a group that only went to committee meetings still counts
      if (level == v1::PROVINCE_LEVEL && !v->supervisor_member_id.empty()) lone_names[group] = v->supervisor_name;
      if (clients::IsCell(v->unit_kind)) {
        a.set_cell_meetings_attended(a.cell_meetings_attended() + 1);
        cells.insert(v->unit_id);
        (v->unit_kind == rv1::BASE_CELL ? base_cells : subordinate_cells).insert(v->unit_id);
        if (v->remote) remote_cells.insert(v->unit_id);
        cells_by_group[group].insert(v->unit_id);
      } else if (v->unit_kind == rv1::BASE_COMMITTEE) {
        a.set_committee_meetings_attended(a.committee_meetings_attended() + 1);
      }
      if (IsThematic(v->meeting_kind)) {
        a.set_thematic_meetings_attended(a.thematic_meetings_attended() + 1);
      }
    }
    if (!any) continue;
    a.set_cells_attended(static_cast<int32_t>(cells.size()));
    a.set_base_cells_attended(static_cast<int32_t>(base_cells.size()));
    a.set_subordinate_cells_attended(static_cast<int32_t>(subordinate_cells.size()));
    a.set_remote_cells_attended(static_cast<int32_t>(remote_cells.size()));
    a.set_groups(static_cast<int32_t>(cells_by_group.size()));
    // "The most / fewest by one team" compares teams; supervisors who went
    // alone are compared only where no team went.
    const bool any_team = std::any_of(cells_by_group.begin(), cells_by_group.end(),
                                      [&](const auto& g) { return !lone_names.count(g.first); });
    size_t most = 0, fewest = SIZE_MAX;
    for (const auto& [id, group_cells] : cells_by_group) {
      if (any_team && lone_names.count(id)) continue;
      most = std::max(most, group_cells.size());
      fewest = std::min(fewest, group_cells.size());
    }
    auto name_of = [&](const std::string& id) -> std::string {
      const auto& names = level == v1::PROVINCE_LEVEL ? teams.team_names : teams.owner_names;
      if (auto it = names.find(id); it != names.end()) return it->second;
      if (auto it = lone_names.find(id); it != lone_names.end()) return it->second;
      return id;
    };
    // Every compared group with `n` cells, by name (then id); the first is
    // also group_id / group_name.
    auto fill = [&](v1::GroupCount* out_group, size_t n) {
      std::vector<std::pair<std::string, std::string>> tied;  // name, id
      for (const auto& [id, group_cells] : cells_by_group) {
        if (any_team && lone_names.count(id)) continue;
        if (group_cells.size() == n) tied.emplace_back(name_of(id), id);
      }
      std::sort(tied.begin(), tied.end(), [](const auto& x, const auto& y) {
        if (x.first != y.first) return NameBefore(x.first, y.first);
        return x.second < y.second;
      });
      out_group->set_group_id(tied.front().second);
      out_group->set_group_name(tied.front().first);
      out_group->set_cells(static_cast<int32_t>(n));
      for (const auto& [name, id] : tied) {
        out_group->add_group_ids(id);
        out_group->add_group_names(name);
      }
    };
    fill(a.mutable_most_cells_by_one(), most);
    fill(a.mutable_fewest_cells_by_one(), fewest);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace

absl::Status Supervision::GetActivityReport(const auth::Claims& caller,
                                            const v1::ReportRequest& request,
                                            v1::ActivityReport* response) {
  // The key names the tree and rules, the teams and the day; the visits of
  // the year are checked against their change stamps on every read.
  // "f3": the report's format (ties, the English paragraph, the coverage
  // sentence), so that a report cached by an older build is not served.
  const std::string today = time::TodayText();
  auto key_of = [&](const Period& period, absl::string_view tree_version, absl::string_view teams_version) {
    return absl::StrCat("sup:activity:f3:", request.org_unit_id(), ":", period.name, ":t", tree_version,
                        ":g", teams_version, ":", today);
  };
  auto visits_changed = [&](absl::string_view year) {
    return [this, year](absl::string_view w) { return visit_stamps_.ChangedSince(*db_, year, w); };
  };
  // While the compliance read's calls travel, the report kept on the tree in
  // hand is looked up and checked (teams, visits); it is served only if that
  // read confirms the tree. Every check begins after the request arrived.
  clients::RegistryClient::TreePtr held;
  v1::ActivityReport on_held;
  bool found_on_held = false;
  auto look_up_on_held = [&] {
    held = registry_->Held(caller);
    auto period = ParsePeriod(request.period());
    if (!held || !period.ok()) return;
    auto teams_version = TeamsVersion();
    if (!teams_version.ok()) return;
    const std::string year = absl::StrCat(period->first.year());
    std::optional<cache::CheckedValue> kept = cache::PeekChecked(
        *report_cache_, key_of(*period, held->version(), *teams_version), visits_changed(year));
    found_on_held = kept && on_held.ParseFromString(kept->payload);
  };
  // The standard sentence comes from the compliance report (cached and
  // checked against scheduling's data on its own), asked for first: the
  // meeting summary behind it checks the caller's scope on the registry's
  // current tree and names that tree's version, so this report works on the
  // same tree without asking the registry again.
  v1::ComplianceReport compliance;
  auto tree_version = ComplianceAndTreeVersion(caller, request, &compliance, look_up_on_held);
  if (!tree_version.ok()) return tree_version.status();
  auto scope = OpenReport(caller, request, *tree_version);
  if (!scope.ok()) return scope.status();
  auto add_standard_sentence = [&] {
    for (auto [text, l] : {std::pair{response->mutable_narrative(), Language::kVietnamese},
                           std::pair{response->mutable_narrative_en(), Language::kEnglish}}) {
      if (std::string st = StandardSentence(compliance.totals(), l); !st.empty()) absl::StrAppend(text, " ", st);
    }
  };
  if (found_on_held && scope->tree->version() == held->version()) {
    response->Swap(&on_held);
    add_standard_sentence();
    return absl::OkStatus();
  }
  const clients::OrgTree& t = *scope->tree;
  const int root = scope->root;
  const Period* period = &scope->period;
  auto teams_version = TeamsVersion();
  if (!teams_version.ok()) return teams_version.status();
  const std::string year = absl::StrCat(period->first.year());
  const std::string key = key_of(*period, t.version(), *teams_version);
  std::string watermark;
  auto bytes = cache::GetChecked(
      *report_cache_, key,
      [&]() -> absl::StatusOr<std::string> {
        auto w = visit_stamps_.Watermark(*db_, year);
        if (w.ok()) watermark = *w;
        return w;
      },
      visits_changed(year),
      [&]() -> absl::StatusOr<std::string> {
        // Each visit goes where its unit stood on its month's reference day.
        auto visits = VisitsInPeriod(period->from(), period->to());
        if (!visits.ok()) return visits.status();
        std::vector<int> visited;
        for (const VisitFact& f : *visits) {
          if (const int u = t.Find(f.unit_id); u != clients::OrgTree::kNone) visited.push_back(u);
        }
        const clients::PeriodAttribution attr(t, root, period->first, period->months, &visited);
        auto teams = Teams();
        if (!teams.ok()) return teams.status();
        v1::ActivityReport report;
        report.set_org_unit_id(request.org_unit_id());
        report.set_name(t.unit(root).name());
        report.set_period(period->name);
        report.set_from(period->from());
        report.set_to(period->to());
        std::vector<const VisitFact*> all;
        std::map<int, std::vector<const VisitFact*>> by_child;
        for (const VisitFact& f : *visits) {
          const int u = t.Find(f.unit_id);
          auto day = time::ParseDate(f.date);
          if (u == clients::OrgTree::kNone || !day.ok()) continue;
          const int i = attr.MonthIndexOf(*day);
          if (i < 0) continue;
          const int child = attr.ChildOf(u, i);
          if (child == clients::OrgTree::kNone) continue;
          all.push_back(&f);
          if (child >= 0) by_child[child].push_back(&f);
        }
        for (auto& level : Levels(all, *teams)) *report.add_levels() = std::move(level);
        for (int child : attr.children()) {
          auto* row = report.add_children();
          row->set_org_unit_id(t.unit(child).id());
          row->set_name(t.unit(child).name());
          for (auto& level : Levels(by_child[child], *teams)) *row->add_levels() = std::move(level);
        }
        // The paragraph ends with the levels' coverage together: the same visits and tree.
        v1::CoverageReport coverage;
        CoverageOf(t, root, *period, *visits, &coverage);
        auto paragraph = [&](Language l) {
          std::string text = ActivityNarrative(report, *period, l);
          if (std::string c = CoverageSentence(coverage.figures(), l); !c.empty()) absl::StrAppend(&text, " ", c);
          return text;
        };
        report.set_narrative(paragraph(Language::kVietnamese));
        report.set_narrative_en(paragraph(Language::kEnglish));
        report.set_data_version(absl::StrCat("t", t.version(), ":g", *teams_version, ":v", watermark));
        return report.SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  if (!response->ParseFromString(*bytes)) return absl::InternalError("corrupt cached report");
  add_standard_sentence();
  return absl::OkStatus();
}

}  // namespace chibo::supervision
