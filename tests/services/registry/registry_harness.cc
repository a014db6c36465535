#include "tests/services/registry/registry_harness.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/db/migrations.h"
#include "common/db/open_database.h"
#include "common/journal/journaled_write.h"
#include "common/rpc/client.h"
#include "migrations/registry_migrations.h"
#include "tests/support/subprocess.h"

namespace chibo::registry::testing {

absl::StatusOr<std::unique_ptr<RegistryHarness>> RegistryHarness::Start(HarnessOptions options) {
  auto h = std::unique_ptr<RegistryHarness>(new RegistryHarness());
  h->dir_ = chibo::testing::MakeTempDir("chibo-registry-test");
  h->key_ = std::string(64, 'k');

  db::DatabaseOptions db_options;
  db_options.database_url = options.database_url;
  db_options.data_dir = h->dir_;
  db_options.sqlite_file_name = "registry.db";
  auto database = db::OpenDatabase(db_options);
  if (!database.ok()) return database.status();
  h->database_ = *std::move(database);
  if (auto s = db::ApplyMigrations(*h->database_, "journal", journal::JournalMigrations()); !s.ok()) return s;
  if (auto s = db::ApplyMigrations(*h->database_, "registry", migrations::RegistryMigrations()); !s.ok()) return s;

  cache::RedisOptions redis_options;
  if (options.with_redis) {
    auto redis = chibo::testing::RedisServer::Start();
    if (!redis.ok()) return redis.status();
    h->redis_server_ = *std::move(redis);
    redis_options.url = h->redis_server_->url();
    auto pool = cache::RedisPool::Create(redis_options);
    if (!pool.ok()) return pool.status();
    h->redis_pool_ = *std::move(pool);
  }
  cache::CacheOptions cache_options;
  cache_options.name = "registry-test";
  h->cache_ = std::make_unique<cache::Cache>(h->redis_pool_.get(), redis_options, cache_options);

  auth::VerifierOptions verifier_options;
  verifier_options.hs256_key = h->key_;
  auto verifier = auth::TokenVerifier::Create(verifier_options);
  if (!verifier.ok()) return verifier.status();
  h->verifier_ = *std::move(verifier);

  h->pool_ = std::make_unique<concurrency::ThreadPool>(8);
  h->registry_ = std::make_unique<Registry>(h->database_.get(), h->cache_.get());
  h->runner_ = std::make_unique<rpc::CallRunner>("chibo.registry.v1.RegistryService",
                                                 h->verifier_.get(), h->pool_.get());
  h->service_ = std::make_unique<RegistryGrpcService>(h->registry_.get(), h->runner_.get());
  h->accounts_ = std::make_unique<Accounts>(h->database_.get(), h->registry_.get(), h->key_, "chibo");
  h->account_runner_ = std::make_unique<rpc::CallRunner>("chibo.registry.v1.AccountService",
                                                         h->verifier_.get(), h->pool_.get());
  h->account_service_ = std::make_unique<AccountGrpcService>(h->accounts_.get(), h->account_runner_.get());
  rpc::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = rpc::GrpcServer::Start(server_options, {h->service_.get(), h->account_service_.get()});
  if (!server.ok()) return server.status();
  h->server_ = *std::move(server);
  h->channel_ = rpc::MakeChannel(absl::StrCat("127.0.0.1:", h->server_->port()),
                                 "chibo.registry.v1.RegistryService");
  h->stub_ = v1::RegistryService::NewStub(h->channel_);
  h->account_stub_ = v1::AccountService::NewStub(h->channel_);
  return h;
}

RegistryHarness::~RegistryHarness() {
  stub_.reset();
  channel_.reset();
  if (server_) server_->Shutdown();
  server_.reset();
  pool_.reset();  // drains work that still uses the registry
  account_service_.reset();
  account_runner_.reset();
  accounts_.reset();
  service_.reset();
  runner_.reset();
  registry_.reset();
  cache_.reset();
  redis_pool_.reset();
  database_.reset();
  redis_server_.reset();
  if (!dir_.empty()) chibo::testing::RemoveTree(dir_);
}

std::string RegistryHarness::Token(auth::Role role, const std::string& org,
                                   const std::string& subject, absl::Duration ttl) const {
  auth::Claims c;
  c.subject = subject;
  c.roles = {role};
  c.scope_org_id = org;
  c.audience = "chibo";
  c.expires_at = absl::Now() + ttl;
  return *auth::TokenIssuer(key_).Issue(c);
}

std::unique_ptr<grpc::ClientContext> RegistryHarness::Ctx(const std::string& token) {
  return rpc::MakeClientContext(token, absl::Seconds(10));
}

}  // namespace chibo::registry::testing
