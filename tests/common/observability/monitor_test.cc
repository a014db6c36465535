// The monitor port in process: readiness answers, process figures,
// collectors, and a port that refuses to be shared.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/observability/build_info.h"
#include "common/observability/listen_socket.h"
#include "common/observability/metrics.h"
#include "common/observability/monitor_server.h"
#include "common/observability/process_metrics.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace chibo::observability {
namespace {

using State = ReadinessCheck::State;

TEST(ReadinessTest, DownIs503DegradedIs200) {
  auto [ok_status, ok_body] = RenderReadiness({{"database", State::kOk, ""}});
  EXPECT_EQ(ok_status, 200);
  EXPECT_TRUE(absl::StrContains(ok_body, "\"status\":\"ok\"")) << ok_body;

  auto [deg_status, deg_body] =
      RenderReadiness({{"database", State::kOk, ""}, {"redis", State::kDegraded, "refused"}});
  EXPECT_EQ(deg_status, 200);
  EXPECT_TRUE(absl::StrContains(deg_body, "\"status\":\"degraded\"")) << deg_body;
  EXPECT_TRUE(absl::StrContains(deg_body, "\"redis\":{\"detail\":\"refused\",\"status\":\"degraded\"}"))
      << deg_body;

  auto [down_status, down_body] = RenderReadiness(
      {{"database", State::kDown, "connection refused \xff"}, {"redis", State::kDegraded, ""}});
  EXPECT_EQ(down_status, 503);
  EXPECT_TRUE(absl::StrContains(down_body, "\"status\":\"unavailable\"")) << down_body;
}

TEST(ProcessMetricsTest, NamesThePrometheusProcessFigures) {
  const std::string text = RenderProcessMetrics();
  for (const char* name : {"process_resident_memory_bytes", "process_virtual_memory_bytes",
                           "process_threads", "process_open_fds", "process_max_fds",
                           "process_start_time_seconds", "process_cpu_seconds_total"}) {
    EXPECT_TRUE(absl::StrContains(text, absl::StrCat("\n", name, " "))) << name << "\n" << text;
    EXPECT_TRUE(absl::StrContains(text, absl::StrCat("# TYPE ", name, " "))) << name;
  }
}

TEST(MetricsTest, CollectorsAndBuildInfoAreRendered) {
  Metrics::Global().AddCollector([] { return std::string("# TYPE test_collected gauge\ntest_collected 7\n"); });
  PublishBuildInfo("chibo-test");
  const std::string text = Metrics::Global().RenderPrometheus();
  EXPECT_TRUE(absl::StrContains(text, "\ntest_collected 7\n")) << text;
  EXPECT_TRUE(absl::StrContains(
      text, absl::StrCat("chibo_build_info{service=\"chibo-test\",version=\"", BuildVersion(), "\"} 1")))
      << text;
  EXPECT_FALSE(BuildVersion().empty());
}

// A plain listening socket on a free port of 127.0.0.1, as another process
// holding the port would have (SO_REUSEPORT set, as gRPC and httplib do).
int ListenAnywhere(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &yes, sizeof(yes));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  listen(fd, 4);
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

TEST(MonitorServerTest, RefusesAPortAlreadyTaken) {
  int port = 0;
  int fd = ListenAnywhere(&port);
  const std::string listen = absl::StrCat("127.0.0.1:", port);
  absl::Status why = ListenFailure(listen);
  EXPECT_TRUE(absl::StrContains(why.message(), "port already in use: " + listen)) << why;
  auto monitor = MonitorServer::Start(listen, nullptr);
  EXPECT_FALSE(monitor.ok());
  EXPECT_TRUE(absl::StrContains(monitor.status().message(), "port already in use")) << monitor.status();
  close(fd);
  EXPECT_FALSE(absl::StrContains(ListenFailure("127.0.0.1:bad").message(), "in use"));
}

TEST(MonitorServerTest, AnswersLivezReadyzHealthzAndMetrics) {
  State state = State::kOk;
  auto monitor = MonitorServer::Start("127.0.0.1:0", [&state] {
    return std::vector<ReadinessCheck>{{"database", state, state == State::kOk ? "" : "gone"}};
  });
  ASSERT_TRUE(monitor.ok()) << monitor.status();
  httplib::Client client("127.0.0.1", (*monitor)->port());
  EXPECT_EQ(client.Get("/livez")->status, 200);
  EXPECT_EQ(client.Get("/readyz")->status, 200);
  state = State::kDown;
  auto ready = client.Get("/readyz");
  EXPECT_EQ(ready->status, 503);
  EXPECT_EQ(ready->get_header_value("Content-Type"), "application/json");
  EXPECT_TRUE(absl::StrContains(ready->body, "\"detail\":\"gone\"")) << ready->body;
  EXPECT_EQ(client.Get("/healthz")->status, 503);
  EXPECT_EQ(client.Get("/livez")->status, 200);
  auto metrics = client.Get("/metrics");
  EXPECT_TRUE(absl::StrContains(metrics->body, "process_open_fds")) << metrics->body;
}

}  // namespace
}  // namespace chibo::observability
