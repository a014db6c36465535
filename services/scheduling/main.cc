// chibo-scheduling: meeting scheduling service. With no flags it runs on its
// embedded default: a SQLite file under ./data, no Redis, the HS256 key the
// registry created there, and the registry at 127.0.0.1:50051.
#include <algorithm>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/clients/registry_client.h"
#include "common/concurrency/thread_pool.h"
#include "common/observability/logging.h"
#include "common/rpc/client.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "common/service/service_main.h"
#include "common/time/dates.h"
#include "migrations/scheduling_migrations.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_grpc.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry's gRPC address");
ABSL_FLAG(int, schedule_horizon_months, chibo::scheduling::kDefaultScheduleHorizonMonths,
          "Series are kept materialized this many months ahead (1..24; at start-up and then "
          "daily, and CreateSeries' default)");

namespace {

// The rolling horizon: one pass just after start-up (once serving: a process
// that finds its port taken exits first and writes nothing), then one
// shortly after every local midnight, until `stop` (a pass under way stops
// between two series).
void RunHorizonPasses(chibo::scheduling::Scheduling& scheduling, absl::Notification& stop) {
  namespace obs = chibo::observability;
  if (stop.WaitForNotificationWithTimeout(absl::Seconds(3))) return;
  do {
    const absl::CivilDay today = chibo::time::Today();
    auto pass = scheduling.ExtendSeriesToHorizon(today, [&] { return stop.HasBeenNotified(); });
    if (!pass.ok()) {
      obs::Log(obs::LogLevel::kError, "schedule horizon pass failed",
               {{"error", pass.status().ToString()}});
    } else {
      obs::Log(pass->failed > 0 ? obs::LogLevel::kWarn : obs::LogLevel::kInfo, "schedule horizon pass",
               {{"horizon", chibo::time::FormatDate(chibo::scheduling::HorizonEnd(
                                today, scheduling.schedule_horizon_months()))},
                {"series_short", absl::StrCat(pass->series_short)},
                {"extended", absl::StrCat(pass->extended)},
                {"meetings_added", absl::StrCat(pass->meetings_added)},
                {"occurrences_skipped", absl::StrCat(pass->occurrences_skipped)},
                {"failed", absl::StrCat(pass->failed)}});
      for (const auto& [series, status] : pass->failures) {
        obs::Log(obs::LogLevel::kWarn, "schedule horizon: series not extended",
                 {{"series_id", series}, {"error", status.ToString()}});
      }
    }
    const absl::Time next_midnight = absl::FromUnixSeconds(
        chibo::time::LocalMinuteToUnix(absl::CivilMinute(chibo::time::Today() + 1)));
    const absl::Duration wait = std::max(next_midnight - absl::Now(), absl::ZeroDuration()) + absl::Minutes(5);
    if (stop.WaitForNotificationWithTimeout(wait)) return;
  } while (true);
}

}  // namespace

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
  if (absl::Status s = scheduling.FillMissingRollCalls(); !s.ok()) return service::StartupFailed(s);
  if (absl::Status s = scheduling.FoldUnfoldedCellYears(); !s.ok()) return service::StartupFailed(s);
  const int horizon_months = absl::GetFlag(FLAGS_schedule_horizon_months);
  if (horizon_months < 1 || horizon_months > 24) {
    return service::StartupFailed(absl::InvalidArgumentError(
        "--schedule_horizon_months: 1..24 (meetings are planned at most 2 years ahead)"));
  }
  scheduling.SetScheduleHorizonMonths(horizon_months);
  chibo::rpc::CallRunner runner("chibo.scheduling.v1.SchedulingService",
                                resources->verifier.get(), &pool);
  chibo::scheduling::SchedulingGrpcService grpc_service(&scheduling, &runner);
  absl::Notification stop_horizon;
  std::thread horizon([&] { RunHorizonPasses(scheduling, stop_horizon); });
  const int code = service::ServeUntilStopped(*resources, {&grpc_service});
  stop_horizon.Notify();
  horizon.join();
  return code;
}
