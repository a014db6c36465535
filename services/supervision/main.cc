// chibo-supervision: supervision service (dự sinh hoạt chi bộ) and its
// reports. With no flags it runs on its embedded default: a SQLite file under
// ./data, no Redis, the HS256 key the registry created there, the registry at
// 127.0.0.1:50051 and scheduling at 127.0.0.1:50052.
#include <malloc.h>
#include <optional>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/ascii.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "common/auth/tokens.h"
#include "common/time/dates.h"
#include "common/clients/registry_client.h"
#include "common/clients/scheduling_client.h"
#include "common/concurrency/thread_pool.h"
#include "common/observability/logging.h"
#include "common/rpc/client.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "common/service/service_main.h"
#include "migrations/supervision_migrations.h"
#include "services/supervision/reminder_outbox.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_grpc.h"

ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry's gRPC address");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling's gRPC address");
ABSL_FLAG(std::string, reminder_provinces, "",
          "Provinces (root unit ids, comma-separated) whose late meetings and recommendations are "
          "reminded (nhắc việc); empty: no reminders are raised");
ABSL_FLAG(absl::Duration, reminder_scan_interval, absl::Minutes(10), "How often reminders are raised");
ABSL_FLAG(std::string, reminder_webhook_url, "",
          "Where reminders are POSTed (SMS or messaging bridge); empty: they wait in the outbox");
ABSL_FLAG(std::string, reminder_webhook_secret_file, "",
          "File holding the HMAC key of the X-Chibo-Signature header; empty: unsigned");
ABSL_FLAG(absl::Duration, reminder_send_interval, absl::Seconds(5), "How often the outbox is sent");

namespace {

// Raises reminders on a timer with a service token per province, and sends
// the outbox; stops with the server.
class ReminderLoop {
 public:
  ReminderLoop(chibo::supervision::Supervision* supervision, chibo::supervision::ReminderOutbox* outbox,
               std::string hs256_key)
      : supervision_(supervision), outbox_(outbox), issuer_(std::move(hs256_key)) {}
  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  ~ReminderLoop() {
    stop_.Notify();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    namespace obs = chibo::observability;
    const std::vector<std::string> provinces =
        absl::StrSplit(absl::GetFlag(FLAGS_reminder_provinces), ',', absl::SkipWhitespace());
    absl::Time next_scan = absl::Now();
    while (!stop_.HasBeenNotified()) {
      if (absl::Now() >= next_scan) {
        for (const std::string& province : provinces) {
          chibo::auth::Claims claims;
          claims.subject = "chibo-supervision";
          claims.roles = {chibo::auth::Role::kService};
          claims.scope_org_id = province;
          claims.audience = absl::GetFlag(FLAGS_jwt_audience);
          claims.expires_at = absl::Now() + absl::Hours(1);
          auto token = issuer_.Issue(claims);
          if (!token.ok()) {
            obs::Log(obs::LogLevel::kError, "reminders: no service token", {{"error", token.status().ToString()}});
            continue;
          }
          claims.token = *token;
          claims.deadline = absl::Now() + absl::Minutes(5);
          const absl::Time began = absl::Now();
          auto scan = supervision_->ScanReminders(claims, chibo::time::Today());
          const std::string took = absl::StrCat(absl::ToInt64Milliseconds(absl::Now() - began), " ms");
          if (!scan.ok()) {
            obs::Log(obs::LogLevel::kWarn, "reminders: scan failed",
                     {{"province", province}, {"error", scan.status().ToString()}, {"took", took}});
          } else {
            obs::Log(obs::LogLevel::kInfo, "reminders: scanned",
                     {{"province", province}, {"late", std::to_string(scan->outstanding)},
                      {"raised", std::to_string(scan->raised)}, {"resolved", std::to_string(scan->resolved)},
                      {"took", took}});
          }
        }
        next_scan = absl::Now() + absl::GetFlag(FLAGS_reminder_scan_interval);
        // A scan's lists are freed by now: hand the pages back to the system
        // rather than keep the scan's peak for the next interval.
        malloc_trim(0);
      }
      auto round = outbox_->DeliverDue(absl::Now());
      if (!round.ok()) {
        obs::Log(obs::LogLevel::kWarn, "reminders: sending failed", {{"error", round.status().ToString()}});
      } else if (round->delivered + round->retried + round->failed > 0) {
        obs::Log(obs::LogLevel::kInfo, "reminders: sent",
                 {{"delivered", std::to_string(round->delivered)}, {"retried", std::to_string(round->retried)},
                  {"failed", std::to_string(round->failed)}});
      }
      stop_.WaitForNotificationWithTimeout(absl::GetFlag(FLAGS_reminder_send_interval));
    }
  }

  chibo::supervision::Supervision* supervision_;
  chibo::supervision::ReminderOutbox* outbox_;
  chibo::auth::TokenIssuer issuer_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace

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
  chibo::supervision::WebhookOptions webhook;
  webhook.url = absl::GetFlag(FLAGS_reminder_webhook_url);
  if (const std::string file = absl::GetFlag(FLAGS_reminder_webhook_secret_file); !file.empty()) {
    auto secret = chibo::auth::ReadFileToString(file);
    if (!secret.ok()) return service::StartupFailed(secret.status());
    webhook.secret = std::string(absl::StripAsciiWhitespace(*secret));
  }
  chibo::supervision::ReminderOutbox outbox(resources->database.get(), webhook);
  std::optional<ReminderLoop> reminders;
  if (!absl::GetFlag(FLAGS_reminder_provinces).empty() || !webhook.url.empty()) {
    if (resources->hs256_key.empty() && !absl::GetFlag(FLAGS_reminder_provinces).empty()) {
      return service::StartupFailed(absl::FailedPreconditionError(
          "--reminder_provinces needs the HS256 key to sign its service token"));
    }
    reminders.emplace(&supervision, &outbox, resources->hs256_key);
    reminders->Start();
  }
  chibo::rpc::CallRunner runner("chibo.supervision.v1.SupervisionService",
                                resources->verifier.get(), &pool);
  chibo::supervision::SupervisionGrpcService grpc_service(&supervision, &runner);
  return service::ServeUntilStopped(*resources, {&grpc_service});
}
