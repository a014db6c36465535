#include "services/supervision/plan_solver.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "lemon/network_simplex.h"
#include "lemon/smart_graph.h"

namespace chibo::supervision {
namespace {

// What the pinned visits already take: cells, (visitor, day)s, and per
// visitor how many.
struct Taken {
  std::vector<bool> cells;
  std::set<std::pair<int, int>> visitor_days;
  std::vector<int> per_visitor;
  explicit Taken(const PlanProblem& p)
      : cells(p.cell_priority.size(), false), per_visitor(p.visitors.size(), 0) {
    for (const auto& [v, m] : p.pinned) {
      cells[p.meetings[m].cell] = true;
      visitor_days.insert({v, p.meetings[m].day});
      ++per_visitor[v];
    }
  }
  bool Free(const PlanProblem& p, int v, int m) const {
    return !cells[p.meetings[m].cell] && !visitor_days.count({v, p.meetings[m].day}) && Eligible(p, v, m);
  }
};

// Costs: a quota visit outweighs any priority, a priority point outweighs
// the balancing steps.
constexpr long long kQuotaGain = 1'000'000;
constexpr long long kPriorityScale = 100;
constexpr long long kBalanceStep = 20;
constexpr int kBalanceChunks = 8;

PlanAssignments SolveByFlow(const PlanProblem& p) {
  using Graph = lemon::SmartDigraph;
  Graph g;
  Graph::ArcMap<long long> upper(g), cost(g);
  const Taken taken(p);
  const Graph::Node source = g.addNode(), sink = g.addNode();
  auto arc = [&](Graph::Node a, Graph::Node b, long long cap, long long c) {
    Graph::Arc e = g.addArc(a, b);
    upper[e] = cap;
    cost[e] = c;
    return e;
  };
  std::vector<Graph::Node> cell_node(p.cell_priority.size(), lemon::INVALID);
  auto cell_of = [&](int c) {
    if (cell_node[c] == lemon::INVALID) {
      cell_node[c] = g.addNode();
      arc(cell_node[c], sink, 1, 0);
    }
    return cell_node[c];
  };
  long long supply = 0;
  std::vector<std::pair<Graph::Arc, std::pair<int, int>>> choice_arcs;  // (v,day)→cell arcs
  for (int v = 0; v < static_cast<int>(p.visitors.size()); ++v) {
    const PlanVisitor& visitor = p.visitors[v];
    const int room = std::max(0, visitor.capacity - taken.per_visitor[v]);
    if (room == 0) continue;
    const Graph::Node vn = g.addNode();
    const int quota = std::min(room, std::max(0, visitor.quota - taken.per_visitor[v]));
    if (quota > 0) arc(source, vn, quota, -kQuotaGain);
    // The rest in chunks, each dearer than the last: the load spreads.
    const int rest = room - quota;
    const int chunk = std::max(1, (rest + kBalanceChunks - 1) / kBalanceChunks);
    for (int done = 0, k = 0; done < rest; done += chunk, ++k) {
      arc(source, vn, std::min(chunk, rest - done), k * kBalanceStep);
    }
    supply += room;
    std::map<int, Graph::Node> day_nodes;
    for (int m = 0; m < static_cast<int>(p.meetings.size()); ++m) {
      if (!taken.Free(p, v, m)) continue;
      const PlanMeeting& meeting = p.meetings[m];
      auto [it, fresh] = day_nodes.try_emplace(meeting.day, lemon::INVALID);
      if (fresh) {
        it->second = g.addNode();
        arc(vn, it->second, 1, 0);
      }
      choice_arcs.push_back({arc(it->second, cell_of(meeting.cell), 1,
                                 -kPriorityScale * p.cell_priority[meeting.cell]),
                             {v, m}});
    }
  }
  PlanAssignments out = p.pinned;
  if (supply == 0) return out;
  arc(source, sink, supply, 0);  // what no meeting takes
  lemon::NetworkSimplex<Graph, long long, long long> simplex(g);
  simplex.upperMap(upper).costMap(cost).stSupply(source, sink, supply);
  if (simplex.run() != lemon::NetworkSimplex<Graph, long long, long long>::OPTIMAL) return out;
  for (const auto& [a, pair] : choice_arcs) {
    if (simplex.flow(a) > 0) out.push_back(pair);
  }
  return out;
}

// Meetings by their cell's priority (then day), each to the eligible team
// furthest below its quota, then the least loaded.
PlanAssignments SolveGreedily(const PlanProblem& p) {
  Taken taken(p);
  std::vector<int> order(p.meetings.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    const int pa = p.cell_priority[p.meetings[a].cell], pb = p.cell_priority[p.meetings[b].cell];
    return pa != pb ? pa > pb : p.meetings[a].day < p.meetings[b].day;
  });
  PlanAssignments out = p.pinned;
  for (int m : order) {
    if (taken.cells[p.meetings[m].cell]) continue;
    int best = -1;
    for (int v = 0; v < static_cast<int>(p.visitors.size()); ++v) {
      if (taken.per_visitor[v] >= p.visitors[v].capacity || !taken.Free(p, v, m)) continue;
      auto key = [&](int x) {
        return std::make_pair(p.visitors[x].quota - taken.per_visitor[x], -taken.per_visitor[x]);
      };
      if (best < 0 || key(v) > key(best)) best = v;
    }
    if (best < 0) continue;
    taken.cells[p.meetings[m].cell] = true;
    taken.visitor_days.insert({best, p.meetings[m].day});
    ++taken.per_visitor[best];
    out.push_back({best, m});
  }
  return out;
}

}  // namespace

bool Eligible(const PlanProblem& p, int visitor, int meeting) {
  const PlanVisitor& v = p.visitors[visitor];
  const PlanMeeting& m = p.meetings[meeting];
  return !v.own_cells.count(m.cell) && !v.busy_days.count(m.day) && (!v.restricted || v.only_cells.count(m.cell));
}

int InvalidPinned(const PlanProblem& p) {
  std::set<int> cells;
  std::set<std::pair<int, int>> visitor_days;
  std::vector<int> per_visitor(p.visitors.size(), 0);
  for (int i = 0; i < static_cast<int>(p.pinned.size()); ++i) {
    const auto [v, m] = p.pinned[i];
    if (v < 0 || v >= static_cast<int>(p.visitors.size()) || m < 0 ||
        m >= static_cast<int>(p.meetings.size()) || !Eligible(p, v, m) ||
        !cells.insert(p.meetings[m].cell).second || !visitor_days.insert({v, p.meetings[m].day}).second ||
        ++per_visitor[v] > p.visitors[v].capacity) {
      return i;
    }
  }
  return -1;
}

PlanAssignments SolvePlan(const PlanProblem& problem, PlanSolverKind kind) {
  return kind == PlanSolverKind::kGreedy ? SolveGreedily(problem) : SolveByFlow(problem);
}

long long PriorityBound(const PlanProblem& p) {
  std::vector<bool> coverable(p.cell_priority.size(), false);
  for (int m = 0; m < static_cast<int>(p.meetings.size()); ++m) {
    for (int v = 0; v < static_cast<int>(p.visitors.size()) && !coverable[p.meetings[m].cell]; ++v) {
      if (Eligible(p, v, m)) coverable[p.meetings[m].cell] = true;
    }
  }
  std::vector<int> priorities;
  for (size_t c = 0; c < coverable.size(); ++c) {
    if (coverable[c]) priorities.push_back(p.cell_priority[c]);
  }
  std::sort(priorities.rbegin(), priorities.rend());
  auto top = [](const std::vector<int>& sorted, long long n) {
    long long sum = 0;
    for (size_t i = 0; i < sorted.size() && static_cast<long long>(i) < n; ++i) sum += sorted[i];
    return sum;
  };
  // A visitor goes to one meeting a day: at most as many visits as it has
  // days with a meeting it may attend. A member going alone covers only
  // the cells they follow: at most the best of those, as many as they can.
  long long capacity = 0, free_capacity = 0, restricted_best = 0;
  for (int v = 0; v < static_cast<int>(p.visitors.size()); ++v) {
    std::set<int> days, cells;
    for (int m = 0; m < static_cast<int>(p.meetings.size()); ++m) {
      if (Eligible(p, v, m)) days.insert(p.meetings[m].day), cells.insert(p.meetings[m].cell);
    }
    long long can = std::min<long long>(p.visitors[v].capacity, static_cast<long long>(days.size()));
    if (p.visitors[v].restricted) {
      can = std::min<long long>(can, static_cast<long long>(cells.size()));
      std::vector<int> own;
      for (int c : cells) own.push_back(p.cell_priority[c]);
      std::sort(own.rbegin(), own.rend());
      restricted_best += top(own, can);
    } else {
      free_capacity += can;
    }
    capacity += can;
  }
  // Both are bounds: the best `capacity` cells of all; the best the teams
  // can reach plus the best each member alone can.
  return std::min(top(priorities, capacity), top(priorities, free_capacity) + restricted_best);
}

}  // namespace chibo::supervision
