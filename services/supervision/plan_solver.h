// The visit planner's model (kế hoạch dự sinh hoạt), apart from where its
// data comes from: teams of one committee, the cell meetings they could
// attend in a period, and which team goes to which meeting. Two solvers
// behind one function: a min-cost flow (LEMON's network simplex, the
// default) and a greedy baseline. docs/supervision.md explains the model.
//
// The rules every solution keeps (the callers pre-filter the rest):
//   - a team attends at most one meeting a day (so never two that overlap),
//     and none on a day it is busy (a recorded visit, another approved plan);
//   - a cell is planned at most once (one level does not visit a cell twice
//     in the period before every cell has been visited);
//   - never at a cell where a member of the team belongs (`own_cells`), and
//     a committee member going alone only to the cells they follow;
//   - at most `capacity` visits per team; pinned visits are kept as given.
// What the flow optimizes, in order: every team's quota met where the
// meetings allow it; then the sum of the covered cells' priorities (remote,
// weak, never visited first); then the load spread evenly inside the
// committee's teams.
#ifndef CHIBO_SERVICES_SUPERVISION_PLAN_SOLVER_H_
#define CHIBO_SERVICES_SUPERVISION_PLAN_SOLVER_H_

#include <set>
#include <utility>
#include <vector>

namespace chibo::supervision {

struct PlanMeeting {
  int cell = 0;  // index into PlanProblem::cell_priority
  int day = 0;   // days since 1970-01-01
};

struct PlanVisitor {
  int quota = 0;     // visits the rulebook asks for in the period
  int capacity = 0;  // at most this many
  std::set<int> own_cells;  // cell indices it may not visit
  std::set<int> busy_days;  // days it is already somewhere
  // A committee member following cells goes only to those (theo dõi chi bộ).
  bool restricted = false;
  std::set<int> only_cells;  // when restricted: the cells it may visit
};

struct PlanProblem {
  std::vector<int> cell_priority;  // ≥ 1 per cell
  std::vector<PlanMeeting> meetings;
  std::vector<PlanVisitor> visitors;
  std::vector<std::pair<int, int>> pinned;  // (visitor, meeting), kept
};

// (visitor, meeting) pairs, pinned ones included.
using PlanAssignments = std::vector<std::pair<int, int>>;

enum class PlanSolverKind { kMinCostFlow, kGreedy };

// Whether `visitor` may take `meeting` at all (own cell, busy day, a cell
// it does not follow).
bool Eligible(const PlanProblem& problem, int visitor, int meeting);

// Pinned pairs must be eligible and distinct in cell and (visitor, day);
// the caller checks them (ValidatePinned) first.
PlanAssignments SolvePlan(const PlanProblem& problem, PlanSolverKind kind);

// The index of the first pinned pair that breaks a rule, or -1.
int InvalidPinned(const PlanProblem& problem);

// An upper bound on the priority a plan can cover: the highest priorities
// of the coverable cells (those with an eligible meeting), as many as the
// visitors' capacities add up to, each capped by its days with an eligible
// meeting (one meeting a day) — and, when lower, the same for the teams
// plus, for each member going alone, the best of the cells they follow.
// It ignores which cell meets on which day.
long long PriorityBound(const PlanProblem& problem);

}  // namespace chibo::supervision

#endif  // CHIBO_SERVICES_SUPERVISION_PLAN_SOLVER_H_
