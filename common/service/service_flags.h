// The flags every chibo service binary shares, and what they open: the
// database (SQLite by default, PostgreSQL by URL), the cache (Redis when
// given), the token verifier (HS256 key file created on first start, or the
// provider's public keys), the monitor port, the gRPC listener.
#ifndef CHIBO_COMMON_SERVICE_SERVICE_FLAGS_H_
#define CHIBO_COMMON_SERVICE_SERVICE_FLAGS_H_

#include <memory>
#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/tokens.h"
#include "common/cache/cache.h"
#include "common/cache/redis_pool.h"
#include "common/db/database.h"
#include "common/rpc/client.h"
#include "common/rpc/server.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, data_dir);
ABSL_DECLARE_FLAG(std::string, database_url);
ABSL_DECLARE_FLAG(std::string, redis_url);
ABSL_DECLARE_FLAG(std::string, monitor_listen);
ABSL_DECLARE_FLAG(std::string, jwt_hs256_key_file);
ABSL_DECLARE_FLAG(std::string, jwt_rs256_public_key_file);
ABSL_DECLARE_FLAG(std::string, jwt_es256_public_key_file);
ABSL_DECLARE_FLAG(std::string, jwt_audience);
ABSL_DECLARE_FLAG(absl::Duration, max_token_lifetime);
ABSL_DECLARE_FLAG(int, worker_threads);
ABSL_DECLARE_FLAG(int, db_pool_size);
ABSL_DECLARE_FLAG(std::string, log_level);
ABSL_DECLARE_FLAG(std::string, tls_cert_file);
ABSL_DECLARE_FLAG(std::string, tls_key_file);
ABSL_DECLARE_FLAG(std::string, tls_client_ca_file);
ABSL_DECLARE_FLAG(std::string, peer_tls_ca_file);
ABSL_DECLARE_FLAG(std::string, peer_tls_cert_file);
ABSL_DECLARE_FLAG(std::string, peer_tls_key_file);

namespace chibo::service {

// Everything a service opens from the shared flags. `name` is the service's
// short name ("registry"): its SQLite file is <data_dir>/<name>.db.
struct ServiceResources {
  std::unique_ptr<db::Database> database;
  std::string sqlite_path;     // the SQLite file; empty on PostgreSQL
  std::unique_ptr<cache::RedisPool> redis;  // null without --redis_url
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<auth::TokenVerifier> verifier;
  std::string hs256_key;       // empty when HS256 is off
  bool created_hs256_key = false;
  rpc::ServerOptions server_options;
};

// Debian's Abseil is built with absl::Mutex's deadlock detection on: every
// lock (gRPC's included) records lock order in one process-wide graph under
// one global lock — about 4× the cost of a lock, and serialization across
// threads. A service binary turns it off before any thread starts
// (OpenServiceResources does; the gateway calls it itself); a test running a
// service inside its own process keeps it on, and so still catches a lock
// order inversion (it aborts there).
void TurnOffMutexDeadlockDetection();

// `default_listen` is used when --listen is not given.
absl::StatusOr<ServiceResources> OpenServiceResources(const std::string& name,
                                                      const std::string& default_listen);

// The token verifier the auth flags describe (for binaries without a
// database, such as the gateway). Creates the HS256 key file if absent.
absl::StatusOr<std::unique_ptr<auth::TokenVerifier>> OpenTokenVerifier(
    std::string* hs256_key = nullptr, bool* created_hs256_key = nullptr);

// The embedded default's admin token file (<data_dir>/admin.token) is fresh
// while it verifies with `hs256_key` under the auth flags (audience,
// --max_token_lifetime) and has more than half its lifetime left; the
// registry writes a new one otherwise, expiring at AdminTokenExpiry():
// now + --max_token_lifetime, at most auth::kDefaultMaxTokenLifetime.
bool AdminTokenFileIsFresh(const std::string& path, const std::string& hs256_key);
absl::Time AdminTokenExpiry();

// How to reach the other chibo services: plain, or TLS / mTLS per the
// --peer_tls_* flags (OpenServiceResources refuses to start when those
// files cannot be read: CheckPeerTlsFiles).
rpc::ChannelOptions PeerChannelOptions();
absl::Status CheckPeerTlsFiles();

// The HS256 key file in use: --jwt_hs256_key_file, default <data_dir>/jwt-hs256.key;
// "none" turns HS256 off (production with a provider's keys).
std::string Hs256KeyFilePath();

}  // namespace chibo::service

#endif  // CHIBO_COMMON_SERVICE_SERVICE_FLAGS_H_
