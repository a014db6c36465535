// Scheduling served over real gRPC on a loopback port, calling a real
// registry (RegistryHarness, also over gRPC) for scope and rosters; each on
// its own database (SQLite files, or databases of one throwaway PostgreSQL
// cluster) and sharing a real redis-server, all started by the test.
#ifndef CHIBO_TESTS_SERVICES_SCHEDULING_SCHEDULING_HARNESS_H_
#define CHIBO_TESTS_SERVICES_SCHEDULING_SCHEDULING_HARNESS_H_

#include <memory>
#include <string>

#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "common/cache/redis_pool.h"
#include "common/clients/registry_client.h"
#include "common/db/open_database.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_grpc.h"
#include "tests/services/registry/registry_harness.h"

namespace chibo::scheduling::testing {

namespace v1 = ::chibo::scheduling::v1;
using registry::testing::RegistryHarness;

struct SchedulingHarnessOptions {
  // Empty: SQLite. Otherwise databases for the registry and for scheduling.
  std::string registry_database_url;
  std::string scheduling_database_url;
};

class SchedulingHarness {
 public:
  static absl::StatusOr<std::unique_ptr<SchedulingHarness>> Start(SchedulingHarnessOptions options = {});
  ~SchedulingHarness();

  RegistryHarness& registry() { return *registry_; }
  v1::SchedulingService::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  db::Database& database() { return *database_; }
  cache::Cache& cache() { return *cache_; }  // meeting summaries
  // The domain object behind the server (for what no RPC starts: the
  // horizon pass), and how its database was opened (to open it again, as
  // another replica would).
  Scheduling& scheduling() { return *scheduling_; }
  const db::DatabaseOptions& database_options() const { return database_options_; }

 private:
  SchedulingHarness() = default;
  std::string dir_;
  db::DatabaseOptions database_options_;
  std::unique_ptr<RegistryHarness> registry_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<cache::RedisPool> redis_pool_;
  std::unique_ptr<cache::Cache> cache_;  // meeting summaries
  std::unique_ptr<clients::RegistryClient> registry_client_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<concurrency::ThreadPool> pool_;
  std::unique_ptr<Scheduling> scheduling_;
  std::unique_ptr<rpc::CallRunner> runner_;
  std::unique_ptr<SchedulingGrpcService> service_;
  std::unique_ptr<rpc::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::SchedulingService::Stub> stub_;
};

}  // namespace chibo::scheduling::testing

#endif  // CHIBO_TESTS_SERVICES_SCHEDULING_SCHEDULING_HARNESS_H_
