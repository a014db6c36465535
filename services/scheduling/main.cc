// chibo-scheduling: meeting scheduling service. With no flags it runs on its
// embedded default: a SQLite file under ./data, no Redis, the HS256 key the
// registry created there, and the registry at 127.0.0.1:50051.
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/clients/registry_client.h"
#include "common/concurrency/thread_pool.h"
#include "common/observability/logging.h"
#include "common/rpc/client.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "common/service/service_main.h"
#include "migrations/scheduling_migrations.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_grpc.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry's gRPC address");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-scheduling: meeting scheduling service (lịch sinh hoạt chi bộ)");
  absl::ParseCommandLine(argc, argv);
  chibo::observability::InitJsonLogging("chibo-scheduling", absl::GetFlag(FLAGS_log_level));
  namespace service = chibo::service;

  auto resources = service::OpenServiceResources("scheduling", "127.0.0.1:50052");
  if (!resources.ok()) return service::StartupFailed(resources.status());
  if (auto s = service::MigrateServiceDatabase(*resources->database, "scheduling",
                                               chibo::migrations::SchedulingMigrations());
      !s.ok()) {
    return service::StartupFailed(s);
  }
  chibo::concurrency::ThreadPool pool(absl::GetFlag(FLAGS_worker_threads));
  chibo::clients::RegistryClient registry(
      chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_registry_addr), "chibo.registry.v1.RegistryService",
                            chibo::service::PeerChannelOptions()));
  // Meeting summaries are cached in the service's cache, checked against the
  // facts' change watermark on every read (docs/reports.md).
  chibo::scheduling::Scheduling scheduling(resources->database.get(), &registry,
                                           resources->cache.get());
  if (absl::Status s = scheduling.FoldUnfoldedCellYears(); !s.ok()) return service::StartupFailed(s);
  chibo::rpc::CallRunner runner("chibo.scheduling.v1.SchedulingService",
                                resources->verifier.get(), &pool);
  chibo::scheduling::SchedulingGrpcService grpc_service(&scheduling, &runner);
  return service::ServeUntilStopped(*resources, {&grpc_service});
}
