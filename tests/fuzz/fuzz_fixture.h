// What the request fuzzers stand on: SQLite databases in a temp dir (in
// /dev/shm when there is one) that can be put back to a saved state, and
// callers with signed tokens (the services forward them to each other).
#ifndef CHIBO_TESTS_FUZZ_FUZZ_FIXTURE_H_
#define CHIBO_TESTS_FUZZ_FUZZ_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/auth/claims.h"
#include "common/db/database.h"
#include "common/db/migrations.h"

namespace chibo::fuzz {

// A fresh directory, removed when the process exits normally.
std::string TempDir(const std::string& prefix);

// One service's SQLite file with its migrations applied.
class FuzzDatabase {
 public:
  using MigrationSet = std::vector<std::pair<std::string, std::vector<db::Migration>>>;
  FuzzDatabase(std::string name, MigrationSet migrations);

  db::Database& db() { return *db_; }
  // Keeps the file as it is now; Restore() closes the database, puts that
  // copy back and opens it again (callers rebuild what holds db()).
  void Save();
  void Restore();

 private:
  void Open();
  std::string dir_, name_;
  MigrationSet migrations_;
  std::unique_ptr<db::Database> db_;
};

inline constexpr char kFuzzKey[] = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

// Claims as CallRunner would make them from a token signed with kFuzzKey
// (the token is kept, for calls to other services).
auth::Claims Caller(auth::Role role, const std::string& org, const std::string& subject);

// Aborts with `what` unless `status` is OK (fixture set-up).
void MustOk(const absl::Status& status, const std::string& what);

}  // namespace chibo::fuzz

#endif  // CHIBO_TESTS_FUZZ_FUZZ_FIXTURE_H_
