#include "common/observability/metrics.h"

#include "gtest/gtest.h"

namespace chibo::observability {
namespace {

TEST(MetricsTest, RendersCountersAndHistogramsInPrometheusFormat) {
  Metrics& m = Metrics::Global();
  m.GetCounter("chibo_test_calls_total", "Calls", {{"method", "GetMember"}}).Increment(3);
  Histogram& h = m.GetHistogram("chibo_test_latency_seconds", "Latency", {{"method", "GetMember"}});
  h.Observe(0.0002);
  h.Observe(0.2);
  std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE chibo_test_calls_total counter"), std::string::npos);
  EXPECT_NE(text.find("chibo_test_calls_total{method=\"GetMember\"} 3"), std::string::npos);
  EXPECT_NE(text.find("chibo_test_latency_seconds_bucket{method=\"GetMember\",le=\"0.00025\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("chibo_test_latency_seconds_bucket{method=\"GetMember\",le=\"+Inf\"} 2"),
            std::string::npos);
  EXPECT_NE(text.find("chibo_test_latency_seconds_count{method=\"GetMember\"} 2"), std::string::npos);
  // The same name and labels give the same counter.
  EXPECT_EQ(&m.GetCounter("chibo_test_calls_total", "Calls", {{"method", "GetMember"}}),
            &m.GetCounter("chibo_test_calls_total", "Calls", {{"method", "GetMember"}}));
}

}  // namespace
}  // namespace chibo::observability
