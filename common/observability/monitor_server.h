// The monitor port (`--monitor_listen`): Prometheus metrics at /metrics and
// liveness at /healthz, over plain HTTP on its own thread.
#ifndef CHIBO_COMMON_OBSERVABILITY_MONITOR_SERVER_H_
#define CHIBO_COMMON_OBSERVABILITY_MONITOR_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace chibo::observability {

class MonitorServer {
 public:
  // `listen` is HOST:PORT (port 0 picks one). `health` answers /healthz.
  static absl::StatusOr<std::unique_ptr<MonitorServer>> Start(
      const std::string& listen, std::function<absl::Status()> health);
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
