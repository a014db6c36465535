// chibo-registry: the membership registry service. With no flags it runs on
// its embedded default: a SQLite file under ./data, no Redis, an HS256 key it
// creates on first start, and an admin token for the province written next
// to it (data/admin.token) for the CLI.
#include <filesystem>
#include <fstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/auth/tokens.h"
#include "common/concurrency/thread_pool.h"
#include "common/observability/logging.h"
#include "common/rpc/unary_call.h"
#include "common/service/service_flags.h"
#include "common/service/service_main.h"
#include "migrations/registry_migrations.h"
#include "services/registry/accounts.h"
#include "services/registry/accounts_grpc.h"
#include "services/registry/registry.h"
#include "services/registry/registry_grpc.h"

ABSL_FLAG(std::string, province_id, "tinh",
          "Province whose admin token the embedded default writes to <data_dir>/admin.token");

namespace {

// The embedded default: an admin token for the province, renewed at start-up
// once half its lifetime (--max_token_lifetime, at most 720h) has passed.
absl::Status WriteAdminToken(const std::string& key) {
  const std::string path = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/admin.token");
  if (chibo::service::AdminTokenFileIsFresh(path, key)) return absl::OkStatus();
  chibo::auth::Claims claims;
  claims.subject = "admin";
  claims.roles = {chibo::auth::Role::kAdmin};
  claims.scope_org_id = absl::GetFlag(FLAGS_province_id);
  claims.audience = absl::GetFlag(FLAGS_jwt_audience);
  claims.expires_at = chibo::service::AdminTokenExpiry();
  auto token = chibo::auth::TokenIssuer(key).Issue(claims);
  if (!token.ok()) return token.status();
  std::ofstream out(path, std::ios::trunc);
  out << *token << "\n";
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-registry: membership registry service (sổ đảng viên)");
  absl::ParseCommandLine(argc, argv);
  chibo::observability::InitJsonLogging("chibo-registry", absl::GetFlag(FLAGS_log_level));
  namespace service = chibo::service;

  auto resources = service::OpenServiceResources("registry", "127.0.0.1:50051");
  if (!resources.ok()) return service::StartupFailed(resources.status());
  if (auto s = service::MigrateServiceDatabase(*resources->database, "registry",
                                               chibo::migrations::RegistryMigrations());
      !s.ok()) {
    return service::StartupFailed(s);
  }
  if (!resources->hs256_key.empty()) {
    if (auto s = WriteAdminToken(resources->hs256_key); !s.ok()) return service::StartupFailed(s);
  }
  chibo::concurrency::ThreadPool pool(absl::GetFlag(FLAGS_worker_threads));
  chibo::registry::Registry registry(resources->database.get(), resources->cache.get());
  chibo::rpc::CallRunner runner("chibo.registry.v1.RegistryService", resources->verifier.get(),
                                &pool);
  chibo::registry::RegistryGrpcService grpc_service(&registry, &runner);
  if (resources->hs256_key.empty()) return service::ServeUntilStopped(*resources, {&grpc_service});
  // Accounts sign their session tokens with the services' HS256 key; the
  // embedded default's first admin gets a random password in a file.
  chibo::registry::Accounts accounts(resources->database.get(), &registry, resources->hs256_key,
                                     absl::GetFlag(FLAGS_jwt_audience));
  const std::string password_file = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/admin.password");
  if (auto created = accounts.EnsureFirstAdmin(absl::GetFlag(FLAGS_province_id), password_file); !created.ok()) {
    return service::StartupFailed(created.status());
  }
  chibo::rpc::CallRunner account_runner("chibo.registry.v1.AccountService", resources->verifier.get(), &pool);
  chibo::registry::AccountGrpcService account_service(&accounts, &account_runner);
  return service::ServeUntilStopped(*resources, {&grpc_service, &account_service});
}
