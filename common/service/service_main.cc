#include "common/service/service_main.h"

#include <csignal>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/journal/journaled_write.h"
#include "common/observability/logging.h"
#include "common/observability/monitor_server.h"
#include "common/rpc/server.h"

namespace chibo::service {
namespace {

using observability::Log;
using observability::LogLevel;

absl::Notification* g_stop = nullptr;
void OnSignal(int) {
  if (g_stop && !g_stop->HasBeenNotified()) g_stop->Notify();
}

}  // namespace

int StartupFailed(const absl::Status& status) {
  Log(LogLevel::kError, "start-up failed", {{"error", status.ToString()}});
  return 1;
}

absl::Status MigrateServiceDatabase(db::Database& database, const std::string& service,
                                    const std::vector<db::Migration>& migrations) {
  if (absl::Status s = db::ApplyMigrations(database, "journal", journal::JournalMigrations()); !s.ok()) {
    return s;
  }
  return db::ApplyMigrations(database, service, migrations);
}

int ServeUntilStopped(const ServiceResources& resources, const std::vector<grpc::Service*>& services) {
  auto server = rpc::GrpcServer::Start(resources.server_options, services);
  if (!server.ok()) return StartupFailed(server.status());
  std::unique_ptr<observability::MonitorServer> monitor;
  if (auto listen = absl::GetFlag(FLAGS_monitor_listen); !listen.empty()) {
    auto m = observability::MonitorServer::Start(
        listen, [db = resources.database.get()] { return db->Ping(); });
    if (!m.ok()) return StartupFailed(m.status());
    monitor = *std::move(m);
  }
  // One line an operator (and the tests) can read: where we listen.
  Log(LogLevel::kInfo, "serving",
      {{"grpc_port", absl::StrCat((*server)->port())},
       {"monitor_port", absl::StrCat(monitor ? monitor->port() : 0)},
       {"database", absl::GetFlag(FLAGS_database_url).empty() ? "sqlite" : "postgresql"},
       {"redis", absl::GetFlag(FLAGS_redis_url).empty() ? "off" : "on"}});
  absl::Notification stop;
  g_stop = &stop;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  stop.WaitForNotification();
  Log(LogLevel::kInfo, "stopping");
  (*server)->Shutdown();
  return 0;
}

}  // namespace chibo::service
