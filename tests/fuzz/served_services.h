// For the scheduling and supervision fuzzers: the services they call, served
// over real gRPC on loopback in this process, each on a temp SQLite file —
// the registry (RegistryHarness, seeded with a small province) and, for
// supervision, scheduling (seeded with a series and a meeting of cb-1).
#ifndef CHIBO_TESTS_FUZZ_SERVED_SERVICES_H_
#define CHIBO_TESTS_FUZZ_SERVED_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/auth/tokens.h"
#include "common/cache/cache.h"
#include "common/clients/registry_client.h"
#include "common/concurrency/thread_pool.h"
#include "common/rpc/server.h"
#include "common/rpc/unary_call.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_grpc.h"
#include "tests/fuzz/fuzz_fixture.h"
#include "tests/services/registry/registry_harness.h"

namespace chibo::fuzz {

// tinh → huyen-a → xa-a1 → cb-1 (m1..m4), cb-2 (m5); tinh → huyen-b → cb-b
// (m6); m1 and m2 sit on xa-a1's committee (m1 on its standing committee).
std::unique_ptr<registry::testing::RegistryHarness> StartSeededRegistry();

// Today's date in Asia/Ho_Chi_Minh, plus `days`.
std::string Day(int days);

// Scheduling's world: its database, cache and domain object; Seed() gives
// cb-1 a monthly series from next month and a meeting held 3 days ago
// (id mt-past), recorded when `record` is true.
struct SchedulingWorld {
  explicit SchedulingWorld(int registry_port);
  void Rebuild();  // after database->Restore()
  void Seed(bool record);

  std::unique_ptr<FuzzDatabase> database;
  std::unique_ptr<clients::RegistryClient> registry_client;
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<scheduling::Scheduling> scheduling;
};

// Scheduling served over gRPC (for supervision to call).
class ServedScheduling {
 public:
  explicit ServedScheduling(int registry_port);
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

 private:
  SchedulingWorld world_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<concurrency::ThreadPool> pool_;
  std::unique_ptr<rpc::CallRunner> runner_;
  std::unique_ptr<scheduling::SchedulingGrpcService> service_;
  std::unique_ptr<rpc::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace chibo::fuzz

#endif  // CHIBO_TESTS_FUZZ_SERVED_SERVICES_H_
