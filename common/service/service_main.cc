#include "common/service/service_main.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <csignal>
#include <map>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/db/connection_pool.h"
#include "common/journal/journaled_write.h"
#include "common/observability/build_info.h"
#include "common/observability/logging.h"
#include "common/observability/metrics.h"
#include "common/observability/monitor_server.h"
#include "common/rpc/server.h"

namespace chibo::service {
namespace {

using observability::Log;
using observability::LogLevel;
using observability::ReadinessCheck;

absl::Notification* g_stop = nullptr;
void OnSignal(int) {
  if (g_stop && !g_stop->HasBeenNotified()) g_stop->Notify();
}

// The newest migration of each schema this binary applied at start-up
// (the journal's and the service's): /readyz checks the database still has them.
absl::Mutex g_migrations_mu;
std::map<std::string, int>& ExpectedMigrations() {
  static auto* versions = new std::map<std::string, int>();
  return *versions;
}

// The chibo_db_pool_* families, from the process's pool counters.
std::string RenderPoolMetrics() {
  const db::PoolCounters& c = db::ProcessPoolCounters();
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help, int64_t value) {
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", name,
                    " ", value, "\n");
  };
  family("chibo_db_pool_connections", "gauge", "Database connections in the pool", c.connections.load());
  family("chibo_db_pool_connections_in_use", "gauge", "Database connections leased right now",
         c.in_use.load());
  family("chibo_db_pool_waits_total", "counter",
         "Acquisitions that found no free connection and waited", c.waits.load());
  family("chibo_db_pool_wait_timeouts_total", "counter",
         "Acquisitions that waited and gave up (UNAVAILABLE)", c.timeouts.load());
  return out;
}

// A URL with its password (user:PASSWORD@) replaced by ***, for logs.
std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t at = url.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return absl::StrCat(url.substr(0, colon + 1), "***", url.substr(at));
}

struct FileIdentity {
  dev_t dev = 0;
  ino_t ino = 0;
};

// What /readyz reports: the database answers a query and holds every
// migration this binary applied (down otherwise: 503); the SQLite file is
// still the one opened (not deleted or replaced); Redis answers PING
// (degraded otherwise: calls still succeed from SQL).
class Readiness {
 public:
  explicit Readiness(const ServiceResources& r)
      : database_(r.database.get()), redis_(r.redis.get()), sqlite_path_(r.sqlite_path) {
    struct stat st;
    if (!sqlite_path_.empty() && stat(sqlite_path_.c_str(), &st) == 0) {
      opened_ = FileIdentity{st.st_dev, st.st_ino};
    }
    absl::MutexLock lock(&g_migrations_mu);
    expected_ = ExpectedMigrations();
  }

  std::vector<ReadinessCheck> operator()() const {
    std::vector<ReadinessCheck> checks;
    ReadinessCheck db{"database"};
    ReadinessCheck migrations{"migrations"};
    auto rows = database_->Query(
        "SELECT service, MAX(version) FROM schema_migrations GROUP BY service", {});
    if (!rows.ok()) {
      db.state = ReadinessCheck::State::kDown;
      db.detail = std::string(rows.status().message());
    }
    if (db.state == ReadinessCheck::State::kOk && !sqlite_path_.empty()) {
      struct stat st;
      if (stat(sqlite_path_.c_str(), &st) != 0) {
        const int err = errno;
        db.state = ReadinessCheck::State::kDown;
        db.detail = err == ENOENT
                        ? absl::StrCat("the database file is gone: ", sqlite_path_)
                        : absl::StrCat("cannot reach the database file ", sqlite_path_, ": ",
                                       std::strerror(err));
      } else if (opened_.ino != 0 && (st.st_dev != opened_.dev || st.st_ino != opened_.ino)) {
        db.state = ReadinessCheck::State::kDown;
        db.detail = absl::StrCat("the database file was replaced since start-up: ", sqlite_path_);
      } else if (access(sqlite_path_.c_str(), R_OK | W_OK) != 0) {
        db.state = ReadinessCheck::State::kDown;
        db.detail = absl::StrCat("the database file cannot be read and written: ", sqlite_path_);
      }
    }
    checks.push_back(db);
    if (rows.ok()) {
      std::map<std::string, int64_t> found;
      for (const db::Row& row : rows->rows) found[std::string(row.Text(0))] = row.Int(1);
      std::string missing;
      for (const auto& [service, version] : expected_) {
        auto it = found.find(service);
        const int64_t at = it == found.end() ? 0 : it->second;
        if (at < version) {
          absl::StrAppend(&missing, missing.empty() ? "" : "; ", service, " at version ", at,
                          ", this binary needs ", version);
        }
      }
      if (!missing.empty()) {
        migrations.state = ReadinessCheck::State::kDown;
        migrations.detail = missing;
      }
    } else {
      migrations.state = ReadinessCheck::State::kDown;
      migrations.detail = "the database did not answer";
    }
    checks.push_back(migrations);
    if (redis_ != nullptr) {
      ReadinessCheck redis{"redis"};
      auto pong = redis_->Command({"PING"});
      if (!pong.ok()) {
        redis.state = ReadinessCheck::State::kDegraded;
        redis.detail = absl::StrCat(pong.status().message(), " (calls are served from SQL)");
      }
      checks.push_back(redis);
    }
    return checks;
  }

 private:
  db::Database* database_;
  cache::RedisPool* redis_;
  std::string sqlite_path_;
  FileIdentity opened_;
  std::map<std::string, int> expected_;
};

}  // namespace

int StartupFailed(const absl::Status& status) {
  Log(LogLevel::kError, "start-up failed", {{"error", status.ToString()}});
  return 1;
}

absl::Status MigrateServiceDatabase(db::Database& database, const std::string& service,
                                    const std::vector<db::Migration>& migrations) {
  const std::vector<db::Migration> journal = journal::JournalMigrations();
  if (absl::Status s = db::ApplyMigrations(database, "journal", journal); !s.ok()) return s;
  if (absl::Status s = db::ApplyMigrations(database, service, migrations); !s.ok()) return s;
  absl::MutexLock lock(&g_migrations_mu);
  for (const auto& [name, list] : {std::pair{std::string("journal"), &journal},
                                   std::pair{service, &migrations}}) {
    int newest = 0;
    for (const db::Migration& m : *list) newest = std::max(newest, m.version);
    if (newest > 0) ExpectedMigrations()[name] = newest;
  }
  return absl::OkStatus();
}

int ServeUntilStopped(const ServiceResources& resources, const std::vector<grpc::Service*>& services) {
  auto server = rpc::GrpcServer::Start(resources.server_options, services);
  if (!server.ok()) return StartupFailed(server.status());
  observability::PublishBuildInfo(observability::ServiceName());
  static const bool pool_metrics_added = [] {
    observability::Metrics::Global().AddCollector(RenderPoolMetrics);
    return true;
  }();
  (void)pool_metrics_added;
  std::unique_ptr<observability::MonitorServer> monitor;
  const std::string monitor_listen = absl::GetFlag(FLAGS_monitor_listen);
  if (!monitor_listen.empty()) {
    auto m = observability::MonitorServer::Start(monitor_listen, Readiness(resources));
    if (!m.ok()) return StartupFailed(m.status());
    monitor = *std::move(m);
  }
  // The one line an operator (and the tests) read, whatever --log_level:
  // what runs, where it listens, on what.
  const std::string database_url = absl::GetFlag(FLAGS_database_url);
  const std::string redis_url = absl::GetFlag(FLAGS_redis_url);
  observability::LogAlways(
      "serving",
      {{"version", std::string(observability::BuildVersion())},
       {"pid", absl::StrCat(getpid())},
       {"listen", resources.server_options.listen},
       {"grpc_port", absl::StrCat((*server)->port())},
       {"tls", resources.server_options.tls_cert_file.empty() ? "off" : "on"},
       {"monitor_listen", monitor_listen.empty() ? "off" : monitor_listen},
       {"monitor_port", absl::StrCat(monitor ? monitor->port() : 0)},
       {"engine", database_url.empty() ? "sqlite" : "postgresql"},
       {"database", database_url.empty() ? resources.sqlite_path : RedactUrl(database_url)},
       {"redis", redis_url.empty() ? "off" : RedactUrl(redis_url)}});
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
