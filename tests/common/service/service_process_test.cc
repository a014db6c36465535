// What every service binary does at start-up and on its monitor port, tried
// on the real chibo-registry (and chibo-gateway for its HTTP port): it
// refuses a port another process serves, logs one start-up line even at
// warn, answers /livez, /readyz (503 when its database is gone or not
// migrated, 200 "degraded" with Redis down) and /metrics with build,
// process and pool figures, and renews an admin token the lifetime cap
// would refuse.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/db/open_database.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/service_processes.h"
#include "tests/support/subprocess.h"

namespace chibo {
namespace {

using chibo::testing::ChildProcess;
namespace rv1 = ::chibo::registry::v1;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct HttpReply {
  int status = 0;  // 0: no answer
  std::string body;
};

HttpReply Get(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  auto res = client.Get(path.c_str());
  if (!res) return {};
  return {res->status, res->body};
}

class ServiceProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = chibo::testing::MakeTempDir("chibo-service-");
    key_file_ = dir_ + "/jwt-hs256.key";
    auto key = auth::LoadOrCreateHs256Key(key_file_);
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
  }
  void TearDown() override {
    processes_.clear();
    postgres_.reset();
    chibo::testing::RemoveTree(dir_);
  }

  // Starts chibo-registry `tag` on a free gRPC port and a free monitor port
  // and waits until both answer. Returns its index in processes_.
  struct Started {
    ChildProcess* process;
    int grpc_port;
    int monitor_port;
    std::string log;
    std::string data_dir;
  };
  Started StartRegistry(const std::string& tag, std::vector<std::string> flags = {}) {
    const int grpc_port = chibo::testing::PickFreePort();
    const int monitor_port = chibo::testing::PickFreePort();
    flags.insert(flags.end(), {absl::StrCat("--monitor_listen=127.0.0.1:", monitor_port),
                               "--jwt_hs256_key_file=" + key_file_, "--worker_threads=2"});
    auto process = chibo::testing::StartServiceProcess(CHIBO_BINARY_DIR, dir_, "registry", tag,
                                                       grpc_port, flags);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return {};
    processes_.push_back(*std::move(process));
    for (int i = 0; i < 100 && Get(monitor_port, "/livez").status != 200; ++i) {
      absl::SleepFor(absl::Milliseconds(50));
    }
    return {processes_.back().get(), grpc_port, monitor_port,
            absl::StrCat(dir_, "/registry", tag, ".log"), absl::StrCat(dir_, "/registry", tag)};
  }

  // Runs `argv` expecting it to exit by itself within 10 s; returns its exit
  // code (-1 if it was still running and had to be stopped).
  int RunToExit(const std::vector<std::string>& argv, const std::string& log) {
    auto process = ChildProcess::Start(argv, log);
    EXPECT_TRUE(process.ok()) << process.status();
    if (!process.ok()) return -1;
    const absl::Time until = absl::Now() + absl::Seconds(10);
    while ((*process)->IsRunning() && absl::Now() < until) absl::SleepFor(absl::Milliseconds(50));
    if ((*process)->IsRunning()) {
      (*process)->Stop();
      return -1;
    }
    return (*process)->Stop();
  }

  // The registry at `port` answers a real call (NOT_FOUND for a unit that
  // does not exist).
  grpc::StatusCode CallRegistry(int port) {
    auto stub = rv1::RegistryService::NewStub(
        rpc::MakeChannel(absl::StrCat("127.0.0.1:", port), "chibo.registry.v1.RegistryService"));
    rv1::GetOrgUnitRequest r;
    r.set_id("no-such-unit");
    rv1::OrgUnit out;
    auto ctx = chibo::testing::TokenContext(chibo::testing::SignToken(key_, auth::Role::kAdmin, "tinh"));
    return stub->GetOrgUnit(ctx.get(), r, &out).error_code();
  }

  static nlohmann::json Json(const std::string& body) {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << body;
    return j;
  }

  std::string dir_;
  std::string key_file_;
  std::string key_;
  std::vector<std::unique_ptr<ChildProcess>> processes_;
  std::unique_ptr<chibo::testing::PostgresCluster> postgres_;
};

const std::string kRegistry = absl::StrCat(CHIBO_BINARY_DIR, "/services/registry/chibo-registry");
const std::string kGateway = absl::StrCat(CHIBO_BINARY_DIR, "/services/gateway/chibo-gateway");

TEST_F(ServiceProcessTest, ASecondProcessOnATakenPortExitsAndTheFirstKeepsServing) {
  Started first = StartRegistry("-first");
  ASSERT_NE(first.process, nullptr);
  ASSERT_EQ(CallRegistry(first.grpc_port), grpc::StatusCode::NOT_FOUND);

  // The same gRPC port (gRPC's SO_REUSEPORT used to let this one start).
  const std::string grpc_log = dir_ + "/second-grpc.log";
  EXPECT_EQ(RunToExit({kRegistry, absl::StrCat("--listen=127.0.0.1:", first.grpc_port),
                       "--data_dir=" + dir_ + "/second-grpc", "--jwt_hs256_key_file=" + key_file_,
                       "--log_level=warn"},
                      grpc_log),
            1);
  EXPECT_TRUE(absl::StrContains(ReadFile(grpc_log),
                                absl::StrCat("port already in use: 127.0.0.1:", first.grpc_port)))
      << ReadFile(grpc_log);

  // Its own gRPC port, but the first one's monitor port.
  const std::string monitor_log = dir_ + "/second-monitor.log";
  EXPECT_EQ(RunToExit({kRegistry, absl::StrCat("--listen=127.0.0.1:", chibo::testing::PickFreePort()),
                       absl::StrCat("--monitor_listen=127.0.0.1:", first.monitor_port),
                       "--data_dir=" + dir_ + "/second-monitor", "--jwt_hs256_key_file=" + key_file_},
                      monitor_log),
            1);
  EXPECT_TRUE(absl::StrContains(ReadFile(monitor_log), "port already in use")) << ReadFile(monitor_log);

  // The first is untouched: still running, every call still answered by it.
  EXPECT_TRUE(first.process->IsRunning());
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(CallRegistry(first.grpc_port), grpc::StatusCode::NOT_FOUND) << "call " << i;
  }
  EXPECT_EQ(Get(first.monitor_port, "/livez").status, 200);
}

TEST_F(ServiceProcessTest, ASecondGatewayOnATakenHttpPortExits) {
  const int http_port = chibo::testing::PickFreePort();
  auto first = ChildProcess::Start({kGateway, absl::StrCat("--http_listen=127.0.0.1:", http_port),
                                    "--data_dir=" + dir_ + "/gw1", "--jwt_hs256_key_file=" + key_file_},
                                   dir_ + "/gw1.log");
  ASSERT_TRUE(first.ok()) << first.status();
  for (int i = 0; i < 200 && Get(http_port, "/livez").status != 200; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  ASSERT_EQ(Get(http_port, "/livez").status, 200) << ReadFile(dir_ + "/gw1.log");

  const std::string log = dir_ + "/gw2.log";
  EXPECT_EQ(RunToExit({kGateway, absl::StrCat("--http_listen=127.0.0.1:", http_port),
                       "--data_dir=" + dir_ + "/gw2", "--jwt_hs256_key_file=" + key_file_},
                      log),
            1);
  EXPECT_TRUE(absl::StrContains(ReadFile(log), "port already in use")) << ReadFile(log);
  EXPECT_TRUE((*first)->IsRunning());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get(http_port, "/readyz").status, 200);
  // And its start-up line, at the default level.
  EXPECT_TRUE(absl::StrContains(ReadFile(dir_ + "/gw1.log"), "\"msg\":\"serving\",\"version\":"))
      << ReadFile(dir_ + "/gw1.log");
}

TEST_F(ServiceProcessTest, StartUpLineIsLoggedEvenAtWarn) {
  Started s = StartRegistry("", {"--log_level=warn"});
  ASSERT_NE(s.process, nullptr);
  std::string line;
  for (absl::string_view l : absl::StrSplit(ReadFile(s.log), '\n')) {
    if (absl::StrContains(l, "\"msg\":\"serving\"")) line = std::string(l);
  }
  ASSERT_FALSE(line.empty()) << ReadFile(s.log);
  nlohmann::json j = Json(line);
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["service"], "chibo-registry");
  EXPECT_FALSE(j["version"].get<std::string>().empty());
  EXPECT_EQ(j["listen"], absl::StrCat("127.0.0.1:", s.grpc_port));
  EXPECT_EQ(j["grpc_port"], absl::StrCat(s.grpc_port));
  EXPECT_EQ(j["monitor_listen"], absl::StrCat("127.0.0.1:", s.monitor_port));
  EXPECT_EQ(j["engine"], "sqlite");
  EXPECT_EQ(j["database"], s.data_dir + "/registry.db");
  EXPECT_EQ(j["redis"], "off");
  // It is the only line at info that made it through.
  for (absl::string_view l : absl::StrSplit(ReadFile(s.log), '\n')) {
    if (absl::StrContains(l, "\"level\":\"info\"")) EXPECT_EQ(l, line);
  }
}

TEST_F(ServiceProcessTest, MetricsCarryBuildProcessAndPoolFigures) {
  Started s = StartRegistry("", {"--db_pool_size=3"});
  ASSERT_NE(s.process, nullptr);
  ASSERT_EQ(CallRegistry(s.grpc_port), grpc::StatusCode::NOT_FOUND);
  HttpReply metrics = Get(s.monitor_port, "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const std::string& m = metrics.body;
  EXPECT_TRUE(absl::StrContains(m, "# TYPE chibo_build_info gauge")) << m;
  EXPECT_TRUE(absl::StrContains(m, "chibo_build_info{service=\"chibo-registry\",version=\"")) << m;
  for (const char* name : {"process_resident_memory_bytes ", "process_virtual_memory_bytes ",
                           "process_threads ", "process_open_fds ", "process_max_fds ",
                           "process_start_time_seconds ", "process_cpu_seconds_total ",
                           "chibo_db_pool_connections_in_use ", "chibo_db_pool_waits_total ",
                           "chibo_db_pool_wait_timeouts_total "}) {
    EXPECT_TRUE(absl::StrContains(m, absl::StrCat("\n", name))) << name << " missing in\n" << m;
  }
  EXPECT_TRUE(absl::StrContains(m, "\nchibo_db_pool_connections 3\n")) << m;
  // Plausible values: some resident memory, threads, descriptors; started
  // within the last minute.
  auto value = [&](absl::string_view name) {
    size_t at = m.find(absl::StrCat("\n", name, " "));
    if (at == std::string::npos) return -1.0;
    return std::stod(m.substr(at + name.size() + 2));
  };
  EXPECT_GT(value("process_resident_memory_bytes"), 1e6);
  EXPECT_GE(value("process_threads"), 2);
  EXPECT_GE(value("process_open_fds"), 3);
  EXPECT_NEAR(value("process_start_time_seconds"), absl::ToUnixSeconds(absl::Now()), 120);
}

TEST_F(ServiceProcessTest, ReadyzFailsWhenTheSqliteFileIsGoneOrNotMigrated) {
  Started s = StartRegistry("");
  ASSERT_NE(s.process, nullptr);
  HttpReply ready = Get(s.monitor_port, "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_EQ(Json(ready.body)["status"], "ok") << ready.body;
  EXPECT_EQ(Json(ready.body)["checks"]["database"]["status"], "ok") << ready.body;
  EXPECT_EQ(Get(s.monitor_port, "/healthz").status, 200);

  // The schema loses its newest registry migration: not ready.
  {
    db::DatabaseOptions o;
    o.data_dir = s.data_dir;
    o.sqlite_file_name = "registry.db";
    o.pool_size = 1;
    auto db = db::OpenDatabase(o);
    ASSERT_TRUE(db.ok()) << db.status();
    ASSERT_TRUE((*db)->Execute("DELETE FROM schema_migrations WHERE service = 'registry' AND version = "
                               "(SELECT MAX(version) FROM schema_migrations WHERE service = 'registry')")
                    .ok());
  }
  ready = Get(s.monitor_port, "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(Json(ready.body)["checks"]["migrations"]["status"], "down") << ready.body;
  EXPECT_TRUE(absl::StrContains(ready.body, "this binary needs")) << ready.body;

  if (geteuid() != 0) {  // root reads any directory
    ASSERT_EQ(chmod(s.data_dir.c_str(), 0), 0);
    ready = Get(s.monitor_port, "/readyz");
    chmod(s.data_dir.c_str(), 0700);
    EXPECT_EQ(ready.status, 503) << ready.body;
    EXPECT_EQ(Json(ready.body)["checks"]["database"]["status"], "down") << ready.body;
  }

  // The data directory is removed under the running service.
  std::filesystem::rename(s.data_dir, s.data_dir + ".moved");
  ready = Get(s.monitor_port, "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  nlohmann::json j = Json(ready.body);
  EXPECT_EQ(j["status"], "unavailable") << ready.body;
  EXPECT_EQ(j["checks"]["database"]["status"], "down") << ready.body;
  EXPECT_TRUE(absl::StrContains(j["checks"]["database"]["detail"].get<std::string>(), "registry.db"))
      << ready.body;
  EXPECT_EQ(Get(s.monitor_port, "/healthz").status, 503);
  // Still alive, though.
  EXPECT_EQ(Get(s.monitor_port, "/livez").status, 200);
}

TEST_F(ServiceProcessTest, RedisDownIsDegradedNotUnready) {
  Started s = StartRegistry("", {absl::StrCat("--redis_url=redis://127.0.0.1:", chibo::testing::PickFreePort())});
  ASSERT_NE(s.process, nullptr);
  HttpReply ready = Get(s.monitor_port, "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  nlohmann::json j = Json(ready.body);
  EXPECT_EQ(j["status"], "degraded") << ready.body;
  EXPECT_EQ(j["checks"]["redis"]["status"], "degraded") << ready.body;
  EXPECT_EQ(j["checks"]["database"]["status"], "ok") << ready.body;
}

TEST_F(ServiceProcessTest, ReadyzFailsWhenPostgresStops) {
  auto pg = chibo::testing::PostgresCluster::Start();
  ASSERT_TRUE(pg.ok()) << pg.status();
  postgres_ = *std::move(pg);
  auto url = postgres_->CreateDatabase("readyz_registry");
  ASSERT_TRUE(url.ok()) << url.status();
  Started s = StartRegistry("", {"--database_url=" + *url, "--db_pool_size=2", "--log_level=warn"});
  ASSERT_NE(s.process, nullptr);
  HttpReply ready = Get(s.monitor_port, "/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;
  EXPECT_TRUE(absl::StrContains(ReadFile(s.log), "\"engine\":\"postgresql\"")) << ReadFile(s.log);

  postgres_.reset();  // stops the cluster
  ready = Get(s.monitor_port, "/readyz");
  EXPECT_EQ(ready.status, 503) << ready.body;
  nlohmann::json j = Json(ready.body);
  EXPECT_EQ(j["status"], "unavailable") << ready.body;
  EXPECT_EQ(j["checks"]["database"]["status"], "down") << ready.body;
  EXPECT_EQ(Get(s.monitor_port, "/livez").status, 200);
}

TEST_F(ServiceProcessTest, AnAdminTokenTheCapRefusesIsRenewedAtStartUp) {
  // A year-long admin token, as the registry wrote before the cap.
  const std::string data_dir = dir_ + "/registry";
  std::filesystem::create_directories(data_dir);
  auth::Claims c;
  c.subject = "admin";
  c.roles = {auth::Role::kAdmin};
  c.scope_org_id = "tinh";
  c.audience = "chibo";
  c.expires_at = absl::Now() + absl::Hours(24 * 365);
  auto old = auth::TokenIssuer(key_, absl::Hours(24 * 366)).Issue(c);
  ASSERT_TRUE(old.ok()) << old.status();
  { std::ofstream(data_dir + "/admin.token") << *old << "\n"; }

  Started s = StartRegistry("");
  ASSERT_NE(s.process, nullptr);
  std::string renewed(absl::StripAsciiWhitespace(ReadFile(data_dir + "/admin.token")));
  EXPECT_NE(renewed, *old);
  auth::VerifierOptions o;
  o.hs256_key = key_;
  auto verified = (*auth::TokenVerifier::Create(o))->Verify(renewed);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_TRUE(verified->HasRole(auth::Role::kAdmin));
  EXPECT_EQ(verified->scope_org_id, "tinh");

  // A fresh one is kept across a restart.
  processes_.clear();
  Started again = StartRegistry("");
  ASSERT_NE(again.process, nullptr);
  EXPECT_EQ(std::string(absl::StripAsciiWhitespace(ReadFile(data_dir + "/admin.token"))), renewed);
}

}  // namespace
}  // namespace chibo
