// Meeting figures of a unit's subtree per child and month (what the
// compliance report is made of), computed from the per-cell, per-year folds
// over the tree as it was in each month and judged by the rulebook in force
// on each meeting's date. Cached, and checked against the folds' change
// stamps on every read. See docs/reports.md.
#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cache/checked_value.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/scheduling/cell_facts.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {
namespace {

using clients::OrgTree;
using clients::PeriodAttribution;

// Above this many cells a report reads the year's folds whole; below, by id.
constexpr size_t kReadByIdBelow = 4000;
constexpr size_t kIdsPerQuery = 500;

bool IsHeld(v1::MeetingStatus s) { return s == v1::HELD || s == v1::MINUTES_APPROVED; }
bool IsRegular(v1::MeetingKind k) { return k == v1::REGULAR || k == v1::REGULAR_AND_THEMATIC; }
bool IsThematic(v1::MeetingKind k) { return k == v1::THEMATIC || k == v1::REGULAR_AND_THEMATIC; }

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text) {
  int year = 0, month = 0;
  if (text.size() != 7 || text[4] != '-' || !absl::SimpleAtoi(text.substr(0, 4), &year) ||
      !absl::SimpleAtoi(text.substr(5, 2), &month) || year < 1900 || month < 1 || month > 12) {
    return absl::InvalidArgumentError("YYYY-MM");
  }
  return absl::CivilMonth(year, month);
}

}  // namespace

Scheduling::Scheduling(db::Database* db, clients::RegistryClient* registry, cache::Cache* cache)
    : db_(db),
      registry_(registry),
      cache_(cache),
      fold_stamps_(db->engine(), "cell_year_facts", "year"),
      upsert_fold_sql_(fold_stamps_.Stamped(sql::kUpsertCellYearFactsTemplate, 2)) {}

absl::Status Scheduling::SummarizeMeetings(const auth::Claims& caller,
                                           const v1::SummarizeMeetingsRequest& request,
                                           v1::MeetingSummary* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  auto first = ParseMonth(request.first_month());
  if (!first.ok()) v.Add("first_month", "YYYY-MM");
  if (request.months() < 1 || request.months() > 12) {
    v.Add("months", "từ 1 đến 12 / 1 to 12");
  } else if (first.ok() && first->month() + request.months() - 1 > 12) {
    v.Add("months", "trong một năm / within one year");
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const std::string year = absl::StrCat(first->year());
  // One day for the key, the data version and the figures (months begun,
  // meetings overdue), also when the clock passes midnight meanwhile.
  const absl::CivilDay today_day = time::Today();
  const std::string today = time::FormatDate(today_day);
  // The key names the tree and rules it was built on and the day (months
  // begun and overdue meetings depend on it); the folds are checked on
  // every read. The data version names all of them.
  auto key_on = [&](const OrgTree& tree) {
    return absl::StrCat("sch:summary:f4:", request.org_unit_id(), ":", request.first_month(), ":",
                        request.months(), ":", today, ":t", tree.version());
  };
  // It names the request too: a version held for another unit or other
  // months is never "not modified" here (the tree, folds and day alone are
  // the same for every unit).
  auto data_version_of = [&](const OrgTree& tree, absl::string_view watermark) {
    return absl::StrCat(request.org_unit_id(), ":", request.first_month(), "+", request.months(), ":t",
                        tree.version(), ":f", watermark, ":d", today);
  };
  auto changed = [&](absl::string_view w) { return fold_stamps_.ChangedSince(*db_, year, w); };
  // The answer when the caller already holds this data version.
  auto answer_not_modified = [&](const OrgTree& tree, std::string data_version) {
    response->Clear();
    response->set_not_modified(true);
    response->set_data_version(std::move(data_version));
    response->set_tree_version(tree.version());
    return absl::OkStatus();
  };
  // The caller confirms the tree itself, meanwhile: "not modified" on the
  // tree in hand, named in the answer, needs no registry call here.
  if (request.caller_confirms_tree() && !request.known_data_version().empty()) {
    if (clients::RegistryClient::TreePtr held = registry_->Held(caller);
        held && clients::RegistryClient::CheckScopeIn(*held, caller, request.org_unit_id()).ok()) {
      std::optional<cache::CheckedValue> on_held = cache::PeekChecked(*cache_, key_on(*held), changed);
      if (on_held) {
        if (std::string dv = data_version_of(*held, on_held->watermark); dv == request.known_data_version()) {
          return answer_not_modified(*held, std::move(dv));
        }
      }
    }
  }
  // While the registry confirms the tree in hand, look its summary up (it
  // is kept only if the tree was current, and only after the scope check).
  clients::RegistryClient::TreePtr guessed;
  std::optional<cache::CheckedValue> peeked;
  auto tree = registry_->Tree(caller, [&](const clients::RegistryClient::TreePtr& held) {
    if (!held) return;
    guessed = held;
    peeked = cache::PeekChecked(*cache_, key_on(*held), changed);
  });
  if (!tree.ok()) return tree.status();
  if (absl::Status s = clients::RegistryClient::CheckScopeIn(**tree, caller, request.org_unit_id()); !s.ok()) {
    return s;
  }
  const int root = (*tree)->Find(request.org_unit_id());
  if (root == OrgTree::kNone) return absl::NotFoundError(request.org_unit_id());
  if (peeked && *tree == guessed) {
    if (std::string dv = data_version_of(**tree, peeked->watermark); dv == request.known_data_version()) {
      return answer_not_modified(**tree, std::move(dv));
    }
    if (!response->ParseFromString(peeked->payload)) return absl::InternalError("corrupt cached summary");
    return absl::OkStatus();
  }
  std::string watermark;
  auto bytes = cache::GetChecked(
      *cache_, key_on(**tree),
      [&]() -> absl::StatusOr<std::string> {
        auto w = fold_stamps_.Watermark(*db_, year);
        if (w.ok()) watermark = *w;
        return w;
      },
      changed,
      [&]() -> absl::StatusOr<std::string> {
        auto summary = BuildSummary(**tree, root, *first, request.months(), today_day);
        if (!summary.ok()) return summary.status();
        summary->set_data_version(data_version_of(**tree, watermark));
        summary->set_tree_version((*tree)->version());
        return summary->SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  if (!response->ParseFromString(*bytes)) return absl::InternalError("corrupt cached summary");
  if (!request.known_data_version().empty() && response->data_version() == request.known_data_version()) {
    return answer_not_modified(**tree, response->data_version());
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::MeetingSummary> Scheduling::BuildSummary(const OrgTree& tree, int root,
                                                            absl::CivilMonth first, int months,
                                                            absl::CivilDay on) {
  const PeriodAttribution attr(tree, root, first, months);
  const OrgTree::Day today = OrgTree::DayOf(on);
  const int quarters = months >= 3 ? months / 3 : 0;

  // Positions: 0 for the root itself, then the root's children by name.
  std::unordered_map<int, int> pos_of{{OrgTree::kRoot, 0}};
  for (size_t i = 0; i < attr.children().size(); ++i) pos_of[attr.children()[i]] = static_cast<int>(i) + 1;
  const int positions = static_cast<int>(attr.children().size()) + 1;
  std::vector<v1::MeetingFigures> grid(static_cast<size_t>(positions) * months);
  std::vector<bool> touched(grid.size(), false);
  auto cell_of = [&](int pos, int i) -> v1::MeetingFigures& {
    touched[static_cast<size_t>(pos) * months + i] = true;
    return grid[static_cast<size_t>(pos) * months + i];
  };
  // Distinct cells per (position or "*", group): groups are the quarters,
  // then the whole period. "*" is position `positions`. A cell usually
  // stands under one position all period: its first one is kept per unit,
  // any other in a small set.
  const int groups = quarters + 1;
  struct Counts {
    int cells = 0, with_thematic = 0;
  };
  std::vector<Counts> counts(static_cast<size_t>(positions + 1) * groups);
  struct Seen {
    std::vector<int> first_pos;  // per unit, -1 = none yet
    absl::flat_hash_set<int64_t> more;  // (pos, unit) beyond the first
    bool Insert(int pos, int u) {
      if (first_pos[u] == pos) return false;
      if (first_pos[u] < 0) {
        first_pos[u] = pos;
        return true;
      }
      return more.insert(static_cast<int64_t>(pos) << 32 | static_cast<uint32_t>(u)).second;
    }
  };
  // [(group * 2 + thematic) * 2 + is "*"]
  std::vector<Seen> counted(4 * groups);
  for (Seen& s : counted) s.first_pos.assign(tree.size(), -1);
  auto mark = [&](int pos, int i, int u, bool thematic) {
    for (int g : {quarters > 0 ? i / 3 : -1, quarters}) {
      if (g < 0) continue;
      for (int p : {pos, positions}) {
        Seen& seen = counted[(g * 2 + (thematic ? 1 : 0)) * 2 + (p == positions ? 1 : 0)];
        if (!seen.Insert(p, u)) continue;
        Counts& c = counts[static_cast<size_t>(p) * groups + g];
        ++(thematic ? c.with_thematic : c.cells);
      }
    }
  };

  // Cells and expected meetings, month by month, where each cell stood.
  std::vector<int> cells;
  for (int u : attr.units()) {
    if (!clients::IsCell(tree.unit(u).kind())) continue;
    cells.push_back(u);
    for (int i = 0; i < months; ++i) {
      const int child = attr.ChildOf(u, i);
      if (child == OrgTree::kNone) continue;
      const int pos = pos_of.at(child);
      v1::MeetingFigures& f = cell_of(pos, i);
      f.set_cells(f.cells() + 1);
      const OrgTree::Day ref = attr.ReferenceDayOf(u, i);
      if (ref <= today) {
        f.set_regular_expected(f.regular_expected() +
                               std::max(1, tree.RulesOn(ref).regular_meetings_per_month()));
      }
      mark(pos, i, u, false);
    }
  }

  // Self-grades per (category, month) over the whole subtree.
  std::map<std::pair<int, int>, v1::MeetingFigures> categories;
  auto category_of = [&](registry::v1::OrgUnitCategory c, int i) -> v1::MeetingFigures& {
    return categories[{static_cast<int>(c), i}];
  };

  // The meetings, from one fold row per cell.
  auto fold = [&](const db::Row& row) -> absl::Status {
    const int u = tree.Find(row.Text(0));
    if (u == OrgTree::kNone || !clients::IsCell(tree.unit(u).kind())) return absl::OkStatus();
    std::vector<FoldedMeeting> meetings;
    if (!ParseFolded(row.Text(1), &meetings)) {
      return absl::InternalError(absl::StrCat("unreadable fold row of ", row.Text(0)));
    }
    for (const FoldedMeeting& m : meetings) {
      const int i = m.month - first.month();
      if (i < 0 || i >= months) continue;
      const int child = attr.ChildOf(u, i);
      if (child == OrgTree::kNone) continue;
      const int pos = pos_of.at(child);
      v1::MeetingFigures& f = cell_of(pos, i);
      const OrgTree::Day day = OrgTree::DayOf(absl::CivilDay(first.year(), m.month, m.day));
      if (m.status == v1::PLANNED && day < today) f.set_unrecorded_past(f.unrecorded_past() + 1);
      if (!IsHeld(m.status)) continue;
      // Judged by the rules in force on the meeting's own date.
      const registry::v1::Rules& rules = tree.RulesOn(day);
      f.set_meetings_held(f.meetings_held() + 1);
      if (IsRegular(m.kind)) f.set_regular_held(f.regular_held() + 1);
      if (IsThematic(m.kind)) {
        f.set_thematic_held(f.thematic_held() + 1);
        mark(pos, i, u, true);
      }
      const int minimum = m.kind == v1::REGULAR_AND_THEMATIC ? rules.combined_min_minutes()
                                                             : rules.regular_min_minutes();
      if (m.actual_minutes < minimum) f.set_under_minimum(f.under_minimum() + 1);
      // The standard (Hướng dẫn 12-HD/BTCTW), each criterion by these rules.
      const bool attendance_ok = m.present * 100 > rules.standard_attendance_percent() * m.expected;
      const bool unexcused_ok = m.absent_unexcused == 0;
      const bool run_ok = rules.standard_max_consecutive_absences() <= 0 ||
                          m.absence_run < rules.standard_max_consecutive_absences();
      const bool length_ok = m.actual_minutes >= minimum;
      const bool speakers_ok = m.speakers >= rules.standard_min_speakers();
      if (!attendance_ok) f.set_failed_attendance(f.failed_attendance() + 1);
      if (!unexcused_ok) f.set_failed_unexcused(f.failed_unexcused() + 1);
      if (!run_ok) f.set_failed_absence_run(f.failed_absence_run() + 1);
      if (!length_ok) f.set_failed_length(f.failed_length() + 1);
      if (!speakers_ok) f.set_failed_speakers(f.failed_speakers() + 1);
      if (attendance_ok && unexcused_ok && run_ok && length_ok && speakers_ok) f.set_met_standard(f.met_standard() + 1);
      if (m.self_score > 0) {
        v1::MeetingFigures& by_category = category_of(tree.unit(u).category(), i);
        for (v1::MeetingFigures* g : {&f, &by_category}) {
          switch (clients::GradeBandOf(m.self_score, rules)) {
            case clients::GradeBand::kGood: g->set_self_good(g->self_good() + 1); break;
            case clients::GradeBand::kFair: g->set_self_fair(g->self_fair() + 1); break;
            case clients::GradeBand::kAverage: g->set_self_average(g->self_average() + 1); break;
            case clients::GradeBand::kPoor: g->set_self_poor(g->self_poor() + 1); break;
          }
        }
      }
      f.set_opinions(f.opinions() + m.opinions);
      f.set_minutes(f.minutes() + m.actual_minutes);
      if (m.expected > 0) {
        f.set_rated(f.rated() + 1);
        f.set_rate_sum(f.rate_sum() + static_cast<double>(m.present) / m.expected);
        if (m.present * 100 >= rules.report_high_attendance_percent() * m.expected) {
          f.set_high_attendance(f.high_attendance() + 1);
        }
      }
    }
    return absl::OkStatus();
  };
  const std::string year = absl::StrCat(first.year());
  if (cells.size() >= kReadByIdBelow) {
    auto rows = db_->Query(sql::kSelectYearFacts, {year});
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) {
      if (absl::Status s = fold(r); !s.ok()) return s;
    }
  } else {
    for (size_t at = 0; at < cells.size(); at += kIdsPerQuery) {
      const size_t n = std::min(kIdsPerQuery, cells.size() - at);
      std::string q = sql::kSelectYearFactsOfCellsPrefix;
      db::Params params{year};
      for (size_t k = 0; k < n; ++k) {
        absl::StrAppend(&q, k ? ", ?" : "?", k + 2);
        params.emplace_back(tree.unit(cells[at + k]).id());
      }
      q += ")";
      auto rows = db_->Query(q, params);
      if (!rows.ok()) return rows.status();
      for (const db::Row& r : rows->rows) {
        if (absl::Status s = fold(r); !s.ok()) return s;
      }
    }
  }

  v1::MeetingSummary out;
  auto child_id = [&](int pos) { return pos == 0 ? std::string() : tree.unit(attr.children()[pos - 1]).id(); };
  for (int pos = 0; pos < positions; ++pos) {
    for (int i = 0; i < months; ++i) {
      if (!touched[static_cast<size_t>(pos) * months + i]) continue;
      v1::MeetingSummaryRow* row = out.add_rows();
      row->set_child_id(child_id(pos));
      row->set_month(absl::StrFormat("%04d-%02d", (first + i).year(), (first + i).month()));
      *row->mutable_figures() = grid[static_cast<size_t>(pos) * months + i];
    }
  }
  for (int p = 0; p <= positions; ++p) {
    for (int g = 0; g < groups; ++g) {
      const Counts& d = counts[static_cast<size_t>(p) * groups + g];
      if (d.cells == 0 && d.with_thematic == 0 && p != positions) continue;
      v1::CellCounts* c = out.add_cell_counts();
      c->set_child_id(p == positions ? "*" : child_id(p));
      const absl::CivilMonth from = g < quarters ? first + 3 * g : first;
      c->set_first_month(absl::StrFormat("%04d-%02d", from.year(), from.month()));
      c->set_months(g < quarters ? 3 : months);
      c->set_cells(d.cells);
      c->set_cells_with_thematic(d.with_thematic);
    }
  }
  for (const auto& [category_month, figures] : categories) {
    v1::CategoryMonthRow* row = out.add_categories();
    row->set_category(static_cast<registry::v1::OrgUnitCategory>(category_month.first));
    const absl::CivilMonth month = first + category_month.second;
    row->set_month(absl::StrFormat("%04d-%02d", month.year(), month.month()));
    *row->mutable_figures() = figures;
  }
  for (int child : attr.children()) {
    out.add_child_ids(tree.unit(child).id());
    out.add_child_names(tree.unit(child).name());
  }
  out.set_org_unit_id(tree.unit(root).id());
  out.set_name(tree.unit(root).name());
  return out;
}

}  // namespace chibo::scheduling
