// chibo-supervision: supervision service (dự sinh hoạt chi bộ) and its
// reports. With no flags it runs on its embedded default: a SQLite file under
// ./data, no Redis, the HS256 key the registry created there, the registry at
// 127.0.0.1:50051 and scheduling at 127.0.0.1:50052.
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/clients/registry_client.h"
#include "common/clients/scheduling_client.h"
#include "common/concurrency/thread_pool.h"
#include "common/observability/logging.h"
#include "common/rpc/client.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "common/service/service_main.h"
#include "migrations/supervision_migrations.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_grpc.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry's gRPC address");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling's gRPC address");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-supervision: supervision and reports (dự sinh hoạt chi bộ)");
  absl::ParseCommandLine(argc, argv);
  chibo::observability::InitJsonLogging("chibo-supervision", absl::GetFlag(FLAGS_log_level));
  namespace service = chibo::service;

  auto resources = service::OpenServiceResources("supervision", "127.0.0.1:50053");
  if (!resources.ok()) return service::StartupFailed(resources.status());
  if (auto s = service::MigrateServiceDatabase(*resources->database, "supervision",
                                               chibo::migrations::SupervisionMigrations());
      !s.ok()) {
    return service::StartupFailed(s);
  }
  chibo::concurrency::ThreadPool pool(absl::GetFlag(FLAGS_worker_threads));
  chibo::clients::RegistryClient registry(
      chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_registry_addr), "chibo.registry.v1.RegistryService",
                            chibo::service::PeerChannelOptions()));
  chibo::clients::SchedulingClient scheduling(chibo::rpc::MakeChannel(
      absl::GetFlag(FLAGS_scheduling_addr), "chibo.scheduling.v1.SchedulingService",
                            chibo::service::PeerChannelOptions()));
  // Reports are cached in the service's cache under keys carrying their data versions.
  chibo::supervision::Supervision supervision(resources->database.get(), resources->cache.get(),
                                              &registry, &scheduling);
  chibo::rpc::CallRunner runner("chibo.supervision.v1.SupervisionService",
                                resources->verifier.get(), &pool);
  chibo::supervision::SupervisionGrpcService grpc_service(&supervision, &runner);
  return service::ServeUntilStopped(*resources, {&grpc_service});
}
