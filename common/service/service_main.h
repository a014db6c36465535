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

// Logs why start-up failed; returns the process's exit code (1).
int StartupFailed(const absl::Status& status);

// Applies the journal's migrations and the service's own to its database.
absl::Status MigrateServiceDatabase(db::Database& database, const std::string& service,
                                    const std::vector<db::Migration>& migrations);

// Serves `services` with the resources' server options, starts the monitor
// port when --monitor_listen is set, logs one "serving" line with the ports,
// and returns the exit code after SIGTERM or SIGINT (calls in flight finish).
int ServeUntilStopped(const ServiceResources& resources, const std::vector<grpc::Service*>& services);

}  // namespace chibo::service

#endif  // CHIBO_COMMON_SERVICE_SERVICE_MAIN_H_
