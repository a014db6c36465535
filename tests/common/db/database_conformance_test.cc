// One suite, run on both engines: every behaviour the services rely on must
// hold on the embedded SQLite file and on PostgreSQL alike.
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/concurrency/call_deadline.h"
#include "common/db/autocommit_session.h"
#include "common/db/database.h"
#include "common/db/migrations.h"
#include "common/db/open_database.h"
#include "common/db/postgres_database.h"
#include "common/db/sqlite_database.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "migrations/chibo_db_test_migrations.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/subprocess.h"

namespace chibo::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Status ToStatus(const absl::Status& s) { return s; }
template <typename T>
absl::Status ToStatus(const absl::StatusOr<T>& s) {
  return s.status();
}

#define CHIBO_CONCAT_INNER(a, b) a##b
#define CHIBO_CONCAT(a, b) CHIBO_CONCAT_INNER(a, b)
#define ASSERT_OK(expr)                        \
  do {                                         \
    const absl::Status _status = ToStatus(expr); \
    ASSERT_TRUE(_status.ok()) << _status;      \
  } while (0)
#define EXPECT_OK(expr)                        \
  do {                                         \
    const absl::Status _status = ToStatus(expr); \
    EXPECT_TRUE(_status.ok()) << _status;      \
  } while (0)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL(CHIBO_CONCAT(_status_or_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL(var, lhs, rexpr) \
  auto var = (rexpr);                              \
  ASSERT_TRUE(var.ok()) << var.status();           \
  lhs = std::move(var).value()

// The PostgreSQL cluster is started on first use and shared by every test of
// the process (each test gets its own database).
class SharedPostgres : public ::testing::Environment {
 public:
  static absl::StatusOr<testing::PostgresCluster*> Get() {
    absl::MutexLock lock(&mu_);
    if (cluster_ == nullptr && start_error_.ok()) {
      const absl::Time start = absl::Now();
      absl::StatusOr<std::unique_ptr<testing::PostgresCluster>> cluster =
          testing::PostgresCluster::Start();
      if (cluster.ok()) {
        cluster_ = cluster->release();
        std::cerr << "[ postgres ] cluster on port " << cluster_->port() << " started in "
                  << absl::FormatDuration(absl::Now() - start) << "\n";
      } else {
        start_error_ = cluster.status();
      }
    }
    if (cluster_ == nullptr) return start_error_;
    return cluster_;
  }

  // A fresh database in the shared cluster; returns its url.
  static absl::StatusOr<std::string> NewDatabase() {
    absl::StatusOr<testing::PostgresCluster*> cluster = Get();
    if (!cluster.ok()) return cluster.status();
    static std::atomic<int> counter{0};
    return (*cluster)->CreateDatabase(absl::StrCat("conformance_", getpid(), "_", counter++));
  }

  void TearDown() override {
    absl::MutexLock lock(&mu_);
    delete cluster_;
    cluster_ = nullptr;
  }

 private:
  static inline absl::Mutex mu_;
  static inline testing::PostgresCluster* cluster_ = nullptr;
  static inline absl::Status start_error_;
};

::testing::Environment* const shared_postgres_env =
    ::testing::AddGlobalTestEnvironment(new SharedPostgres);

}  // namespace

// Readable parameter values in test output and ctest names.
void PrintTo(Engine engine, std::ostream* os) {
  *os << (engine == Engine::kSqlite ? "SQLite" : "PostgreSQL");
}

namespace {

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

class DatabaseConformanceTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override {
    options_.pool_size = 4;
    if (GetParam() == Engine::kSqlite) {
      temp_dir_ = testing::MakeTempDir("chibo-db-test-");
      options_.data_dir = temp_dir_ + "/not/yet/there";
      options_.sqlite_file_name = "conformance.sqlite3";
    } else {
      ASSERT_OK_AND_ASSIGN(options_.database_url, SharedPostgres::NewDatabase());
    }
    ASSERT_OK_AND_ASSIGN(db_, OpenDatabase(options_));
  }

  void TearDown() override {
    db_.reset();
    if (!temp_dir_.empty()) testing::RemoveTree(temp_dir_);
  }

  // Another handle on the same database, like a second replica would have.
  absl::StatusOr<std::unique_ptr<Database>> OpenAnother() { return OpenDatabase(options_); }

  int64_t Count(std::string_view table) {
    absl::StatusOr<ResultSet> rows = db_->Query(absl::StrCat("SELECT COUNT(*) FROM ", std::string(table)));
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (!rows.ok() || rows->rows.size() != 1) return -1;
    return rows->rows[0].Int(0);
  }

  std::vector<int64_t> Versions(std::string_view service) {
    std::vector<int64_t> out;
    absl::StatusOr<ResultSet> rows = db_->Query(
        "SELECT version FROM schema_migrations WHERE service = ?1 ORDER BY version", {service});
    EXPECT_TRUE(rows.ok()) << rows.status();
    if (rows.ok()) {
      for (const Row& row : rows->rows) out.push_back(row.Int(0));
    }
    return out;
  }

  void CreateMembers() {
    ASSERT_OK(db_->Query(
        "CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL, note TEXT, "
        "score BIGINT)"));
  }

  DatabaseOptions options_;
  std::string temp_dir_;
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseConformanceTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

TEST_P(DatabaseConformanceTest, OpenDatabaseDispatchesOnUrl) {
  EXPECT_EQ(db_->engine(), GetParam());
  EXPECT_OK(db_->Ping());
  if (GetParam() == Engine::kSqlite) {
    EXPECT_TRUE(std::filesystem::exists(options_.data_dir + "/conformance.sqlite3"));
  } else {
    DatabaseOptions short_scheme = options_;
    short_scheme.database_url.replace(0, std::string("postgresql").size(), "postgres");
    ASSERT_TRUE(short_scheme.database_url.starts_with("postgres://"));
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> other, OpenDatabase(short_scheme));
    EXPECT_EQ(other->engine(), Engine::kPostgres);
    EXPECT_OK(other->Ping());
  }
  for (const char* bad : {"mysql://root@localhost/chibo", "sqlite:///tmp/x.db", "127.0.0.1:5432",
                          "postgresql:/missing-slash"}) {
    DatabaseOptions options = options_;
    options.database_url = bad;
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(options);
    EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument) << bad << ": "
                                                                       << db.status();
  }
  DatabaseOptions no_file;
  no_file.data_dir = options_.data_dir;
  EXPECT_EQ(OpenDatabase(no_file).status().code(), absl::StatusCode::kInvalidArgument);
  // Nobody listens on port 1.
  DatabaseOptions unreachable;
  unreachable.database_url = "postgresql://postgres@127.0.0.1:1/chibo?connect_timeout=2";
  EXPECT_EQ(OpenDatabase(unreachable).status().code(), absl::StatusCode::kUnavailable);
}

TEST_P(DatabaseConformanceTest, RoundTripsTextIntegersAndNulls) {
  CreateMembers();
  const std::string insert =
      "INSERT INTO members (id, name, note, score) VALUES (?1, ?2, ?3, ?4)";
  ASSERT_OK_AND_ASSIGN(ResultSet first,
                       db_->Query(insert, {1, "An", Param(), int64_t{9000000000}}));
  EXPECT_EQ(first.rows_affected, 1);
  EXPECT_TRUE(first.rows.empty());
  ASSERT_OK(db_->Query(insert, {2, "Binh", "ghi chú", -42}));
  ASSERT_OK(db_->Query(insert, {3, std::string("Chi"), std::optional<std::string>(), Param()}));

  ASSERT_OK_AND_ASSIGN(ResultSet rs,
                       db_->Query("SELECT id, name, note, score FROM members ORDER BY id"));
  EXPECT_THAT(rs.columns, ElementsAre("id", "name", "note", "score"));
  EXPECT_EQ(rs.rows_affected, 0);
  ASSERT_EQ(rs.rows.size(), 3u);
  const Row& an = rs.rows[0];
  ASSERT_EQ(an.size(), 4u);
  EXPECT_EQ(an.Text(0), "1");
  EXPECT_EQ(an.Int(0), 1);
  EXPECT_EQ(an.Text(1), "An");
  EXPECT_TRUE(an.IsNull(2));
  EXPECT_EQ(an.Text(2), "");
  EXPECT_EQ(an.OptionalText(2), std::nullopt);
  EXPECT_EQ(an.Int(3), 9000000000);
  EXPECT_EQ(rs.rows[1].Text(2), "ghi chú");
  EXPECT_EQ(rs.rows[1].Int(3), -42);
  EXPECT_FALSE(rs.rows[1].IsNull(3));
  EXPECT_TRUE(rs.rows[2].IsNull(2));
  EXPECT_TRUE(rs.rows[2].IsNull(3));
  EXPECT_EQ(rs.rows[2].Int(3), 0);

  // Integers compare as integers whichever way they were written.
  ASSERT_OK_AND_ASSIGN(ResultSet big, db_->Query("SELECT name FROM members WHERE score > ?1",
                                                 {int64_t{8999999999}}));
  ASSERT_EQ(big.rows.size(), 1u);
  EXPECT_EQ(big.rows[0].Text(0), "An");
}

TEST_P(DatabaseConformanceTest, VietnameseTextRoundTrips) {
  CreateMembers();
  const std::string name = "Chi bộ Thôn Nà Pài";
  ASSERT_OK(db_->Query("INSERT INTO members (id, name, note) VALUES (?1, ?2, ?3)",
                       {10, name, "Đảng ủy xã Hữu Liên — họp ngày 5/6"}));
  ASSERT_OK_AND_ASSIGN(
      std::optional<Row> row,
      db_->QueryOptionalRow("SELECT id, name, note, LENGTH(name) FROM members WHERE name = ?1",
                            {name}));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->Int(0), 10);
  EXPECT_EQ(row->Text(1), name);
  EXPECT_EQ(row->Text(2), "Đảng ủy xã Hữu Liên — họp ngày 5/6");
  EXPECT_EQ(row->Int(3), 18);  // characters, not bytes
  ASSERT_OK_AND_ASSIGN(ResultSet like,
                       db_->Query("SELECT id FROM members WHERE name LIKE ?1", {"%Nà Pài"}));
  EXPECT_EQ(like.rows.size(), 1u);
}

TEST_P(DatabaseConformanceTest, ParametersCanRepeatAndComeOutOfOrder) {
  ASSERT_OK(db_->Query("CREATE TABLE pairs (a TEXT, b TEXT, c TEXT, n INTEGER)"));
  ASSERT_OK(db_->Query("INSERT INTO pairs (a, b, c, n) VALUES (?2, ?1, ?2, ?3)",
                       {"first", "second", 3}));
  ASSERT_OK(db_->Query("INSERT INTO pairs (c, b, a, n) VALUES (?1, ?1, ?1, ?2)", {"x", 4}));
  ASSERT_OK_AND_ASSIGN(ResultSet rs,
                       db_->Query("SELECT a, b, c, n FROM pairs WHERE a = ?1 OR b = ?1 OR n = ?2",
                                  {"second", 99}));
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0].Text(0), "second");
  EXPECT_EQ(rs.rows[0].Text(1), "first");
  EXPECT_EQ(rs.rows[0].Text(2), "second");
  EXPECT_EQ(rs.rows[0].Int(3), 3);

  // Parameters in LIMIT and against aggregates, where they must act as
  // numbers on both engines.
  ASSERT_OK_AND_ASSIGN(ResultSet limited,
                       db_->Query("SELECT a FROM pairs ORDER BY n LIMIT ?1 OFFSET ?2", {1, 1}));
  ASSERT_EQ(limited.rows.size(), 1u);
  EXPECT_EQ(limited.rows[0].Text(0), "x");
  ASSERT_OK_AND_ASSIGN(
      ResultSet grouped,
      db_->Query("SELECT c, COUNT(*) FROM pairs GROUP BY c HAVING COUNT(*) >= ?1 ORDER BY c",
                 {1}));
  EXPECT_EQ(grouped.rows.size(), 2u);
  ASSERT_OK_AND_ASSIGN(
      ResultSet none,
      db_->Query("SELECT c FROM pairs GROUP BY c HAVING COUNT(*) >= ?1", {2}));
  EXPECT_TRUE(none.rows.empty());
  // CAST(? AS TEXT) where the type cannot be inferred, as database.h says.
  ASSERT_OK_AND_ASSIGN(ResultSet nulls,
                       db_->Query("SELECT COUNT(*) FROM pairs WHERE CAST(?1 AS TEXT) IS NULL OR "
                                  "a = CAST(?1 AS TEXT)",
                                  {Param()}));
  EXPECT_EQ(nulls.rows[0].Int(0), 2);

  // A wrong parameter count is a bug, reported the same way on both engines.
  EXPECT_EQ(db_->Query("SELECT a FROM pairs WHERE a = ?1", {"x", "y"}).status().code(),
            absl::StatusCode::kInternal);
}

TEST_P(DatabaseConformanceTest, PlaceholderInsideStringLiteralIsLeftAlone) {
  ASSERT_OK(db_->Query("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"));
  ASSERT_OK_AND_ASSIGN(
      ResultSet inserted,
      db_->Query("INSERT INTO notes (id, body) /* ?5 in a comment */ VALUES "
                 "(?1, 'is ?1 a param? it''s ?2, not ?1')",
                 {7}));
  EXPECT_EQ(inserted.rows_affected, 1);
  ASSERT_OK_AND_ASSIGN(std::optional<Row> row,
                       db_->QueryOptionalRow("SELECT body FROM notes -- ?3 here too\n"
                                             "WHERE id = ?1",
                                             {7}));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->Text(0), "is ?1 a param? it's ?2, not ?1");
}

TEST(RewritePlaceholdersTest, RewritesOnlyRealPlaceholders) {
  int max_index = -1;
  EXPECT_EQ(RewritePlaceholders("SELECT ?1, ?12 FROM t WHERE a = ?2", &max_index),
            "SELECT $1, $12 FROM t WHERE a = $2");
  EXPECT_EQ(max_index, 12);
  EXPECT_EQ(RewritePlaceholders("SELECT '?1', 'it''s ?2', \"col?3\" WHERE x = ?4", &max_index),
            "SELECT '?1', 'it''s ?2', \"col?3\" WHERE x = $4");
  EXPECT_EQ(max_index, 4);
  EXPECT_EQ(RewritePlaceholders("SELECT 1 -- ?1\n, ?2 /* ?3 */", &max_index),
            "SELECT 1 -- ?1\n, $2 /* ?3 */");
  EXPECT_EQ(max_index, 2);
  EXPECT_EQ(RewritePlaceholders("SELECT $$ ?1 $$, $tag$ ?2 $tag$, E'\\' ?3', ?4", &max_index),
            "SELECT $$ ?1 $$, $tag$ ?2 $tag$, E'\\' ?3', $4");
  EXPECT_EQ(max_index, 4);
  EXPECT_EQ(RewritePlaceholders("SELECT data ? 'key', a-b, a/b, $1", &max_index),
            "SELECT data ? 'key', a-b, a/b, $1");
  EXPECT_EQ(max_index, 0);
  EXPECT_EQ(RewritePlaceholders("SELECT 'unterminated ?1", &max_index),
            "SELECT 'unterminated ?1");
}

TEST_P(DatabaseConformanceTest, ErrorsMapToStatusCodes) {
  ASSERT_OK(db_->Query("CREATE TABLE parents (id INTEGER PRIMARY KEY, code TEXT UNIQUE)"));
  ASSERT_OK(db_->Query(
      "CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES "
      "parents (id), age INTEGER CHECK (age >= 0))"));
  ASSERT_OK(db_->Query("INSERT INTO parents (id, code) VALUES (?1, ?2)", {1, "a"}));

  absl::Status dup_key = db_->Query("INSERT INTO parents (id, code) VALUES (?1, ?2)", {1, "b"})
                             .status();
  EXPECT_EQ(dup_key.code(), absl::StatusCode::kAlreadyExists) << dup_key;
  absl::Status dup_unique =
      db_->Query("INSERT INTO parents (id, code) VALUES (?1, ?2)", {2, "a"}).status();
  EXPECT_EQ(dup_unique.code(), absl::StatusCode::kAlreadyExists) << dup_unique;
  absl::Status not_null =
      db_->Query("INSERT INTO kids (id, parent_id) VALUES (?1, ?2)", {1, Param()}).status();
  EXPECT_EQ(not_null.code(), absl::StatusCode::kFailedPrecondition) << not_null;
  absl::Status foreign_key =
      db_->Query("INSERT INTO kids (id, parent_id) VALUES (?1, ?2)", {1, 99}).status();
  EXPECT_EQ(foreign_key.code(), absl::StatusCode::kFailedPrecondition) << foreign_key;
  absl::Status check =
      db_->Query("INSERT INTO kids (id, parent_id, age) VALUES (?1, ?2, ?3)", {1, 1, -1})
          .status();
  EXPECT_EQ(check.code(), absl::StatusCode::kFailedPrecondition) << check;
  absl::Status syntax = db_->Query("SELEC nonsense").status();
  EXPECT_EQ(syntax.code(), absl::StatusCode::kInternal) << syntax;
  absl::Status missing = db_->Query("SELECT * FROM no_such_table").status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kInternal) << missing;
  EXPECT_EQ(Count("parents"), 1);
  EXPECT_EQ(Count("kids"), 0);
  // The pool is still healthy after all those errors.
  EXPECT_OK(db_->Query("INSERT INTO kids (id, parent_id, age) VALUES (?1, ?2, ?3)", {1, 1, 3}));
}

TEST_P(DatabaseConformanceTest, QueryOptionalRowAndExecute) {
  CreateMembers();
  for (int id : {1, 2, 3}) {
    ASSERT_OK(db_->Query("INSERT INTO members (id, name, score) VALUES (?1, ?2, ?3)",
                         {id, absl::StrCat("m", id), id * 10}));
  }
  AutocommitSession session(*db_);
  ASSERT_OK_AND_ASSIGN(std::optional<Row> none,
                       session.QueryOptionalRow("SELECT name FROM members WHERE id = ?1", {42}));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(std::optional<Row> one,
                       session.QueryOptionalRow("SELECT name FROM members WHERE id = ?1", {2}));
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->Text(0), "m2");
  EXPECT_EQ(session.QueryOptionalRow("SELECT name FROM members").status().code(),
            absl::StatusCode::kInternal);

  ASSERT_OK_AND_ASSIGN(int64_t updated,
                       session.Execute("UPDATE members SET note = ?1 WHERE score >= ?2",
                                       {"x", 20}));
  EXPECT_EQ(updated, 2);
  ASSERT_OK_AND_ASSIGN(int64_t deleted,
                       session.Execute("DELETE FROM members WHERE id = ?1", {1}));
  EXPECT_EQ(deleted, 1);
  ASSERT_OK_AND_ASSIGN(int64_t nothing,
                       session.Execute("UPDATE members SET note = ?1 WHERE id = ?2", {"y", 99}));
  EXPECT_EQ(nothing, 0);
  EXPECT_EQ(Count("members"), 2);

  // Booleans read the same from both engines (PostgreSQL says t/f).
  ASSERT_OK_AND_ASSIGN(
      std::optional<Row> exists,
      session.QueryOptionalRow(
          "SELECT EXISTS (SELECT 1 FROM members WHERE id = ?1), "
          "EXISTS (SELECT 1 FROM members WHERE id = ?2)",
          {2, 1}));
  ASSERT_TRUE(exists.has_value());
  EXPECT_TRUE(exists->Bool(0));
  EXPECT_FALSE(exists->Bool(1));
}

TEST_P(DatabaseConformanceTest, TransactionCommits) {
  CreateMembers();
  ASSERT_OK(db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "a"});
        !s.ok()) {
      return s.status();
    }
    if (auto s = tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {2, "b"});
        !s.ok()) {
      return s.status();
    }
    // The transaction sees its own writes.
    absl::StatusOr<std::optional<Row>> count =
        tx.QueryOptionalRow("SELECT COUNT(*) FROM members");
    if (!count.ok()) return count.status();
    if ((*count)->Int(0) != 2) return absl::InternalError("own writes not visible");
    return tx.ExecuteScript(
        "CREATE TABLE audit (what TEXT); INSERT INTO audit (what) VALUES ('a; b');"
        "INSERT INTO audit (what) VALUES ('c')");
  }));
  EXPECT_EQ(Count("members"), 2);
  EXPECT_EQ(Count("audit"), 2);
}

TEST_P(DatabaseConformanceTest, RollsBackWhenBodyReturnsError) {
  CreateMembers();
  int calls = 0;
  absl::Status status = db_->InTransaction([&](Session& tx) -> absl::Status {
    ++calls;
    if (auto s = tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "a"});
        !s.ok()) {
      return s.status();
    }
    if (auto s = tx.ExecuteScript("CREATE TABLE scratch (x TEXT)"); !s.ok()) return s;
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "changed my mind");
  EXPECT_EQ(calls, 1);  // only Aborted is retried
  EXPECT_EQ(Count("members"), 0);
  EXPECT_FALSE(db_->Query("SELECT * FROM scratch").ok());  // DDL rolled back too
}

TEST_P(DatabaseConformanceTest, RollsBackOnConstraintFailureMidTransaction) {
  CreateMembers();
  ASSERT_OK(db_->Query("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "existing"}));
  absl::Status status = db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {2, "new"});
        !s.ok()) {
      return s.status();
    }
    if (auto s = tx.Execute("UPDATE members SET name = ?1 WHERE id = ?2", {"renamed", 1});
        !s.ok()) {
      return s.status();
    }
    return tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "dup"}).status();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("SELECT id, name FROM members ORDER BY id"));
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0].Text(1), "existing");
}

TEST_P(DatabaseConformanceTest, SwallowedErrorInsideTransactionDoesNotCommitHalf) {
  CreateMembers();
  absl::Status status = db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "a"});
        !s.ok()) {
      return s.status();
    }
    // The error is ignored; on PostgreSQL the transaction is now dead.
    tx.Execute("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "dup"}).IgnoreError();
    return absl::OkStatus();
  });
  // PostgreSQL cannot commit such a transaction; SQLite could, but refuses
  // too so that the code fails in development rather than in production.
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(status.message(), HasSubstr("rolled back"));
  EXPECT_EQ(Count("members"), 0);
}

// ExecuteLater: queued statements run in the order written, before the
// statement that follows them, and commit with the transaction.
TEST_P(DatabaseConformanceTest, LaterStatementsRunInOrderBeforeTheNextAndCommit) {
  CreateMembers();
  ASSERT_OK(db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "a"}); !s.ok()) return s;
    if (auto s = tx.ExecuteLater("UPDATE members SET name = ?1 WHERE id = ?2", {"b", 1}); !s.ok()) return s;
    auto seen = tx.QueryOptionalRow("SELECT name FROM members WHERE id = ?1", {1});
    if (!seen.ok()) return seen.status();
    if (!seen->has_value() || (*seen)->Text(0) != "b") return absl::InternalError("queued writes not seen in order");
    // Queued last, carried by the commit.
    return tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {2, "c"});
  }));
  ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("SELECT id, name FROM members ORDER BY id"));
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(rs.rows[0].Text(1), "b");
  EXPECT_EQ(rs.rows[1].Text(1), "c");
}

// A queued statement that fails fails its transaction with its own error
// (ALREADY_EXISTS here), whether the next statement or the commit sends it,
// and nothing of the transaction stays; the connection serves the next one.
TEST_P(DatabaseConformanceTest, AFailingLaterStatementFailsTheTransactionWhole) {
  CreateMembers();
  ASSERT_OK(db_->Query("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "existing"}));
  for (bool sent_by_commit : {false, true}) {
    SCOPED_TRACE(sent_by_commit ? "sent with the commit" : "sent with the next statement");
    absl::Status status = db_->InTransaction([&](Session& tx) -> absl::Status {
      if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {2, "new"}); !s.ok()) return s;
      if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "dup"}); !s.ok()) return s;
      if (sent_by_commit) return absl::OkStatus();
      return tx.Query("SELECT COUNT(*) FROM members").status();
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
    ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("SELECT id, name FROM members ORDER BY id"));
    ASSERT_EQ(rs.rows.size(), 1u);
    EXPECT_EQ(rs.rows[0].Text(1), "existing");
  }
  // Queued statements of a body that gives up are never sent.
  absl::Status status = db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {3, "x"}); !s.ok()) return s;
    return absl::InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("members"), 1);
  // Every pooled connection is still in step with its server.
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(db_->InTransaction([&](Session& tx) -> absl::Status {
      if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {100 + i, "ok"}); !s.ok()) return s;
      return tx.Query("SELECT 1").status();
    }));
  }
  EXPECT_EQ(Count("members"), 21);
}

// QueryAll: several reads answered at once, in the order asked, after the
// queued statements (which they see); a failing read fails the transaction.
TEST_P(DatabaseConformanceTest, ReadsAnsweredAtOnceComeInOrderAfterQueuedWrites) {
  CreateMembers();
  ASSERT_OK(db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {1, "a"}); !s.ok()) return s;
    if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {2, "b"}); !s.ok()) return s;
    auto answers = tx.QueryAll({{"SELECT name FROM members WHERE id = ?1", {2}},
                                {"SELECT COUNT(*) FROM members", {}},
                                {"SELECT name FROM members WHERE id = ?1", {3}}});
    if (!answers.ok()) return answers.status();
    if (answers->size() != 3) return absl::InternalError("not three answers");
    if ((*answers)[0].rows.size() != 1 || (*answers)[0].rows[0].Text(0) != "b") return absl::InternalError("first");
    if ((*answers)[1].rows[0].Int(0) != 2) return absl::InternalError("queued writes not seen");
    if (!(*answers)[2].rows.empty()) return absl::InternalError("third");
    return absl::OkStatus();
  }));
  EXPECT_EQ(Count("members"), 2);
  absl::Status status = db_->InTransaction([](Session& tx) -> absl::Status {
    if (auto s = tx.ExecuteLater("INSERT INTO members (id, name) VALUES (?1, ?2)", {3, "c"}); !s.ok()) return s;
    return tx.QueryAll({{"SELECT name FROM members", {}}, {"SELECT no_such_column FROM members", {}}}).status();
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(Count("members"), 2);
  // The connections are still in step.
  for (int i = 0; i < 8; ++i) {
    ASSERT_OK(db_->InTransaction([](Session& tx) { return tx.QueryAll({{"SELECT 1", {}}, {"SELECT 2", {}}}).status(); }));
  }
}

TEST_P(DatabaseConformanceTest, ConcurrentWritersLoseNoUpdates) {
  ASSERT_OK(db_->Query("CREATE TABLE counters (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)"));
  ASSERT_OK(db_->Query("CREATE TABLE events (id INTEGER PRIMARY KEY, writer INTEGER, seq INTEGER)"));
  ASSERT_OK(db_->Query("INSERT INTO counters (id, n) VALUES (1, 0), (2, 0)"));
  constexpr int kThreads = 6;  // more than the pool's 4 connections
  constexpr int kRounds = 40;
  // Half the threads write through a second handle, as another replica (or
  // for SQLite, another process) would.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> replica, OpenAnother());
  std::atomic<int> errors{0};
  std::atomic<bool> stop_reading{false};
  absl::Mutex mu;
  std::string first_error;
  auto record = [&](const absl::Status& s) {
    if (s.ok()) return;
    errors++;
    absl::MutexLock lock(&mu);
    if (first_error.empty()) first_error = s.ToString();
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Database& db = t % 2 == 0 ? *db_ : *replica;
      for (int i = 0; i < kRounds; ++i) {
        if (i % 2 == 0) {
          record(db.InTransaction([&](Session& tx) -> absl::Status {
            if (auto s = tx.Execute("UPDATE counters SET n = n + 1 WHERE id = ?1", {1});
                !s.ok()) {
              return s.status();
            }
            return tx
                .Execute("INSERT INTO events (id, writer, seq) VALUES (?1, ?2, ?3)",
                         {t * 1000 + i, t, i})
                .status();
          }));
        } else {
          record(db.Query("UPDATE counters SET n = n + 1 WHERE id = ?1", {2}).status());
        }
      }
    });
  }
  std::thread reader([&] {
    while (!stop_reading) {
      record(db_->Query("SELECT SUM(n) FROM counters").status());
    }
  });
  for (std::thread& t : threads) t.join();
  stop_reading = true;
  reader.join();
  EXPECT_EQ(errors.load(), 0) << first_error;
  ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("SELECT id, n FROM counters ORDER BY id"));
  ASSERT_EQ(rs.rows.size(), 2u);
  EXPECT_EQ(rs.rows[0].Int(1), kThreads * kRounds / 2);
  EXPECT_EQ(rs.rows[1].Int(1), kThreads * kRounds / 2);
  EXPECT_EQ(Count("events"), kThreads * kRounds / 2);
}

std::vector<Migration> RegistryMigrations() {
  return {
      {1, "create_orgs",
       "CREATE TABLE orgs (id {{AUTO_ID}}, name TEXT NOT NULL, parent_id BIGINT);\n"
       "CREATE INDEX orgs_by_parent ON orgs (parent_id);"},
      {2, "seed_root",
       "INSERT INTO orgs (name) VALUES ('Đảng bộ tỉnh');\n"
       "ALTER TABLE orgs ADD COLUMN code TEXT;"},
  };
}

TEST_P(DatabaseConformanceTest, MigrationsApplyOnceAndReapplyIdempotently) {
  ASSERT_OK(ApplyMigrations(*db_, "registry", RegistryMigrations()));
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2));
  EXPECT_EQ(Count("orgs"), 1);

  // Second start: nothing runs again (the seed row would double).
  ASSERT_OK(ApplyMigrations(*db_, "registry", RegistryMigrations()));
  EXPECT_EQ(Count("orgs"), 1);
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2));

  // A new release adds version 3: only it runs.
  std::vector<Migration> next = RegistryMigrations();
  next.push_back({3, "codes", "UPDATE orgs SET code = 'T01';"});
  ASSERT_OK(ApplyMigrations(*db_, "registry", next));
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2, 3));
  ASSERT_OK_AND_ASSIGN(ResultSet rs, db_->Query("SELECT name, code FROM orgs"));
  ASSERT_EQ(rs.rows.size(), 1u);
  EXPECT_EQ(rs.rows[0].Text(0), "Đảng bộ tỉnh");
  EXPECT_EQ(rs.rows[0].Text(1), "T01");

  ASSERT_OK_AND_ASSIGN(
      ResultSet book,
      db_->Query("SELECT name, applied_at FROM schema_migrations WHERE service = ?1 "
                 "ORDER BY version",
                 {"registry"}));
  ASSERT_EQ(book.rows.size(), 3u);
  EXPECT_EQ(book.rows[0].Text(0), "create_orgs");
  EXPECT_EQ(book.rows[2].Text(0), "codes");
  EXPECT_EQ(book.rows[0].Text(1).size(), std::string("2024-01-01T00:00:00Z").size());

  // Another service's versions are its own.
  ASSERT_OK(ApplyMigrations(*db_, "scheduling",
                            {{1, "create_meetings", "CREATE TABLE meetings (id {{AUTO_ID}});"}}));
  EXPECT_THAT(Versions("scheduling"), ElementsAre(1));
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2, 3));

  // Badly ordered lists are refused outright.
  EXPECT_EQ(ApplyMigrations(*db_, "bad", {{2, "b", "SELECT 1"}, {1, "a", "SELECT 1"}}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyMigrations(*db_, "bad", {{0, "zero", "SELECT 1"}}).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(DatabaseConformanceTest, AutoIdAssignsIncreasingIds) {
  ASSERT_OK(ApplyMigrations(*db_, "registry", {RegistryMigrations()[0]}));
  ASSERT_OK_AND_ASSIGN(
      std::optional<Row> a,
      db_->QueryOptionalRow("INSERT INTO orgs (name) VALUES (?1) RETURNING id", {"a"}));
  ASSERT_OK_AND_ASSIGN(
      std::optional<Row> b,
      db_->QueryOptionalRow("INSERT INTO orgs (name) VALUES (?1) RETURNING id", {"b"}));
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(a->Int(0), 1);
  EXPECT_EQ(b->Int(0), 2);
  // Explicit ids are still accepted.
  ASSERT_OK(db_->Query("INSERT INTO orgs (id, name) VALUES (?1, ?2)", {100, "c"}));
  EXPECT_EQ(TranslateMigrationSql("id {{AUTO_ID}}", GetParam()),
            GetParam() == Engine::kSqlite ? "id INTEGER PRIMARY KEY AUTOINCREMENT"
                                          : "id BIGSERIAL PRIMARY KEY");
}

TEST_P(DatabaseConformanceTest, RefusesSchemaNewerThanBinary) {
  ASSERT_OK(ApplyMigrations(*db_, "registry", RegistryMigrations()));
  absl::Status older_binary = ApplyMigrations(*db_, "registry", {RegistryMigrations()[0]});
  EXPECT_EQ(older_binary.code(), absl::StatusCode::kFailedPrecondition) << older_binary;
  EXPECT_THAT(older_binary.message(), HasSubstr("newer"));
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2));
  EXPECT_EQ(Count("orgs"), 1);
}

TEST_P(DatabaseConformanceTest, FailedMigrationLeavesNothingBehind) {
  std::vector<Migration> migrations = RegistryMigrations();
  migrations.push_back({3, "broken",
                        "CREATE TABLE half_done (x TEXT);\n"
                        "INSERT INTO no_such_table (x) VALUES ('y');"});
  absl::Status status = ApplyMigrations(*db_, "registry", migrations);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("registry/3_broken"));
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2));
  EXPECT_FALSE(db_->Query("SELECT * FROM half_done").ok());
  // Fixed in the next build: it then applies.
  migrations.back().sql = "CREATE TABLE half_done (x TEXT);";
  ASSERT_OK(ApplyMigrations(*db_, "registry", migrations));
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2, 3));
}

TEST_P(DatabaseConformanceTest, ReplicasStartingTogetherMigrateOnce) {
  constexpr int kReplicas = 4;
  std::vector<std::unique_ptr<Database>> replicas;
  for (int i = 0; i < kReplicas; ++i) {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> replica, OpenAnother());
    replicas.push_back(std::move(replica));
  }
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> threads;
  for (int i = 0; i < kReplicas; ++i) {
    threads.emplace_back([&, i] {
      results[i] = ApplyMigrations(*replicas[i], "registry", RegistryMigrations());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_OK(s);
  EXPECT_THAT(Versions("registry"), ElementsAre(1, 2));
  EXPECT_EQ(Count("orgs"), 1);  // the seed ran once
}

TEST_P(DatabaseConformanceTest, EmbeddedMigrationFilesApply) {
  const std::vector<Migration> embedded = migrations::ConformanceTestMigrations();
  ASSERT_EQ(embedded.size(), 2u);
  EXPECT_EQ(embedded[0].version, 1);
  EXPECT_EQ(embedded[0].name, "create_branches");
  EXPECT_EQ(embedded[1].version, 2);
  EXPECT_EQ(embedded[1].name, "seed_branches");
  EXPECT_THAT(embedded[0].sql, HasSubstr("{{AUTO_ID}}"));
  ASSERT_OK(ApplyMigrations(*db_, "embedded", embedded));
  ASSERT_OK_AND_ASSIGN(std::optional<Row> row,
                       db_->QueryOptionalRow("SELECT id, name, note FROM branches"));
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->Int(0), 1);
  EXPECT_EQ(row->Text(1), "Chi bộ Thôn Nà Pài");
  EXPECT_EQ(row->Text(2), "back\\slash; \"quotes\" and 'apostrophes'");
}

TEST_P(DatabaseConformanceTest, ReturningClauseWorks) {
  CreateMembers();
  ASSERT_OK_AND_ASSIGN(
      ResultSet inserted,
      db_->Query("INSERT INTO members (id, name, score) VALUES (?1, ?2, ?3), (?4, ?5, ?6) "
                 "RETURNING id, name",
                 {1, "a", 10, 2, "b", 20}));
  EXPECT_THAT(inserted.columns, ElementsAre("id", "name"));
  ASSERT_EQ(inserted.rows.size(), 2u);
  EXPECT_EQ(inserted.rows_affected, 2);
  EXPECT_EQ(inserted.rows[1].Text(1), "b");
  ASSERT_OK_AND_ASSIGN(
      std::optional<Row> updated,
      db_->QueryOptionalRow("UPDATE members SET score = score + ?1 WHERE id = ?2 RETURNING score",
                            {5, 2}));
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->Int(0), 25);
  ASSERT_OK_AND_ASSIGN(ResultSet deleted,
                       db_->Query("DELETE FROM members WHERE score < ?1 RETURNING id", {100}));
  EXPECT_EQ(deleted.rows.size(), 2u);
  EXPECT_EQ(deleted.rows_affected, 2);
  EXPECT_EQ(Count("members"), 0);
}

TEST_P(DatabaseConformanceTest, WithRecursiveWalksTheTree) {
  ASSERT_OK(db_->Query("CREATE TABLE orgs (id INTEGER PRIMARY KEY, parent_id INTEGER, name TEXT)"));
  ASSERT_OK(db_->Query(
      "INSERT INTO orgs (id, parent_id, name) VALUES (1, NULL, 'tỉnh'), (2, 1, 'huyện A'), "
      "(3, 1, 'huyện B'), (4, 2, 'xã A1'), (5, NULL, 'tỉnh khác'), (6, 4, 'chi bộ')"));
  ASSERT_OK_AND_ASSIGN(
      ResultSet rs,
      db_->Query("WITH RECURSIVE subtree (id, depth) AS ("
                 "  SELECT id, 0 FROM orgs WHERE id = ?1"
                 "  UNION ALL"
                 "  SELECT o.id, s.depth + 1 FROM orgs o JOIN subtree s ON o.parent_id = s.id"
                 "  WHERE s.depth < ?2)"
                 "SELECT id, depth FROM subtree ORDER BY id",
                 {1, 10}));
  std::vector<std::pair<int64_t, int64_t>> got;
  for (const Row& row : rs.rows) got.emplace_back(row.Int(0), row.Int(1));
  EXPECT_THAT(got, ElementsAre(std::pair<int64_t, int64_t>{1, 0}, std::pair<int64_t, int64_t>{2, 1},
                               std::pair<int64_t, int64_t>{3, 1}, std::pair<int64_t, int64_t>{4, 2},
                               std::pair<int64_t, int64_t>{6, 3}));
}

TEST_P(DatabaseConformanceTest, OnConflictDoNothingAndDoUpdate) {
  CreateMembers();
  const std::string insert_once =
      "INSERT INTO members (id, name) VALUES (?1, ?2) ON CONFLICT (id) DO NOTHING";
  ASSERT_OK_AND_ASSIGN(ResultSet first, db_->Query(insert_once, {1, "first"}));
  EXPECT_EQ(first.rows_affected, 1);
  ASSERT_OK_AND_ASSIGN(ResultSet again, db_->Query(insert_once, {1, "second"}));
  EXPECT_EQ(again.rows_affected, 0);
  ASSERT_OK_AND_ASSIGN(std::optional<Row> row,
                       db_->QueryOptionalRow("SELECT name FROM members WHERE id = ?1", {1}));
  EXPECT_EQ(row->Text(0), "first");

  ASSERT_OK(db_->Query(
      "INSERT INTO members (id, name, score) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, score = members.score + 1",
      {1, "upserted", 0}));
  ASSERT_OK_AND_ASSIGN(row,
                       db_->QueryOptionalRow("SELECT name, score FROM members WHERE id = ?1", {1}));
  EXPECT_EQ(row->Text(0), "upserted");
  EXPECT_TRUE(row->IsNull(1));  // NULL + 1 is NULL on both
  EXPECT_EQ(Count("members"), 1);
}

TEST_P(DatabaseConformanceTest, ManySmallQueries) {
  CreateMembers();
  ASSERT_OK(db_->InTransaction([](Session& tx) -> absl::Status {
    for (int i = 0; i < 100; ++i) {
      auto s = tx.Execute("INSERT INTO members (id, name, score) VALUES (?1, ?2, ?3)",
                          {i, absl::StrCat("m", i), i});
      if (!s.ok()) return s.status();
    }
    return absl::OkStatus();
  }));
  constexpr int kQueries = 5000;
  const absl::Time start = absl::Now();
  int64_t sum = 0;
  for (int i = 0; i < kQueries; ++i) {
    absl::StatusOr<std::optional<Row>> row =
        db_->QueryOptionalRow("SELECT name, score FROM members WHERE id = ?1", {i % 100});
    ASSERT_TRUE(row.ok() && row->has_value()) << row.status();
    sum += (*row)->Int(1);
  }
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(sum, int64_t{kQueries / 100} * (99 * 100 / 2));
  std::cerr << "[  timing  ] " << kQueries << " point selects in "
            << absl::FormatDuration(elapsed) << " ("
            << static_cast<int>(kQueries / absl::ToDoubleSeconds(elapsed)) << "/s, one thread)\n";
}

// PostgreSQL only: a connection the server dropped is replaced.
// SQLite's WAL is copied back into the database file by a checkpointer of
// its own (no writer pays for it): ~64 MB written in 1 MB transactions are
// in the file itself soon after, though no writer checkpointed.
TEST(SqliteDatabaseTest, TheWalIsCheckpointedOffTheWritersPath) {
  const std::string dir = testing::MakeTempDir("chibo-db-checkpoint-");
  const std::string path = dir + "/db.sqlite";
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, OpenSqliteDatabase(path, 2));
  ASSERT_OK(db->InTransaction([](Session& s) { return s.ExecuteScript("CREATE TABLE blobs (b BLOB)"); }));
  const std::string mb(1 << 20, 'x');
  for (int i = 0; i < 64; ++i) {
    ASSERT_OK(db->InTransaction([&](Session& s) {
      return s.Execute("INSERT INTO blobs (b) VALUES (?1)", {mb}).status();
    }));
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  std::error_code ec;
  while (std::filesystem::file_size(path, ec) < (60u << 20) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_GE(std::filesystem::file_size(path, ec), 60u << 20) << "the rows never reached the database file";
  db.reset();
  std::filesystem::remove_all(dir);
}

TEST(PostgresDatabaseTest, ReconnectsAfterServerDropsConnections) {
  absl::StatusOr<std::string> url = SharedPostgres::NewDatabase();
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, OpenPostgresDatabase(*url, 3));
  // Use all three connections at once so each of them is open.
  {
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
      threads.emplace_back([&] { EXPECT_OK(db->Query("SELECT pg_sleep(0.05)")); });
    }
    for (std::thread& t : threads) t.join();
  }
  ASSERT_OK_AND_ASSIGN(testing::PostgresCluster * cluster, SharedPostgres::Get());
  const std::string dbname = url->substr(url->rfind('/') + 1);
  ASSERT_OK_AND_ASSIGN(
      std::string killed,
      cluster->RunSql(absl::StrCat("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = '",
                                   dbname, "'")));
  EXPECT_EQ(killed, "3\n");
  absl::SleepFor(absl::Milliseconds(100));
  // Every call after the drop succeeds: idle connections are checked when
  // handed out and reconnected.
  for (int i = 0; i < 10; ++i) {
    EXPECT_OK(db->Query("SELECT 1"));
  }
  EXPECT_OK(db->InTransaction([](Session& tx) { return tx.Query("SELECT 1").status(); }));
}

TEST(PostgresDatabaseTest, MidQueryConnectionLossIsUnavailable) {
  absl::StatusOr<std::string> url = SharedPostgres::NewDatabase();
  ASSERT_TRUE(url.ok()) << url.status();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Database> db, OpenPostgresDatabase(*url, 1));
  ASSERT_OK_AND_ASSIGN(testing::PostgresCluster * cluster, SharedPostgres::Get());
  const std::string dbname = url->substr(url->rfind('/') + 1);
  std::thread killer([&] {
    absl::SleepFor(absl::Milliseconds(300));
    EXPECT_OK(cluster->RunSql(absl::StrCat(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '", dbname,
        "'")));
  });
  absl::Status lost = db->Query("SELECT pg_sleep(5)").status();
  killer.join();
  EXPECT_EQ(lost.code(), absl::StatusCode::kUnavailable) << lost;
  EXPECT_OK(db->Query("SELECT 1"));  // and the next call reconnects
}

}  // namespace
}  // namespace chibo::db

namespace chibo::db {
namespace {

// A query that runs for minutes: a recursive count to 10^10.
constexpr char kSlowQuery[] =
    "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < 10000000000) "
    "SELECT COUNT(*) FROM n";

TEST_P(DatabaseConformanceTest, AStatementStopsAtTheCallsDeadline) {
  {
    concurrency::ScopedDeadline deadline(absl::Now() + absl::Milliseconds(300));
    const absl::Time start = absl::Now();
    absl::StatusOr<ResultSet> rows = db_->Query(kSlowQuery);
    EXPECT_EQ(rows.status().code(), absl::StatusCode::kDeadlineExceeded) << rows.status();
    EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  }
  // Inside a transaction too: it rolls back, and nothing it wrote stays.
  CreateMembers();
  {
    concurrency::ScopedDeadline deadline(absl::Now() + absl::Milliseconds(300));
    absl::Status status = db_->InTransaction([](Session& tx) -> absl::Status {
      if (auto s = tx.Execute("INSERT INTO members (id, name) VALUES (1, 'a')"); !s.ok()) return s.status();
      return tx.Query(kSlowQuery).status();
    });
    EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  }
  EXPECT_EQ(Count("members"), 0);
  // The pool's connections still work, with no deadline left behind.
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<ResultSet> one = db_->Query("SELECT 1");
    ASSERT_TRUE(one.ok()) << one.status();
  }
}

}  // namespace
}  // namespace chibo::db
