#include "tests/fuzz/fuzz_fixture.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "absl/time/clock.h"
#include "common/auth/tokens.h"
#include "common/db/open_database.h"

namespace chibo::fuzz {

namespace {
std::vector<std::string>* dirs_to_remove = new std::vector<std::string>;
}  // namespace

std::string TempDir(const std::string& prefix) {
  std::error_code ec;
  const char* base = std::filesystem::is_directory("/dev/shm", ec) && access("/dev/shm", W_OK) == 0
                         ? "/dev/shm"
                         : "/tmp";
  std::string pattern = std::string(base) + "/" + prefix + "-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  static std::once_flag once;
  std::call_once(once, [] {
    std::atexit([] {
      std::error_code e;
      for (const auto& d : *dirs_to_remove) std::filesystem::remove_all(d, e);
    });
  });
  dirs_to_remove->push_back(pattern);
  return pattern;
}

void MustOk(const absl::Status& status, const std::string& what) {
  if (status.ok()) return;
  std::fprintf(stderr, "fuzz fixture: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::abort();
}

FuzzDatabase::FuzzDatabase(std::string name, MigrationSet migrations)
    : dir_(TempDir("chibo-fuzz-" + name)), name_(std::move(name)), migrations_(std::move(migrations)) {
  Open();
  for (const auto& [service, list] : migrations_) {
    MustOk(db::ApplyMigrations(*db_, service, list), "migrations of " + service);
  }
}

void FuzzDatabase::Open() {
  db::DatabaseOptions options;
  options.data_dir = dir_;
  options.sqlite_file_name = name_ + ".db";
  options.pool_size = 2;
  auto opened = db::OpenDatabase(options);
  MustOk(opened.status(), "open " + name_);
  db_ = *std::move(opened);
}

void FuzzDatabase::Save() {
  db_.reset();  // the last connection checkpoints the WAL into the file
  std::filesystem::copy_file(dir_ + "/" + name_ + ".db", dir_ + "/saved.db",
                             std::filesystem::copy_options::overwrite_existing);
  Open();
}

void FuzzDatabase::Restore() {
  db_.reset();
  std::error_code ec;
  for (const char* suffix : {".db-wal", ".db-shm"}) {
    std::filesystem::remove(dir_ + "/" + name_ + suffix, ec);
  }
  std::filesystem::copy_file(dir_ + "/saved.db", dir_ + "/" + name_ + ".db",
                             std::filesystem::copy_options::overwrite_existing);
  Open();
}

auth::Claims Caller(auth::Role role, const std::string& org, const std::string& subject) {
  auth::Claims c;
  c.subject = subject;
  c.roles = {role};
  c.scope_org_id = org;
  c.audience = std::string(auth::kDefaultAudience);
  c.expires_at = absl::Now() + absl::Hours(700);
  auto token = auth::TokenIssuer(kFuzzKey).Issue(c);
  MustOk(token.status(), "token");
  c.token = *token;
  c.request_id = "fuzz";
  return c;
}

}  // namespace chibo::fuzz
