#include "common/observability/monitor_server.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/observability/metrics.h"
#include "httplib.h"

namespace chibo::observability {

absl::StatusOr<std::unique_ptr<MonitorServer>> MonitorServer::Start(
    const std::string& listen, std::function<absl::Status()> health) {
  size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(absl::StrCat("--monitor_listen: not HOST:PORT: ", listen));
  }
  std::string host = listen.substr(0, colon);
  auto m = std::unique_ptr<MonitorServer>(new MonitorServer());
  m->server_ = std::make_unique<httplib::Server>();
  m->server_->Get("/metrics", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(Metrics::Global().RenderPrometheus(), "text/plain; version=0.0.4");
  });
  m->server_->Get("/healthz", [health](const httplib::Request&, httplib::Response& res) {
    absl::Status s = health ? health() : absl::OkStatus();
    res.status = s.ok() ? 200 : 503;
    res.set_content(s.ok() ? "ok\n" : absl::StrCat(s.ToString(), "\n"), "text/plain");
  });
  if (port == 0) {
    m->port_ = m->server_->bind_to_any_port(host);
  } else {
    m->port_ = m->server_->bind_to_port(host, port) ? port : -1;
  }
  if (m->port_ <= 0) return absl::UnavailableError(absl::StrCat("cannot listen on ", listen));
  m->thread_ = std::thread([s = m->server_.get()] { s->listen_after_bind(); });
  return m;
}

MonitorServer::~MonitorServer() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace chibo::observability
