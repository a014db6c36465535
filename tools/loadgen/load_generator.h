// A closed-loop load generator: keeps `in_flight` calls outstanding over
// `channels` connections for `duration`, and reports throughput and latency
// percentiles. The caller supplies how to issue one call (callback API).
#ifndef CHIBO_TOOLS_LOADGEN_LOAD_GENERATOR_H_
#define CHIBO_TOOLS_LOADGEN_LOAD_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"

namespace chibo::loadgen {

struct LoadOptions {
  int in_flight = 64;
  int channels = 4;
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
};

struct LoadResult {
  int64_t ok = 0;
  int64_t errors = 0;
  double calls_per_second = 0;
  double p50_us = 0, p90_us = 0, p99_us = 0, max_us = 0;
  std::string first_error;
  std::string Summary() const;
};

// Issues one call on channel `channel` (0..channels-1); calls `done(ok, error)`
// exactly once, from any thread, when it completes.
using IssueFn = std::function<void(int channel, std::function<void(bool ok, const std::string& error)> done)>;

LoadResult RunClosedLoop(const LoadOptions& options, const IssueFn& issue);

}  // namespace chibo::loadgen

#endif  // CHIBO_TOOLS_LOADGEN_LOAD_GENERATOR_H_
