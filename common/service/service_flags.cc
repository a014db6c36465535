#include "common/service/service_flags.h"

#include <malloc.h>

#include <algorithm>
#include <filesystem>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "common/db/open_database.h"

ABSL_FLAG(std::string, listen, "", "gRPC listen address HOST:PORT (port 0: any free port); default 127.0.0.1 and the service's own port (registry 50051, scheduling 50052, supervision 50053)");
ABSL_FLAG(std::string, data_dir, "data", "Directory for the SQLite file and the embedded default's keys");
ABSL_FLAG(std::string, database_url, "", "postgresql://… to use PostgreSQL instead of SQLite");
ABSL_FLAG(std::string, redis_url, "", "redis://HOST:PORT cache; empty = no Redis");
ABSL_FLAG(std::string, monitor_listen, "", "HOST:PORT for /metrics and /healthz over HTTP; empty = off");
ABSL_FLAG(int, malloc_arenas, 2, "glibc malloc arenas (memory stays near one request's peak)");
ABSL_FLAG(std::string, jwt_hs256_key_file, "", "HS256 key file (default <data_dir>/jwt-hs256.key, created if absent; 'none' = off)");
ABSL_FLAG(std::string, jwt_rs256_public_key_file, "", "PEM public key of the identity provider (RS256)");
ABSL_FLAG(std::string, jwt_es256_public_key_file, "", "PEM public key of the identity provider (ES256)");
ABSL_FLAG(std::string, jwt_audience, "chibo", "Required token audience");
ABSL_FLAG(absl::Duration, max_token_lifetime, chibo::auth::kDefaultMaxTokenLifetime,
          "Refuse tokens that claim a longer life (exp - iat), and tokens without iat");
ABSL_FLAG(int, worker_threads, 16, "Threads for blocking work (SQL, Redis)");
ABSL_FLAG(int, db_pool_size, 8, "Database connections");
ABSL_FLAG(std::string, log_level, "info", "debug (every call) | info | warn | error");
ABSL_FLAG(std::string, tls_cert_file, "", "Serve TLS with this certificate (PEM)");
ABSL_FLAG(std::string, tls_key_file, "", "… and this private key (PEM)");
ABSL_FLAG(std::string, peer_tls_ca_file, "",
          "Call the other chibo services over TLS, verifying them with this CA (PEM)");
ABSL_FLAG(std::string, peer_tls_cert_file, "", "... presenting this client certificate (mTLS)");
ABSL_FLAG(std::string, peer_tls_key_file, "", "... and its private key");
ABSL_FLAG(std::string, tls_client_ca_file, "", "Require client certificates signed by this CA (mTLS)");

namespace chibo::service {

absl::Status CheckPeerTlsFiles() {
  for (const std::string& file : {absl::GetFlag(FLAGS_peer_tls_ca_file), absl::GetFlag(FLAGS_peer_tls_cert_file),
                                  absl::GetFlag(FLAGS_peer_tls_key_file)}) {
    if (file.empty()) continue;
    if (auto read = auth::ReadFileToString(file); !read.ok()) return read.status();
  }
  if (!absl::GetFlag(FLAGS_peer_tls_cert_file).empty() && absl::GetFlag(FLAGS_peer_tls_ca_file).empty()) {
    return absl::InvalidArgumentError("--peer_tls_cert_file needs --peer_tls_ca_file");
  }
  return absl::OkStatus();
}

rpc::ChannelOptions PeerChannelOptions() {
  rpc::ChannelOptions options;
  options.tls_ca_file = absl::GetFlag(FLAGS_peer_tls_ca_file);
  options.tls_cert_file = absl::GetFlag(FLAGS_peer_tls_cert_file);
  options.tls_key_file = absl::GetFlag(FLAGS_peer_tls_key_file);
  return options;
}

std::string Hs256KeyFilePath() {
  std::string path = absl::GetFlag(FLAGS_jwt_hs256_key_file);
  if (path.empty()) path = absl::StrCat(absl::GetFlag(FLAGS_data_dir), "/jwt-hs256.key");
  return path;
}

absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> OpenTokenVerifier(std::string* hs256_key,
                                                                       bool* created_hs256_key) {
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  auth::VerifierOptions verifier_options;
  verifier_options.audience = absl::GetFlag(FLAGS_jwt_audience);
  verifier_options.max_lifetime = absl::GetFlag(FLAGS_max_token_lifetime);
  if (verifier_options.max_lifetime <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--max_token_lifetime must be positive, e.g. 720h");
  }
  const std::string key_file = Hs256KeyFilePath();
  if (key_file != "none") {
    if (created_hs256_key) *created_hs256_key = !std::filesystem::exists(key_file);
    auto key = auth::LoadOrCreateHs256Key(key_file);
    if (!key.ok()) return key.status();
    if (hs256_key) *hs256_key = *key;
    verifier_options.hs256_key = *key;
  }
  if (auto f = absl::GetFlag(FLAGS_jwt_rs256_public_key_file); !f.empty()) {
    auto pem = auth::ReadFileToString(f);
    if (!pem.ok()) return pem.status();
    verifier_options.rs256_public_key = *pem;
  }
  if (auto f = absl::GetFlag(FLAGS_jwt_es256_public_key_file); !f.empty()) {
    auto pem = auth::ReadFileToString(f);
    if (!pem.ok()) return pem.status();
    verifier_options.es256_public_key = *pem;
  }
  return auth::TokenVerifier::Create(verifier_options);
}

bool AdminTokenFileIsFresh(const std::string& path, const std::string& hs256_key) {
  absl::StatusOr<std::string> text = auth::ReadFileToString(path);
  if (!text.ok()) return false;
  auth::VerifierOptions options;
  options.hs256_key = hs256_key;
  options.audience = absl::GetFlag(FLAGS_jwt_audience);
  options.max_lifetime = absl::GetFlag(FLAGS_max_token_lifetime);
  auto verifier = auth::TokenVerifier::Create(options);
  if (!verifier.ok()) return false;
  absl::StatusOr<auth::Claims> claims = (*verifier)->Verify(absl::StripAsciiWhitespace(*text));
  if (!claims.ok()) return false;
  const absl::Duration lifetime =
      std::min(options.max_lifetime, auth::kDefaultMaxTokenLifetime);
  return claims->expires_at - absl::Now() > lifetime / 2;
}

absl::Time AdminTokenExpiry() {
  return absl::Now() +
         std::min(absl::GetFlag(FLAGS_max_token_lifetime), auth::kDefaultMaxTokenLifetime);
}

void TurnOffMutexDeadlockDetection() {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
}

absl::StatusOr<ServiceResources> OpenServiceResources(const std::string& name,
                                                      const std::string& default_listen) {
  // Before any worker thread exists: glibc gives each thread that allocates
  // its own arena and keeps what each one peaked at, so a pool of 16 workers
  // that each built one report once holds 16 reports' worth of freed memory.
  // Two arenas keep the process near one report's peak. (Binaries linked
  // with jemalloc never call glibc's malloc; common/service/jemalloc_conf.cc
  // sets the same for it.)
  mallopt(M_ARENA_MAX, absl::GetFlag(FLAGS_malloc_arenas));
  TurnOffMutexDeadlockDetection();
  ServiceResources r;
  if (absl::Status s = CheckPeerTlsFiles(); !s.ok()) return s;
  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);

  db::DatabaseOptions db_options;
  db_options.database_url = absl::GetFlag(FLAGS_database_url);
  db_options.data_dir = data_dir;
  db_options.sqlite_file_name = absl::StrCat(name, ".db");
  db_options.pool_size = absl::GetFlag(FLAGS_db_pool_size);
  auto database = db::OpenDatabase(db_options);
  if (!database.ok()) return database.status();
  r.database = *std::move(database);
  if (db_options.database_url.empty()) {
    r.sqlite_path = (std::filesystem::path(data_dir) / db_options.sqlite_file_name).string();
  }

  cache::CacheOptions cache_options;
  cache_options.name = name;
  const std::string redis_url = absl::GetFlag(FLAGS_redis_url);
  cache::RedisOptions redis_options;
  redis_options.url = redis_url;
  if (!redis_url.empty()) {
    auto pool = cache::RedisPool::Create(redis_options);
    if (!pool.ok()) return pool.status();
    r.redis = *std::move(pool);
  }
  r.cache = std::make_unique<cache::Cache>(r.redis.get(), redis_options, cache_options);

  auto verifier = OpenTokenVerifier(&r.hs256_key, &r.created_hs256_key);
  if (!verifier.ok()) return verifier.status();
  r.verifier = *std::move(verifier);

  r.server_options.listen =
      absl::GetFlag(FLAGS_listen).empty() ? default_listen : absl::GetFlag(FLAGS_listen);
  r.server_options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  r.server_options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  r.server_options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  return r;
}

}  // namespace chibo::service
