// The visit planner's solvers at Hồ Chí Minh City size, without the
// services: a quarter of a province at 10× the demo (22,000 cells meeting
// monthly, 66,000 meetings over 90 days, 10% remote) and `--teams` teams of
// the provincial committee, each with its quota and a capacity to cover
// every cell once between them. Prints, per solver and round, the time and
// the plan's figures against the bound (plan_solver.h). The end-to-end RPC
// adds reading the meetings and visits (see the README).
#include <chrono>
#include <cstdio>
#include <random>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "services/supervision/plan_solver.h"

ABSL_FLAG(int, cells, 22000, "cells below the committee");
ABSL_FLAG(int, teams, 12, "teams of the committee");
ABSL_FLAG(int, rounds, 5, "rounds per solver");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  using namespace chibo::supervision;
  const int cells = absl::GetFlag(FLAGS_cells), teams = absl::GetFlag(FLAGS_teams);
  std::mt19937 rng(7);
  PlanProblem p;
  std::vector<bool> remote(cells);
  for (int c = 0; c < cells; ++c) {
    remote[c] = rng() % 10 == 0;
    p.cell_priority.push_back(10 + (remote[c] ? 20 : 0) + (rng() % 3 == 0 ? 10 : 0));
    for (int month = 0; month < 3; ++month) p.meetings.push_back({c, 20454 + month * 30 + static_cast<int>(rng() % 28)});
  }
  for (int t = 0; t < teams; ++t) {
    PlanVisitor v;
    v.quota = 1;
    v.capacity = (cells + teams - 1) / teams;
    for (int k = 0; k < 5; ++k) v.own_cells.insert(static_cast<int>(rng() % cells));
    for (int k = 0; k < 10; ++k) v.busy_days.insert(20454 + static_cast<int>(rng() % 90));
    p.visitors.push_back(v);
  }
  const long long bound = PriorityBound(p);
  for (auto [kind, name] : {std::pair{PlanSolverKind::kGreedy, "greedy"}, std::pair{PlanSolverKind::kMinCostFlow, "min-cost-flow"}}) {
    for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
      const auto start = std::chrono::steady_clock::now();
      const PlanAssignments plan = SolvePlan(p, kind);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::vector<bool> covered(cells, false);
      long long priority = 0;
      int remote_covered = 0, remote_cells = 0;
      for (const auto& [v, m] : plan) {
        const int c = p.meetings[m].cell;
        if (!covered[c]) priority += p.cell_priority[c], remote_covered += remote[c] ? 1 : 0;
        covered[c] = true;
      }
      for (int c = 0; c < cells; ++c) remote_cells += remote[c] ? 1 : 0;
      std::printf("%s round %d: %.0f ms, %zu visits, remote %d/%d, priority %lld of bound %lld (gap %.4f)\n", name,
                  round + 1, ms, plan.size(), remote_covered, remote_cells, priority, bound,
                  1.0 - static_cast<double>(priority) / bound);
    }
  }
  return 0;
}
