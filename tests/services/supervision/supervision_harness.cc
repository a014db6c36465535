#include "tests/services/supervision/supervision_harness.h"

#include "absl/strings/str_cat.h"
#include "common/db/migrations.h"
#include "common/db/open_database.h"
#include "common/journal/journaled_write.h"
#include "common/rpc/client.h"
#include "migrations/supervision_migrations.h"
#include "tests/support/subprocess.h"

namespace chibo::supervision::testing {

absl::StatusOr<std::unique_ptr<SupervisionHarness>> SupervisionHarness::Start(
    SupervisionHarnessOptions options) {
  auto h = std::unique_ptr<SupervisionHarness>(new SupervisionHarness());
  scheduling::testing::SchedulingHarnessOptions scheduling_options;
  std::string supervision_url;
  if (options.create_database) {
    auto reg = options.create_database("registry");
    auto sch = options.create_database("scheduling");
    auto sup = options.create_database("supervision");
    if (!reg.ok() || !sch.ok() || !sup.ok()) return absl::InternalError("cannot create databases");
    scheduling_options.registry_database_url = *reg;
    scheduling_options.scheduling_database_url = *sch;
    supervision_url = *sup;
  }
  auto scheduling = SchedulingHarness::Start(scheduling_options);
  if (!scheduling.ok()) return scheduling.status();
  h->scheduling_ = *std::move(scheduling);

  h->dir_ = chibo::testing::MakeTempDir("chibo-supervision-test");
  db::DatabaseOptions db_options;
  db_options.database_url = supervision_url;
  db_options.data_dir = h->dir_;
  db_options.sqlite_file_name = "supervision.db";
  auto database = db::OpenDatabase(db_options);
  if (!database.ok()) return database.status();
  h->database_ = *std::move(database);
  if (auto s = db::ApplyMigrations(*h->database_, "journal", journal::JournalMigrations()); !s.ok()) return s;
  if (auto s = db::ApplyMigrations(*h->database_, "supervision", migrations::SupervisionMigrations()); !s.ok()) return s;

  cache::RedisOptions redis_options;
  redis_options.url = h->registry().redis()->url();
  auto pool = cache::RedisPool::Create(redis_options);
  if (!pool.ok()) return pool.status();
  h->redis_pool_ = *std::move(pool);
  cache::CacheOptions report_options;
  report_options.name = "supervision-reports-test";
  h->report_cache_ = std::make_unique<cache::Cache>(h->redis_pool_.get(), report_options);
  h->registry_client_ = std::make_unique<clients::RegistryClient>(
      rpc::MakeChannel(absl::StrCat("127.0.0.1:", h->registry().port()),
                       "chibo.registry.v1.RegistryService"));
  h->scheduling_client_ = std::make_unique<clients::SchedulingClient>(h->scheduling_->channel());

  auth::VerifierOptions verifier_options;
  verifier_options.hs256_key = h->registry().key();
  auto verifier = auth::TokenVerifier::Create(verifier_options);
  if (!verifier.ok()) return verifier.status();
  h->verifier_ = *std::move(verifier);
  h->pool_ = std::make_unique<concurrency::ThreadPool>(8);
  h->supervision_ = std::make_unique<Supervision>(h->database_.get(), h->report_cache_.get(),
                                                  h->registry_client_.get(),
                                                  h->scheduling_client_.get());
  h->runner_ = std::make_unique<rpc::CallRunner>("chibo.supervision.v1.SupervisionService",
                                                 h->verifier_.get(), h->pool_.get());
  h->service_ = std::make_unique<SupervisionGrpcService>(h->supervision_.get(), h->runner_.get());
  rpc::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = rpc::GrpcServer::Start(server_options, {h->service_.get()});
  if (!server.ok()) return server.status();
  h->server_ = *std::move(server);
  h->channel_ = rpc::MakeChannel(absl::StrCat("127.0.0.1:", h->server_->port()),
                                 "chibo.supervision.v1.SupervisionService");
  h->stub_ = v1::SupervisionService::NewStub(h->channel_);
  return h;
}

SupervisionHarness::~SupervisionHarness() {
  stub_.reset();
  channel_.reset();
  if (server_) server_->Shutdown();
  server_.reset();
  pool_.reset();
  service_.reset();
  runner_.reset();
  supervision_.reset();
  verifier_.reset();
  scheduling_client_.reset();
  registry_client_.reset();
  report_cache_.reset();
  redis_pool_.reset();
  database_.reset();
  scheduling_.reset();
  if (!dir_.empty()) chibo::testing::RemoveTree(dir_);
}

}  // namespace chibo::supervision::testing
