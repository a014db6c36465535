#include "tools/loadgen/load_generator.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"

namespace chibo::loadgen {
namespace {

struct Run {
  const IssueFn* issue;
  absl::Time measure_from, stop_at;
  std::atomic<int> active{0};
  absl::Notification all_done;
  absl::Mutex mu;
  std::vector<int64_t> latencies_us;  // measured window only
  int64_t errors = 0;
  std::string first_error;
};

void IssueNext(const std::shared_ptr<Run>& run, int slot, int channels) {
  const absl::Time start = absl::Now();
  if (start >= run->stop_at) {
    if (run->active.fetch_sub(1) == 1) run->all_done.Notify();
    return;
  }
  (*run->issue)(slot % channels, [run, slot, channels, start](bool ok, const std::string& error) {
    const absl::Time end = absl::Now();
    if (start >= run->measure_from) {
      absl::MutexLock lock(&run->mu);
      if (ok) {
        run->latencies_us.push_back(absl::ToInt64Microseconds(end - start));
      } else {
        if (run->errors++ == 0) run->first_error = error;
      }
    }
    IssueNext(run, slot, channels);
  });
}

double Percentile(const std::vector<int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t i = std::min(sorted.size() - 1, static_cast<size_t>(p * (sorted.size() - 1) + 0.5));
  return static_cast<double>(sorted[i]);
}

}  // namespace

std::string LoadResult::Summary() const {
  return absl::StrFormat("%.0f calls/s  p50 %.0f µs  p90 %.0f µs  p99 %.0f µs  max %.0f µs  errors %d%s",
                         calls_per_second, p50_us, p90_us, p99_us, max_us, errors,
                         first_error.empty() ? "" : " (" + first_error + ")");
}

LoadResult RunClosedLoop(const LoadOptions& options, const IssueFn& issue) {
  auto run = std::make_shared<Run>();
  run->issue = &issue;
  const absl::Time now = absl::Now();
  run->measure_from = now + options.warmup;
  run->stop_at = run->measure_from + options.duration;
  run->active = options.in_flight;
  for (int slot = 0; slot < options.in_flight; ++slot) IssueNext(run, slot, options.channels);
  run->all_done.WaitForNotification();

  LoadResult result;
  absl::MutexLock lock(&run->mu);
  std::sort(run->latencies_us.begin(), run->latencies_us.end());
  result.ok = static_cast<int64_t>(run->latencies_us.size());
  result.errors = run->errors;
  result.first_error = run->first_error;
  result.calls_per_second = result.ok / absl::ToDoubleSeconds(options.duration);
  result.p50_us = Percentile(run->latencies_us, 0.50);
  result.p90_us = Percentile(run->latencies_us, 0.90);
  result.p99_us = Percentile(run->latencies_us, 0.99);
  result.max_us = run->latencies_us.empty() ? 0 : run->latencies_us.back();
  return result;
}

}  // namespace chibo::loadgen
