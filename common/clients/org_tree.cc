#include "common/clients/org_tree.h"

#include <algorithm>
#include <limits>

#include "common/time/dates.h"

namespace chibo::clients {
namespace {

namespace rv1 = ::chibo::registry::v1;
constexpr OrgTree::Day kForever = std::numeric_limits<OrgTree::Day>::max();
constexpr int kUnset = -3;

}  // namespace

std::optional<OrgTree::Day> OrgTree::ParseDay(absl::string_view text) {
  if (text.empty()) return std::nullopt;
  auto day = time::ParseDate(text);
  if (!day.ok()) return std::nullopt;
  return DayOf(*day);
}

OrgTree::OrgTree(rv1::TreeSnapshot snapshot) : snapshot_(std::move(snapshot)) {
  nodes_.resize(snapshot_.units_size());
  index_.reserve(snapshot_.units_size());
  for (int i = 0; i < snapshot_.units_size(); ++i) index_[snapshot_.units(i).id()] = i;
  for (int i = 0; i < snapshot_.units_size(); ++i) {
    const rv1::OrgUnit& u = snapshot_.units(i);
    Node& n = nodes_[i];
    n.unit = &u;
    n.opened = ParseDay(u.opened_on()).value_or(kForever);
    n.closed = ParseDay(u.closed_on()).value_or(kForever);
    for (const rv1::ParentPeriod& p : u.parent_history()) {
      auto from = ParseDay(p.valid_from());
      if (!from) continue;
      n.parents.push_back({*from, ParseDay(p.valid_to()).value_or(kForever),
                           p.parent_id().empty() ? kNone : Find(p.parent_id())});
    }
    std::sort(n.parents.begin(), n.parents.end(),
              [](const Span& a, const Span& b) { return a.from < b.from; });
  }
  for (const rv1::RulebookVersion& v : snapshot_.rulebooks()) {
    if (auto from = ParseDay(v.effective_from())) rules_.push_back({*from, &v.rules()});
  }
  std::sort(rules_.begin(), rules_.end(),
            [](const RulesSpan& a, const RulesSpan& b) { return a.from < b.from; });
}

int OrgTree::Find(absl::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? kNone : it->second;
}

int OrgTree::ParentOn(int u, Day d) const {
  for (const Span& s : nodes_[u].parents) {
    if (s.from <= d && d < s.to) return s.parent;
  }
  return kNone;
}

std::vector<std::string> OrgTree::PathOn(absl::string_view id, Day d) const {
  std::vector<std::string> path;
  int u = Find(id);
  for (int depth = 0; u != kNone && depth < kMaxDepth; ++depth) {
    path.push_back(unit(u).id());
    u = ParentOn(u, d);
  }
  std::reverse(path.begin(), path.end());
  return path;
}

bool OrgTree::UnderOn(int root, int u, Day d) const {
  for (int depth = 0; u != kNone && depth < kMaxDepth; ++depth) {
    if (u == root) return true;
    u = ParentOn(u, d);
  }
  return false;
}

std::vector<int> OrgTree::SubtreeOn(int root, Day d) const {
  std::vector<int> out{root};
  for (int u = 0; u < size(); ++u) {
    if (u != root && OpenOn(u, d) && UnderOn(root, u, d)) out.push_back(u);
  }
  return out;
}

std::optional<OrgTree::Day> OrgTree::ReferenceDay(int u, absl::CivilMonth month) const {
  const Day first = DayOf(absl::CivilDay(month));
  const Day next = DayOf(absl::CivilDay(month + 1));
  const Day ref = std::max(first, nodes_[u].opened);
  if (ref >= next || !OpenOn(u, ref)) return std::nullopt;
  return ref;
}

const rv1::Rules& OrgTree::RulesOn(Day d) const {
  const rv1::Rules* in_force = &snapshot_.default_rules();
  for (const RulesSpan& r : rules_) {
    if (r.from > d) break;
    in_force = r.rules;
  }
  return *in_force;
}

PeriodAttribution::PeriodAttribution(const OrgTree& tree, int root, absl::CivilMonth first,
                                     int months, const std::vector<int>* only)
    : first_(first), months_(months) {
  const int n = tree.size();
  slots_.assign(static_cast<size_t>(n) * months, OrgTree::kNone);
  days_.assign(static_cast<size_t>(n) * months, 0);
  std::vector<bool> counted(n, false), child_seen(n, false);
  std::vector<int> memo(n);
  std::vector<int> chain;
  // The root's child that `u` lies under on `d` (kRoot for the root itself,
  // kNone outside), memoized for the month's first day, which most units use.
  auto child_on = [&](int u, OrgTree::Day d, bool use_memo) {
    if (u == root) return OrgTree::kRoot;
    chain.clear();
    int result = OrgTree::kNone;
    for (int x = u, depth = 0; depth < OrgTree::kMaxDepth; ++depth) {
      if (use_memo && memo[x] != kUnset) {
        result = memo[x];
        break;
      }
      chain.push_back(x);
      const int p = tree.ParentOn(x, d);
      if (p == OrgTree::kNone) break;
      if (p == root) {
        result = x;
        break;
      }
      x = p;
    }
    // Every unit on the chain lies under the same child (or nowhere).
    if (use_memo) {
      for (int c : chain) memo[c] = result;
    }
    return result;
  };
  std::vector<char> wanted;
  if (only) {
    wanted.assign(n, 0);
    for (int u : *only) wanted[u] = 1;
  }
  for (int i = 0; i < months; ++i) {
    const absl::CivilMonth m = first + i;
    const OrgTree::Day first_day = OrgTree::DayOf(absl::CivilDay(m));
    std::fill(memo.begin(), memo.end(), kUnset);
    for (int u = 0; u < n; ++u) {
      auto ref = tree.ReferenceDay(u, m);
      if (!ref) continue;
      if (only && !wanted[u]) {
        // Only the children are wanted of the other units.
        if (u != root && tree.ParentOn(u, *ref) == root && !child_seen[u]) {
          child_seen[u] = true;
          children_.push_back(u);
        }
        continue;
      }
      const int child = child_on(u, *ref, *ref == first_day);
      if (child == OrgTree::kNone) continue;
      slots_[static_cast<size_t>(u) * months + i] = child;
      days_[static_cast<size_t>(u) * months + i] = *ref;
      if (!counted[u]) {
        counted[u] = true;
        units_.push_back(u);
      }
      if (child >= 0 && !child_seen[child]) {
        child_seen[child] = true;
        children_.push_back(child);
      }
    }
  }
  std::sort(children_.begin(), children_.end(), [&](int a, int b) {
    return tree.unit(a).name() < tree.unit(b).name();
  });
}

int PeriodAttribution::MonthIndexOf(absl::CivilDay day) const {
  const int i = static_cast<int>(absl::CivilMonth(day) - first_);
  return i >= 0 && i < months_ ? i : -1;
}

}  // namespace chibo::clients
