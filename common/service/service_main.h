// The start-up and shutdown every chibo service binary shares, so each
// main.cc only wires its own classes together.
#ifndef CHIBO_COMMON_SERVICE_SERVICE_MAIN_H_
#define CHIBO_COMMON_SERVICE_SERVICE_MAIN_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/cache/cache.h"
#include "common/db/migrations.h"
#include "common/service/service_flags.h"

namespace chibo::service {

// Logs why start-up failed (e.g. "cổng đang bận / port already in use: ...");
// returns the process's exit code (1).
int StartupFailed(const absl::Status& status);

// Applies the journal's migrations and the service's own to its database,
// and remembers the newest of each for /readyz.
absl::Status MigrateServiceDatabase(db::Database& database, const std::string& service,
                                    const std::vector<db::Migration>& migrations);

// Serves `services` with the resources' server options (1 when the port is
// taken), starts the monitor port when --monitor_listen is set (/livez,
// /readyz over the database, its migrations and Redis, /metrics with build,
// process and connection-pool figures), logs one "serving" line at any
// --log_level (version, addresses, engine, Redis), and returns the exit
// code after SIGTERM or SIGINT (calls in flight finish).
int ServeUntilStopped(const ServiceResources& resources, const std::vector<grpc::Service*>& services);

}  // namespace chibo::service

#endif  // CHIBO_COMMON_SERVICE_SERVICE_MAIN_H_
