// The monitor port (`--monitor_listen`), plain HTTP on its own thread:
//   /livez    200 while the process is up (it answers at all);
//   /readyz   whether it can do its work: 200 when every check is ok or
//             merely degraded (Redis down: calls go to SQL), 503 when one is
//             down (database unreachable, schema not migrated); JSON body
//             {"status":"ok"|"degraded"|"unavailable","service":...,
//              "checks":{"database":{"status":"ok"},...}};
//   /healthz  the same as /readyz (what load balancers and up.sh poll);
//   /metrics  Prometheus text: the global Metrics and the process's figures.
// The port refuses to share: a second process on it fails to start.
#ifndef CHIBO_COMMON_OBSERVABILITY_MONITOR_SERVER_H_
#define CHIBO_COMMON_OBSERVABILITY_MONITOR_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace chibo::observability {

// One thing readiness depends on.
struct ReadinessCheck {
  enum class State { kOk, kDegraded, kDown };
  std::string name;  // "database", "migrations", "redis"
  State state = State::kOk;
  std::string detail;  // why, when not ok
};
using ReadinessProbe = std::function<std::vector<ReadinessCheck>()>;

// The /readyz answer for `checks`: HTTP status (200 or 503) and JSON body.
std::pair<int, std::string> RenderReadiness(const std::vector<ReadinessCheck>& checks);

class MonitorServer {
 public:
  // `listen` is HOST:PORT (port 0 picks one). `readiness` is run for every
  // /readyz and /healthz request; null means always ready.
  static absl::StatusOr<std::unique_ptr<MonitorServer>> Start(const std::string& listen,
                                                              ReadinessProbe readiness);
  ~MonitorServer();
  int port() const { return port_; }

 private:
  MonitorServer() = default;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_MONITOR_SERVER_H_
