// chibo-registry: the membership registry service. With no flags it runs on
// its embedded default: a SQLite file under ./data, no Redis, an HS256 key it
// creates on first start, and an admin token for the province written next
// to it (data/admin.token) for the CLI.
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/auth/tokens.h"
#include "common/concurrency/thread_pool.h"
#include "common/db/migrations.h"
#include "common/journal/journaled_write.h"
#include "common/observability/logging.h"
#include "common/observability/monitor_server.h"
#include "common/rpc/server.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "migrations/registry_migrations.h"
#include "services/registry/registry.h"
#include "services/registry/registry_grpc.h"

ABSL_FLAG(std::string, province_id, "tinh",
          "Province whose admin token the embedded default writes to <data_dir>/admin.token");

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

// The embedded default: an admin token for the province, valid a year.
absl::Status WriteAdminToken(const std::string& key) {
  const std::string path = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/admin.token");
  if (std::filesystem::exists(path)) return absl::OkStatus();
  chibo::auth::Claims claims;
  claims.subject = "admin";
  claims.roles = {chibo::auth::Role::kAdmin};
  claims.scope_org_id = absl::GetFlag(FLAGS_province_id);
  claims.audience = absl::GetFlag(FLAGS_jwt_audience);
  claims.expires_at = absl::Now() + absl::Hours(24 * 365);
  auto token = chibo::auth::TokenIssuer(key).Issue(claims);
  if (!token.ok()) return token.status();
  std::ofstream out(path, std::ios::trunc);
  out << *token << "\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-registry: membership registry service (sổ đảng viên)");
  absl::ParseCommandLine(argc, argv);
  chibo::observability::InitJsonLogging("chibo-registry", absl::GetFlag(FLAGS_log_level));

  auto resources = chibo::service::OpenServiceResources("registry", "127.0.0.1:50051");
  if (!resources.ok()) return Fail(resources.status());
  if (auto s = chibo::db::ApplyMigrations(*resources->database, "journal",
                                          chibo::journal::JournalMigrations());
      !s.ok()) {
    return Fail(s);
  }
  if (auto s = chibo::db::ApplyMigrations(*resources->database, "registry",
                                          chibo::migrations::RegistryMigrations());
      !s.ok()) {
    return Fail(s);
  }
  if (!resources->hs256_key.empty()) {
    if (auto s = WriteAdminToken(resources->hs256_key); !s.ok()) return Fail(s);
  }

  chibo::concurrency::ThreadPool pool(absl::GetFlag(FLAGS_worker_threads));
  chibo::registry::Registry registry(resources->database.get(), resources->cache.get());
  chibo::rpc::CallRunner runner("chibo.registry.v1.RegistryService", resources->verifier.get(),
                                &pool);
  chibo::registry::RegistryGrpcService service(&registry, &runner);
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
