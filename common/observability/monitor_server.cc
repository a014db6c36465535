#include "common/observability/monitor_server.h"

#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/observability/listen_socket.h"
#include "common/observability/logging.h"
#include "common/observability/metrics.h"
#include "common/observability/process_metrics.h"
#include "httplib.h"

namespace chibo::observability {
namespace {

const char* StateName(ReadinessCheck::State s) {
  switch (s) {
    case ReadinessCheck::State::kOk: return "ok";
    case ReadinessCheck::State::kDegraded: return "degraded";
    case ReadinessCheck::State::kDown: return "down";
  }
  return "down";
}

}  // namespace

std::pair<int, std::string> RenderReadiness(const std::vector<ReadinessCheck>& checks) {
  bool down = false, degraded = false;
  nlohmann::json body = {{"service", ServiceName()}, {"checks", nlohmann::json::object()}};
  for (const ReadinessCheck& c : checks) {
    down = down || c.state == ReadinessCheck::State::kDown;
    degraded = degraded || c.state == ReadinessCheck::State::kDegraded;
    nlohmann::json check = {{"status", StateName(c.state)}};
    if (!c.detail.empty()) check["detail"] = c.detail;
    body["checks"][c.name] = std::move(check);
  }
  body["status"] = down ? "unavailable" : degraded ? "degraded" : "ok";
  // Invalid UTF-8 in a detail (an error message) is replaced, not thrown on.
  return {down ? 503 : 200,
          body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"};
}

absl::StatusOr<std::unique_ptr<MonitorServer>> MonitorServer::Start(const std::string& listen,
                                                                    ReadinessProbe readiness) {
  size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("--monitor_listen: not HOST:PORT: ", listen));
  }
  std::string host = listen.substr(0, colon);
  auto m = std::unique_ptr<MonitorServer>(new MonitorServer());
  m->server_ = std::make_unique<httplib::Server>();
  m->server_->set_socket_options(ExclusiveListenSocketOptions);
  m->server_->Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(Metrics::Global().RenderPrometheus() + RenderProcessMetrics(),
                    "text/plain; version=0.0.4");
  });
  m->server_->Get("/livez", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"ok\"}\n", "application/json");
  });
  auto ready = [readiness](const httplib::Request&, httplib::Response& res) {
    auto [status, body] = RenderReadiness(readiness ? readiness() : std::vector<ReadinessCheck>{});
    res.status = status;
    res.set_header("Cache-Control", "no-store");
    res.set_content(body, "application/json");
  };
  m->server_->Get("/readyz", ready);
  m->server_->Get("/healthz", ready);
  if (port == 0) {
    m->port_ = m->server_->bind_to_any_port(host);
  } else {
    m->port_ = m->server_->bind_to_port(host, port) ? port : -1;
  }
  if (m->port_ <= 0) {
    absl::Status why = ListenFailure(listen);
    return absl::UnavailableError(absl::StrCat("--monitor_listen: ", why.message()));
  }
  m->thread_ = std::thread([s = m->server_.get()] { s->listen_after_bind(); });
  return m;
}

MonitorServer::~MonitorServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace chibo::observability
