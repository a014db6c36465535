// chibo-demo: loads the demo province (shaped like Bắc Kạn in seed 002)
// through the running services' RPCs. Deterministic from --seed; --scale
// shrinks it for tests. Writes --done_file when finished.
//
//   chibo-demo --token_file=data/admin.token [--scale=1] [--seed=2023] [--year=2025]
#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/demo_plan.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling");
ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "chibo-supervision");
ABSL_FLAG(std::string, token_file, "data/admin.token", "An admin token of the province");
ABSL_FLAG(uint64_t, seed, 2023, "Random seed: the same seed gives the same province");
ABSL_FLAG(double, scale, 1.0, "Size relative to the real province (1 = 36,872 members)");
ABSL_FLAG(int, year, 2025, "Year of the meetings and visits");
ABSL_FLAG(int, threads, 8, "Calls in flight");
ABSL_FLAG(std::string, done_file, "", "File written when the load has finished");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-demo: nạp tỉnh mẫu / load the demo province");
  absl::ParseCommandLine(argc, argv);
  std::ifstream in(absl::GetFlag(FLAGS_token_file));
  std::string token;
  std::getline(in, token);
  if (token.empty()) {
    std::cerr << "chibo-demo: không đọc được token / cannot read a token from "
              << absl::GetFlag(FLAGS_token_file) << "\n";
    return 1;
  }
  chibo::demo::PlanOptions plan_options;
  plan_options.seed = absl::GetFlag(FLAGS_seed);
  plan_options.scale = absl::GetFlag(FLAGS_scale);
  const chibo::demo::ProvincePlan plan = chibo::demo::PlanProvince(plan_options, absl::GetFlag(FLAGS_year));
  std::cout << absl::StrFormat(
                   "chibo-demo: %d đảng bộ trực thuộc, %d đảng bộ cơ sở, %d chi bộ cơ sở, %d chi bộ "
                   "trực thuộc, %d đảng viên\n",
                   plan.district_count, plan.base_committees, plan.base_cells, plan.subordinate_cells,
                   plan.members.size())
            << std::flush;
  chibo::demo::LoadOptions options;
  options.registry_addr = absl::GetFlag(FLAGS_registry_addr);
  options.scheduling_addr = absl::GetFlag(FLAGS_scheduling_addr);
  options.supervision_addr = absl::GetFlag(FLAGS_supervision_addr);
  options.token = std::string(absl::StripAsciiWhitespace(token));
  options.seed = absl::GetFlag(FLAGS_seed);
  options.year = absl::GetFlag(FLAGS_year);
  options.threads = absl::GetFlag(FLAGS_threads);
  options.progress = [](const std::string& line) { std::cout << "chibo-demo: " << line << std::endl; };
  auto summary = chibo::demo::LoadProvince(plan, options);
  if (!summary.ok()) {
    std::cerr << "chibo-demo: lỗi / failed: " << summary.status() << "\n";
    return 1;
  }
  std::cout << absl::StrFormat(
      "chibo-demo: xong trong %.0f s / done in %.0f s: %d units, %d members, %d exemptions, %d "
      "meetings (%d recorded), %d committee seats, %d teams, %d visits\n",
      summary->seconds, summary->seconds, summary->units, summary->members, summary->exemptions,
      summary->meetings, summary->recorded, summary->committee_members, summary->teams, summary->visits);
  if (auto done = absl::GetFlag(FLAGS_done_file); !done.empty()) {
    std::ofstream(done) << "seed " << options.seed << " scale " << plan_options.scale << " year "
                        << options.year << "\n";
  }
  return 0;
}
