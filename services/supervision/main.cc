// chibo-supervision: supervision service (dự sinh hoạt chi bộ) and its
// reports. With no flags it runs on its embedded default: a SQLite file under
// ./data, no Redis, the HS256 key the registry created there, the registry at
// 127.0.0.1:50051 and scheduling at 127.0.0.1:50052.
#include <csignal>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/concurrency/thread_pool.h"
#include "common/db/migrations.h"
#include "common/journal/journaled_write.h"
#include "common/observability/logging.h"
#include "common/observability/monitor_server.h"
#include "common/rpc/client.h"
#include "common/rpc/server.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "common/clients/registry_client.h"
#include "common/clients/scheduling_client.h"
#include "migrations/supervision_migrations.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_grpc.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry's gRPC address");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling's gRPC address");

namespace {

absl::Notification* g_stop = nullptr;
void OnSignal(int) {
  if (g_stop && !g_stop->HasBeenNotified()) g_stop->Notify();
}

using chibo::observability::Log;
using chibo::observability::LogLevel;

int Fail(const absl::Status& s) {
  Log(LogLevel::kError, "start-up failed", {{"error", s.ToString()}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-supervision: supervision and reports (dự sinh hoạt chi bộ)");
  absl::ParseCommandLine(argc, argv);
  chibo::observability::InitJsonLogging("chibo-supervision", absl::GetFlag(FLAGS_log_level));

  auto resources = chibo::service::OpenServiceResources("supervision", "127.0.0.1:50053");
  if (!resources.ok()) return Fail(resources.status());
  if (auto s = chibo::db::ApplyMigrations(*resources->database, "journal",
                                          chibo::journal::JournalMigrations());
      !s.ok()) {
    return Fail(s);
  }
  if (auto s = chibo::db::ApplyMigrations(*resources->database, "supervision",
                                          chibo::migrations::SupervisionMigrations());
      !s.ok()) {
    return Fail(s);
  }
  chibo::concurrency::ThreadPool pool(absl::GetFlag(FLAGS_worker_threads));
  // Copies of the registry's tree live a minute: a moved unit's scope and
  // subtree are right again within that time.
  chibo::cache::CacheOptions tree_cache_options;
  tree_cache_options.name = "supervision-tree";
  tree_cache_options.ttl = absl::Minutes(1);
  tree_cache_options.near_ttl = absl::Seconds(30);
  chibo::cache::Cache tree_cache(resources->redis.get(), tree_cache_options);
  chibo::clients::RegistryClient registry(
      chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_registry_addr), "chibo.registry.v1.RegistryService"),
      &tree_cache);
  chibo::clients::SchedulingClient scheduling(chibo::rpc::MakeChannel(
      absl::GetFlag(FLAGS_scheduling_addr), "chibo.scheduling.v1.SchedulingService"));
  // Reports are cached under keys that carry their data versions.
  chibo::supervision::Supervision supervision(resources->database.get(), resources->cache.get(),
                                              &registry, &scheduling);
  chibo::rpc::CallRunner runner("chibo.supervision.v1.SupervisionService",
                                resources->verifier.get(), &pool);
  chibo::supervision::SupervisionGrpcService service(&supervision, &runner);
  auto server = chibo::rpc::GrpcServer::Start(resources->server_options, {&service});
  if (!server.ok()) return Fail(server.status());

  std::unique_ptr<chibo::observability::MonitorServer> monitor;
  if (auto listen = absl::GetFlag(FLAGS_monitor_listen); !listen.empty()) {
    auto m = chibo::observability::MonitorServer::Start(
        listen, [db = resources->database.get()] { return db->Ping(); });
    if (!m.ok()) return Fail(m.status());
    monitor = *std::move(m);
  }

  // One line a supervisor (and the tests) can read: where we listen.
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
