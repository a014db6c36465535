// All three services over real gRPC on loopback ports: supervision calling
// scheduling and the registry, scheduling calling the registry; each on its
// own database (SQLite files, or databases of one throwaway PostgreSQL
// cluster), sharing one real redis-server that caches the reports.
#ifndef CHIBO_TESTS_SERVICES_SUPERVISION_SUPERVISION_HARNESS_H_
#define CHIBO_TESTS_SERVICES_SUPERVISION_SUPERVISION_HARNESS_H_

#include <memory>
#include <string>

#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_grpc.h"
#include "tests/services/scheduling/scheduling_harness.h"

namespace chibo::supervision::testing {

namespace v1 = ::chibo::supervision::v1;
using scheduling::testing::SchedulingHarness;

struct SupervisionHarnessOptions {
  // Empty: SQLite. Otherwise "postgresql://…/" prefixes: the harness asks
  // `create_database(name)` for each service's database.
  std::function<absl::StatusOr<std::string>(const std::string&)> create_database;
};

class SupervisionHarness {
 public:
  static absl::StatusOr<std::unique_ptr<SupervisionHarness>> Start(SupervisionHarnessOptions options = {});
  ~SupervisionHarness();

  SchedulingHarness& scheduling() { return *scheduling_; }
  registry::testing::RegistryHarness& registry() { return scheduling_->registry(); }
  v1::SupervisionService::Stub& stub() { return *stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  cache::Cache& report_cache() { return *report_cache_; }
  // The service's own logic and database (the reminder scan, the outbox).
  Supervision& supervision() { return *supervision_; }
  db::Database& database() { return *database_; }

 private:
  SupervisionHarness() = default;
  std::string dir_;
  std::unique_ptr<SchedulingHarness> scheduling_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<cache::RedisPool> redis_pool_;
  std::unique_ptr<cache::Cache> report_cache_;
  std::unique_ptr<clients::RegistryClient> registry_client_;
  std::unique_ptr<clients::SchedulingClient> scheduling_client_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<concurrency::ThreadPool> pool_;
  std::unique_ptr<Supervision> supervision_;
  std::unique_ptr<rpc::CallRunner> runner_;
  std::unique_ptr<SupervisionGrpcService> service_;
  std::unique_ptr<rpc::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::SupervisionService::Stub> stub_;
};

}  // namespace chibo::supervision::testing

#endif  // CHIBO_TESTS_SERVICES_SUPERVISION_SUPERVISION_HARNESS_H_
