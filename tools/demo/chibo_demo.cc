// chibo-demo: loads the demo province (shaped like Bắc Kạn in seed 002)
// through the running services' RPCs, with its history from --from (January
// 2025) to --until (the current month): meetings recorded up to the end
// date, the month in progress recorded up to today, visits through the month
// before. Deterministic from --seed and the end date; --scale shrinks it for
// tests. Writes --done_file when finished.
//
//   chibo-demo --token_file=data/admin.token [--scale=1] [--seed=2023]
//              [--from=2025-01] [--until=YYYY-MM | --until=YYYY-MM-DD]
#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "common/time/dates.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/demo_plan.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling");
ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "chibo-supervision");
ABSL_FLAG(std::string, token_file, "data/admin.token", "An admin token of the province");
ABSL_FLAG(uint64_t, seed, 2023, "Random seed: the same seed gives the same province");
ABSL_FLAG(double, scale, 1.0, "Size relative to the real province (1 = 36,872 members)");
ABSL_FLAG(std::string, from, "2025-01", "First month of the history (YYYY-MM)");
ABSL_FLAG(std::string, until, "",
          "End of the history: YYYY-MM (a past month: recorded to its end; the current month, the "
          "default: recorded up to today) or YYYY-MM-DD (recorded up to the day before)");
ABSL_FLAG(int, threads, 8, "Calls in flight");
ABSL_FLAG(std::string, done_file, "", "File written when the load has finished");

namespace {

struct History {
  absl::CivilMonth first, last;
  absl::CivilDay as_of;  // meetings before it are recorded
};

absl::StatusOr<History> ParseHistory(const std::string& from, const std::string& until,
                                     absl::CivilDay today) {
  History h;
  if (from.size() != 7 || !absl::ParseCivilTime(from, &h.first)) {
    return absl::InvalidArgumentError("--from: YYYY-MM");
  }
  if (until.empty()) {
    h.last = absl::CivilMonth(today);
    h.as_of = today;
  } else if (until.size() == 7 && absl::ParseCivilTime(until, &h.last)) {
    if (h.last > absl::CivilMonth(today)) {
      return absl::InvalidArgumentError("--until: không quá tháng này / at most the current month");
    }
    h.as_of = h.last == absl::CivilMonth(today) ? today : absl::CivilDay(h.last + 1);
  } else if (auto day = chibo::time::ParseDate(until); day.ok() && until.size() == 10) {
    if (*day > today) return absl::InvalidArgumentError("--until: không quá hôm nay / at most today");
    h.as_of = *day;
    h.last = absl::CivilMonth(*day);
  } else {
    return absl::InvalidArgumentError("--until: YYYY-MM or YYYY-MM-DD");
  }
  if (h.last < h.first) return absl::InvalidArgumentError("--until: before --from");
  return h;
}

std::string Month(absl::CivilMonth m) { return absl::StrFormat("%04d-%02d", m.year(), m.month()); }

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-demo: nạp tỉnh mẫu / load the demo province");
  absl::ParseCommandLine(argc, argv);
  // A client of many calls in flight: no lock-order graph on every lock
  // (common/service/service_flags.h, TurnOffMutexDeadlockDetection).
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto history = ParseHistory(absl::GetFlag(FLAGS_from), absl::GetFlag(FLAGS_until), chibo::time::Today());
  if (!history.ok()) {
    std::cerr << "chibo-demo: " << history.status().message() << "\n";
    return 2;
  }
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
  plan_options.first = history->first;
  plan_options.last = history->last;
  const chibo::demo::ProvincePlan plan = chibo::demo::PlanProvince(plan_options);
  std::cout << absl::StrFormat(
                   "chibo-demo: %d đảng bộ trực thuộc, %d đảng bộ cơ sở, %d chi bộ cơ sở, %d chi bộ "
                   "trực thuộc, %d đảng viên; %s → %s, ghi biên bản đến trước / recorded before %s\n",
                   plan.district_count, plan.base_committees, plan.base_cells, plan.subordinate_cells,
                   plan.members.size(), Month(history->first), Month(history->last),
                   chibo::time::FormatDate(history->as_of))
            << std::flush;
  chibo::demo::LoadOptions options;
  options.registry_addr = absl::GetFlag(FLAGS_registry_addr);
  options.scheduling_addr = absl::GetFlag(FLAGS_scheduling_addr);
  options.supervision_addr = absl::GetFlag(FLAGS_supervision_addr);
  options.token = std::string(absl::StripAsciiWhitespace(token));
  options.seed = absl::GetFlag(FLAGS_seed);
  options.as_of = history->as_of;
  options.threads = absl::GetFlag(FLAGS_threads);
  // One write per line: the loader reports from several threads.
  options.progress = [](const std::string& line) { std::cout << ("chibo-demo: " + line + "\n") << std::flush; };
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
    std::ofstream(done) << "seed " << options.seed << " scale " << plan_options.scale << " from "
                        << Month(history->first) << " until " << Month(history->last) << " as_of "
                        << chibo::time::FormatDate(history->as_of) << "\n";
  }
  return 0;
}
