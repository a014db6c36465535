// A local, immutable copy of a province's effective-dated tree and its
// rulebook versions (from RegistryService.GetTreeSnapshot), and the one rule
// by which every report attributes a cell's month (docs/reports.md):
//
//   A cell's figures for a month — whether it is expected to meet, and every
//   meeting and visit it had that month — go to the unit it stood under on
//   the month's reference day: the first day of the month, or the day the
//   cell opened if that came later. A cell counts in a month only if it was
//   open on that reference day; it is expected to have met only once that
//   day has come.
//
// So a cell opened on 1 April is not expected in Q1; one closed on 1 May
// (its first closed day) keeps January–April; one moved on 15 March counts
// March under its old parent and April on under the new one.
#ifndef CHIBO_COMMON_CLIENTS_ORG_TREE_H_
#define CHIBO_COMMON_CLIENTS_ORG_TREE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "chibo/registry/v1/registry.pb.h"

namespace chibo::clients {

class OrgTree {
 public:
  // Days are counted from 1970-01-01 (absl::CivilDay arithmetic).
  using Day = int64_t;
  static constexpr int kNone = -1;  // no such unit / not under the root / not counted
  static constexpr int kRoot = -2;  // the root itself (a report on one cell)
  static constexpr int kMaxDepth = 64;

  explicit OrgTree(registry::v1::TreeSnapshot snapshot);
  OrgTree(const OrgTree&) = delete;  // holds pointers into its own snapshot
  OrgTree& operator=(const OrgTree&) = delete;

  const std::string& version() const { return snapshot_.version(); }
  const std::string& province_id() const { return snapshot_.province_id(); }
  int size() const { return static_cast<int>(nodes_.size()); }

  // The unit's index, or kNone.
  int Find(absl::string_view id) const;
  const registry::v1::OrgUnit& unit(int u) const { return *nodes_[u].unit; }
  bool OpenOn(int u, Day d) const { return nodes_[u].opened <= d && d < nodes_[u].closed; }
  // The parent on day `d`, or kNone (the root, or not yet placed).
  int ParentOn(int u, Day d) const;
  // Ids of the unit's ancestors on `d`, root first, ending with the unit;
  // empty when the unit is unknown.
  std::vector<std::string> PathOn(absl::string_view id, Day d) const;
  // Whether `u` lies in the subtree of `root` (itself included) on `d`.
  bool UnderOn(int root, int u, Day d) const;
  // `root`, then every unit open on `d` in its subtree.
  std::vector<int> SubtreeOn(int root, Day d) const;
  // The unit the cell's month goes by (see above), or nullopt.
  std::optional<Day> ReferenceDay(int u, absl::CivilMonth month) const;
  // The rules in force on `d`.
  const registry::v1::Rules& RulesOn(Day d) const;

  static Day DayOf(absl::CivilDay day) { return day - absl::CivilDay(1970, 1, 1); }
  static absl::CivilDay CivilOf(Day d) { return absl::CivilDay(1970, 1, 1) + d; }
  // "YYYY-MM-DD" → Day; nullopt for an empty or malformed date.
  static std::optional<Day> ParseDay(absl::string_view text);

 private:
  struct Span {
    Day from, to;  // [from, to)
    int parent;
  };
  struct Node {
    const registry::v1::OrgUnit* unit = nullptr;
    Day opened = 0, closed = 0;
    std::vector<Span> parents;  // by from
  };
  struct RulesSpan {
    Day from;
    const registry::v1::Rules* rules;
  };

  registry::v1::TreeSnapshot snapshot_;
  std::vector<Node> nodes_;
  absl::flat_hash_map<std::string, int> index_;
  std::vector<RulesSpan> rules_;  // by from
};

// Where the figures of each unit's months of a period go in a report on
// `root`: to one of the root's children on the month's reference day (the
// child's index), to the root itself (kRoot), or nowhere (kNone).
class PeriodAttribution {
 public:
  // With `only`, attributes just those units (the others read kNone); the
  // children are found either way.
  PeriodAttribution(const OrgTree& tree, int root, absl::CivilMonth first, int months,
                    const std::vector<int>* only = nullptr);

  int months() const { return months_; }
  absl::CivilMonth month(int i) const { return first_ + i; }
  // The child (or kRoot / kNone) unit `u`'s month `i` goes to.
  int ChildOf(int u, int i) const { return slots_[static_cast<size_t>(u) * months_ + i]; }
  // The reference day of unit `u`'s month `i` (meaningful when ChildOf != kNone).
  OrgTree::Day ReferenceDayOf(int u, int i) const { return days_[static_cast<size_t>(u) * months_ + i]; }
  // The month index of a day, or -1 outside the period.
  int MonthIndexOf(absl::CivilDay day) const;
  // Units that count in some month of the period (any kind), by index.
  const std::vector<int>& units() const { return units_; }
  // The root's children that received some unit-month, sorted by name.
  const std::vector<int>& children() const { return children_; }

 private:
  absl::CivilMonth first_;
  int months_;
  std::vector<int> slots_;
  std::vector<OrgTree::Day> days_;
  std::vector<int> units_;
  std::vector<int> children_;
};

// The grade band of meeting points by a rulebook's cut-offs (DOMAIN.md §3:
// tốt ≥ grade_good_min, khá ≥ grade_fair_min, trung bình ≥ grade_average_min,
// kém below): what a supervisor's score and a cell's self-score are graded by.
enum class GradeBand { kGood, kFair, kAverage, kPoor };
inline GradeBand GradeBandOf(int points, const registry::v1::Rules& rules) {
  if (points >= rules.grade_good_min()) return GradeBand::kGood;
  if (points >= rules.grade_fair_min()) return GradeBand::kFair;
  if (points >= rules.grade_average_min()) return GradeBand::kAverage;
  return GradeBand::kPoor;
}

}  // namespace chibo::clients

#endif  // CHIBO_COMMON_CLIENTS_ORG_TREE_H_
