// Loads a planned demo province through the services' own RPCs: the tree
// and members into the registry, its history of meetings — from the first
// month of the plan to `as_of`, recorded with realistic attendance when held
// before `as_of` — into scheduling, and visits by provincial and district
// teams in the months before `as_of`'s into supervision. Every random choice comes from the seed (per meeting,
// independent of thread order), and every write carries a request_id derived
// from it, so a load that stopped half-way can simply be run again.
#ifndef CHIBO_TOOLS_DEMO_DEMO_LOADER_H_
#define CHIBO_TOOLS_DEMO_DEMO_LOADER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "tools/demo/demo_plan.h"

namespace chibo::demo {

struct LoadOptions {
  std::string registry_addr = "127.0.0.1:50051";
  std::string scheduling_addr = "127.0.0.1:50052";
  std::string supervision_addr = "127.0.0.1:50053";
  std::string token;  // an admin token scoped to the province
  uint64_t seed = 2023;
  // Meetings before this day are recorded (95% of cell meetings), later ones
  // stay planned; visits fall in the months before its month. At most today
  // (the services record only meetings already held). The same plan and
  // as_of give the same records and visits.
  absl::CivilDay as_of = absl::CivilDay(2026, 1, 1);
  int threads = 8;    // calls in flight
  std::function<void(const std::string&)> progress = [](const std::string&) {};
};

struct LoadSummary {
  int units = 0, members = 0, exemptions = 0, series = 0, thematic_meetings = 0;
  int meetings = 0, recorded = 0, teams = 0, visits = 0, committee_members = 0;
  double seconds = 0;
};

// `options.as_of` falls in the plan's last month, or is the day after it
// (the whole last month recorded).
absl::StatusOr<LoadSummary> LoadProvince(const ProvincePlan& plan, const LoadOptions& options);

}  // namespace chibo::demo

#endif  // CHIBO_TOOLS_DEMO_DEMO_LOADER_H_
