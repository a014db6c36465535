#include "tests/services/scheduling/scheduling_harness.h"

#include "absl/strings/str_cat.h"
#include "common/db/migrations.h"
#include "common/db/open_database.h"
#include "common/journal/journaled_write.h"
#include "common/rpc/client.h"
#include "migrations/scheduling_migrations.h"
#include "tests/support/subprocess.h"

namespace chibo::scheduling::testing {

absl::StatusOr<std::unique_ptr<SchedulingHarness>> SchedulingHarness::Start(
    SchedulingHarnessOptions options) {
  auto h = std::unique_ptr<SchedulingHarness>(new SchedulingHarness());
  auto registry = RegistryHarness::Start(
      {.with_redis = true, .database_url = options.registry_database_url});
  if (!registry.ok()) return registry.status();
  h->registry_ = *std::move(registry);

  h->dir_ = chibo::testing::MakeTempDir("chibo-scheduling-test");
  db::DatabaseOptions db_options;
  db_options.database_url = options.scheduling_database_url;
  db_options.data_dir = h->dir_;
  db_options.sqlite_file_name = "scheduling.db";
  h->database_options_ = db_options;
  auto database = db::OpenDatabase(db_options);
  if (!database.ok()) return database.status();
  h->database_ = *std::move(database);
  if (auto s = db::ApplyMigrations(*h->database_, "journal", journal::JournalMigrations()); !s.ok()) return s;
  if (auto s = db::ApplyMigrations(*h->database_, "scheduling", migrations::SchedulingMigrations()); !s.ok()) return s;

  // Meeting summaries are cached in the registry harness's Redis, as in production.
  cache::RedisOptions redis_options;
  redis_options.url = h->registry_->redis()->url();
  auto pool = cache::RedisPool::Create(redis_options);
  if (!pool.ok()) return pool.status();
  h->redis_pool_ = *std::move(pool);
  cache::CacheOptions cache_options;
  cache_options.name = "scheduling-test";
  h->cache_ = std::make_unique<cache::Cache>(h->redis_pool_.get(), cache_options);
  h->registry_client_ = std::make_unique<clients::RegistryClient>(
      rpc::MakeChannel(absl::StrCat("127.0.0.1:", h->registry_->port()),
                       "chibo.registry.v1.RegistryService"));

  auth::VerifierOptions verifier_options;
  verifier_options.hs256_key = h->registry_->key();
  auto verifier = auth::TokenVerifier::Create(verifier_options);
  if (!verifier.ok()) return verifier.status();

  h->pool_ = std::make_unique<concurrency::ThreadPool>(8);
  h->scheduling_ = std::make_unique<Scheduling>(h->database_.get(), h->registry_client_.get(), h->cache_.get());
  h->verifier_ = *std::move(verifier);
  h->runner_ = std::make_unique<rpc::CallRunner>("chibo.scheduling.v1.SchedulingService",
                                                 h->verifier_.get(), h->pool_.get());
  h->service_ = std::make_unique<SchedulingGrpcService>(h->scheduling_.get(), h->runner_.get());
  rpc::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = rpc::GrpcServer::Start(server_options, {h->service_.get()});
  if (!server.ok()) return server.status();
  h->server_ = *std::move(server);
  h->channel_ = rpc::MakeChannel(absl::StrCat("127.0.0.1:", h->server_->port()),
                                 "chibo.scheduling.v1.SchedulingService");
  h->stub_ = v1::SchedulingService::NewStub(h->channel_);
  return h;
}

SchedulingHarness::~SchedulingHarness() {
  stub_.reset();
  channel_.reset();
  if (server_) server_->Shutdown();
  server_.reset();
  pool_.reset();
  service_.reset();
  runner_.reset();
  scheduling_.reset();
  registry_client_.reset();
  verifier_.reset();
  cache_.reset();
  redis_pool_.reset();
  database_.reset();
  registry_.reset();
  if (!dir_.empty()) chibo::testing::RemoveTree(dir_);
}

}  // namespace chibo::scheduling::testing
