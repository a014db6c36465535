// A registry served over real gRPC on a loopback port, on a real database
// (SQLite in a temp dir, or a database of a throwaway PostgreSQL cluster) and
// optionally a real redis-server, all started by the test and cleaned up.
#ifndef CHIBO_TESTS_SERVICES_REGISTRY_REGISTRY_HARNESS_H_
#define CHIBO_TESTS_SERVICES_REGISTRY_REGISTRY_HARNESS_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/cache/cache.h"
#include "common/cache/redis_pool.h"
#include "common/concurrency/thread_pool.h"
#include "common/db/database.h"
#include "common/rpc/server.h"
#include "common/rpc/unary_call.h"
#include "chibo/registry/v1/accounts.grpc.pb.h"
#include "services/registry/accounts.h"
#include "services/registry/accounts_grpc.h"
#include "services/registry/registry.h"
#include "services/registry/registry_grpc.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/redis_server.h"

namespace chibo::registry::testing {

namespace v1 = ::chibo::registry::v1;

struct HarnessOptions {
  bool with_redis = false;
  std::string database_url;  // empty: SQLite in a temp dir
};

class RegistryHarness {
 public:
  static absl::StatusOr<std::unique_ptr<RegistryHarness>> Start(HarnessOptions options = {});
  ~RegistryHarness();

  v1::RegistryService::Stub& stub() { return *stub_; }
  v1::AccountService::Stub& accounts() { return *account_stub_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }
  int port() const { return server_->port(); }
  chibo::testing::RedisServer* redis() { return redis_server_.get(); }
  cache::Cache& cache() { return *cache_; }
  db::Database& database() { return *database_; }

  // A signed token for `role` scoped to `org`.
  std::string Token(auth::Role role, const std::string& org, const std::string& subject = "tester",
                    absl::Duration ttl = absl::Hours(1)) const;
  std::string key() const { return key_; }
  // A client context carrying `token` (none when empty) and a 10 s deadline.
  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token);

 private:
  RegistryHarness() = default;
  std::string dir_;
  std::string key_;
  std::unique_ptr<chibo::testing::RedisServer> redis_server_;
  std::unique_ptr<db::Database> database_;
  std::unique_ptr<cache::RedisPool> redis_pool_;
  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<concurrency::ThreadPool> pool_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<rpc::CallRunner> runner_;
  std::unique_ptr<RegistryGrpcService> service_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<rpc::CallRunner> account_runner_;
  std::unique_ptr<AccountGrpcService> account_service_;
  std::unique_ptr<rpc::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  std::unique_ptr<v1::AccountService::Stub> account_stub_;
};

}  // namespace chibo::registry::testing

#endif  // CHIBO_TESTS_SERVICES_REGISTRY_REGISTRY_HARNESS_H_
