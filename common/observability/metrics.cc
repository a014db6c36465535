#include "absl/strings/string_view.h"
#include "common/observability/metrics.h"

#include <cmath>

#include "common/base/check.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace chibo::observability {
namespace {

std::string EscapeLabelValue(absl::string_view v) {
  return absl::StrReplaceAll(v, {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", "\\n"}});
}

// `{a="x",b="y"}`, or "" when there are no labels.
std::string RenderLabels(const Labels& labels, absl::string_view extra = "") {
  std::vector<std::string> parts;
  for (const auto& [k, v] : labels) parts.push_back(absl::StrCat(k, "=\"", EscapeLabelValue(v), "\""));
  if (!extra.empty()) parts.emplace_back(extra);
  if (parts.empty()) return "";
  return absl::StrCat("{", absl::StrJoin(parts, ","), "}");
}

std::string FormatBound(double b) {
  if (std::isinf(b)) return "+Inf";
  return absl::StrFormat("%g", b);
}

}  // namespace

Histogram::Histogram()
    : bounds_{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
              0.1,    0.25,    0.5,    1,     2.5,    5,     10},
      counts_(new std::atomic<int64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0);
}

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < bounds_.size() && seconds > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::vector<std::pair<double, int64_t>> Histogram::CumulativeBuckets() const {
  std::vector<std::pair<double, int64_t>> out;
  int64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out.emplace_back(bounds_[i], running);
  }
  running += counts_[bounds_.size()].load(std::memory_order_relaxed);
  out.emplace_back(INFINITY, running);
  return out;
}

double Histogram::sum() const { return sum_micros_.load(std::memory_order_relaxed) / 1e6; }

Metrics& Metrics::Global() {
  static Metrics* metrics = new Metrics();
  return *metrics;
}

Metrics::Family& Metrics::FamilyLocked(absl::string_view name, absl::string_view type,
                                       absl::string_view help) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{}).first;
    it->second.type = std::string(type);
    it->second.help = std::string(help);
  }
  CHIBO_CHECK(it->second.type == type, "a metric name registered with two types");
  return it->second;
}

Counter& Metrics::GetCounter(absl::string_view name, absl::string_view help, const Labels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyLocked(name, "counter", help).counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Gauge& Metrics::GetGauge(absl::string_view name, absl::string_view help, const Labels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyLocked(name, "gauge", help).gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return *slot;
}

Histogram& Metrics::GetHistogram(absl::string_view name, absl::string_view help,
                                 const Labels& labels) {
  absl::MutexLock lock(&mu_);
  auto& slot = FamilyLocked(name, "histogram", help).histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void Metrics::AddCollector(std::function<std::string()> render) {
  absl::MutexLock lock(&mu_);
  collectors_.push_back(std::move(render));
}

std::string Metrics::RenderPrometheus() const {
  std::string out = RenderRegistry();
  std::vector<std::function<std::string()>> collectors;
  {
    absl::MutexLock lock(&mu_);
    collectors = collectors_;
  }
  for (const auto& render : collectors) out += render();
  return out;
}

std::string Metrics::RenderRegistry() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    absl::StrAppend(&out, "# HELP ", name, " ", family.help, "\n# TYPE ", name, " ", family.type,
                    "\n");
    for (const auto& [labels, c] : family.counters)
      absl::StrAppend(&out, name, labels, " ", c->value(), "\n");
    for (const auto& [labels, g] : family.gauges)
      absl::StrAppend(&out, name, labels, " ", g->value(), "\n");
    for (const auto& [labels, h] : family.histograms) {
      // Re-open the label set to add `le`.
      std::string inner = labels.empty() ? "" : labels.substr(1, labels.size() - 2);
      for (const auto& [bound, count] : h->CumulativeBuckets()) {
        std::string le = absl::StrCat("le=\"", FormatBound(bound), "\"");
        absl::StrAppend(&out, name, "_bucket{", inner, inner.empty() ? "" : ",", le, "} ", count,
                        "\n");
      }
      absl::StrAppend(&out, name, "_sum", labels, " ", absl::StrFormat("%.6f", h->sum()), "\n");
      absl::StrAppend(&out, name, "_count", labels, " ", h->count(), "\n");
    }
  }
  return out;
}

}  // namespace chibo::observability
