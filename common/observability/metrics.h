// Process-wide metrics in the Prometheus text format, served on the monitor
// port (`--monitor_listen`). Counters, gauges and histograms are created once
// by name and labels and live as long as the process; the references returned
// stay valid, so hot paths look them up once and keep them.
#ifndef CHIBO_COMMON_OBSERVABILITY_METRICS_H_
#define CHIBO_COMMON_OBSERVABILITY_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace chibo::observability {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t n) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Latency histogram with fixed buckets in seconds (100 µs … 10 s).
class Histogram {
 public:
  Histogram();
  void Observe(double seconds);
  // Cumulative counts per upper bound, then +Inf; sum of observations.
  std::vector<std::pair<double, int64_t>> CumulativeBuckets() const;
  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<int64_t>[]> counts_;  // one per bound plus +Inf
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> sum_micros_{0};
};

class Metrics {
 public:
  static Metrics& Global();

  Counter& GetCounter(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Gauge& GetGauge(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(absl::string_view name, absl::string_view help,
                          const Labels& labels = {});

  // Adds figures computed when scraped (process, connection pools): `render`
  // returns whole families in the text format. It is called without the
  // registry's lock and must not register metrics itself.
  void AddCollector(std::function<std::string()> render);

  // The whole registry in the Prometheus text exposition format 0.0.4, then
  // every collector's output.
  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string type;  // counter | gauge | histogram
    std::string help;
    std::map<std::string, std::unique_ptr<Counter>> counters;      // by rendered labels
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
  };
  std::string RenderRegistry() const;
  Family& FamilyLocked(absl::string_view name, absl::string_view type, absl::string_view help)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::map<std::string, Family, std::less<>> families_ ABSL_GUARDED_BY(mu_);
  std::vector<std::function<std::string()>> collectors_ ABSL_GUARDED_BY(mu_);
};

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_METRICS_H_
