// A throwaway PostgreSQL 15 server for tests: initdb into a temp dir, start
// on a free 127.0.0.1 port with trust auth and fsync off, stop and delete on
// destruction. Takes about a second.
//
//   auto cluster = PostgresCluster::Start();
//   ASSERT_TRUE(cluster.ok()) << cluster.status();
//   auto url = (*cluster)->CreateDatabase("registry_test");
//   auto db = chibo::db::OpenPostgresDatabase(*url, 4);
//
// When the test runs as root the server runs as the `postgres` user (initdb
// refuses root).
#ifndef CHIBO_TESTS_SUPPORT_POSTGRES_CLUSTER_H_
#define CHIBO_TESTS_SUPPORT_POSTGRES_CLUSTER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace chibo::testing {

class PostgresCluster {
 public:
  // Binaries come from $CHIBO_PG_BIN or /usr/lib/postgresql/15/bin.
  static absl::StatusOr<std::unique_ptr<PostgresCluster>> Start();

  // Stops the server this object started (pg_ctl stop -m immediate, then
  // SIGKILL to its postmaster if that fails) and removes its temp dir.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // postgresql://postgres@127.0.0.1:<port>/<dbname>
  std::string url(std::string_view dbname = "postgres") const;
  int port() const { return port_; }

  // Creates database `name` ([a-z0-9_], at most 63 chars) and returns its url.
  absl::StatusOr<std::string> CreateDatabase(std::string_view name);

  // Runs SQL through psql against `dbname`, for test set-up and inspection.
  absl::StatusOr<std::string> RunSql(std::string_view sql, std::string_view dbname = "postgres");

 private:
  PostgresCluster(std::string dir, bool as_postgres_user) : dir_(std::move(dir)), as_postgres_user_(as_postgres_user) {}
  std::string bin(std::string_view tool) const;
  // Prefixes `runuser -u postgres --` when running as root.
  std::vector<std::string> AsServerUser(std::vector<std::string> argv) const;
  std::string data_dir() const { return dir_ + "/data"; }
  void Stop();

  std::string dir_;
  bool as_postgres_user_;
  std::string bin_dir_;
  int port_ = 0;
  bool running_ = false;
};

}  // namespace chibo::testing

#endif  // CHIBO_TESTS_SUPPORT_POSTGRES_CLUSTER_H_
