// Loads a planned demo province through the services' own RPCs: the tree
// and members into the registry, a year of meetings with realistic
// attendance into scheduling, and visits by provincial and district teams
// into supervision. Every random choice comes from the seed (per meeting,
// independent of thread order), and every write carries a request_id derived
// from it, so a load that stopped half-way can simply be run again.
#ifndef CHIBO_TOOLS_DEMO_DEMO_LOADER_H_
#define CHIBO_TOOLS_DEMO_DEMO_LOADER_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "tools/demo/demo_plan.h"

namespace chibo::demo {

struct LoadOptions {
  std::string registry_addr = "127.0.0.1:50051";
  std::string scheduling_addr = "127.0.0.1:50052";
  std::string supervision_addr = "127.0.0.1:50053";
  std::string token;  // an admin token scoped to the province
  uint64_t seed = 2023;
  int year = 2025;    // the year of meetings and visits
  int threads = 8;    // calls in flight
  std::function<void(const std::string&)> progress = [](const std::string&) {};
};

struct LoadSummary {
  int units = 0, members = 0, exemptions = 0, series = 0, thematic_meetings = 0;
  int meetings = 0, recorded = 0, teams = 0, visits = 0, committee_members = 0;
  double seconds = 0;
};

absl::StatusOr<LoadSummary> LoadProvince(const ProvincePlan& plan, const LoadOptions& options);

}  // namespace chibo::demo

#endif  // CHIBO_TOOLS_DEMO_DEMO_LOADER_H_
