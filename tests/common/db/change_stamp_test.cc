// Change stamps on both engines: a watermark taken before a read says exactly
// whether a row of its partition was written after it — including, on
// PostgreSQL, a transaction that took its stamp before another one and
// committed after it (which a plain counter would miss).
#include <memory>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/db/change_stamp.h"
#include "common/db/open_database.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/subprocess.h"

namespace chibo::db {
namespace {

enum class Kind { kSqlite, kPostgres };

class ChangeStampTest : public ::testing::TestWithParam<Kind> {
 protected:
  static void SetUpTestSuite() {
    auto pg = testing::PostgresCluster::Start();
    if (pg.ok()) postgres_ = pg->release();  // else the PostgreSQL cases skip
  }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }
  void SetUp() override {
    dir_ = testing::MakeTempDir("chibo-stamps-");
    DatabaseOptions options;
    options.data_dir = dir_;
    options.sqlite_file_name = "stamps.db";
    if (GetParam() == Kind::kPostgres) {
      if (postgres_ == nullptr) GTEST_SKIP() << "no PostgreSQL binaries";
      static int n = 0;
      auto url = postgres_->CreateDatabase(absl::StrCat("stamps_", ++n));
      ASSERT_TRUE(url.ok()) << url.status();
      options.database_url = *url;
    }
    auto db = OpenDatabase(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db_->InTransaction([](Session& s) {
                     return s.ExecuteScript(
                         "CREATE TABLE t (id TEXT PRIMARY KEY, year INTEGER NOT NULL, v INTEGER NOT NULL,"
                         " stamp BIGINT NOT NULL);"
                         "CREATE INDEX t_by_stamp ON t (year, stamp);");
                   }).ok());
    stamps_ = std::make_unique<ChangeStamps>(db_->engine(), "t", "year");
    upsert_ = stamps_->Stamped(
        "INSERT INTO t (id, year, v, stamp) VALUES (?1, ?2, ?3, {{STAMP}})"
        " ON CONFLICT (id) DO UPDATE SET v = excluded.v, stamp = excluded.stamp", 2);
  }
  void TearDown() override {
    db_.reset();
    testing::RemoveTree(dir_);
  }

  absl::Status Write(Session& s, const std::string& id, int year, int v) {
    return s.Execute(upsert_, {id, static_cast<int64_t>(year), static_cast<int64_t>(v)}).status();
  }
  absl::Status Write(const std::string& id, int year, int v) {
    return db_->InTransaction([&](Session& s) { return Write(s, id, year, v); });
  }
  bool Changed(const std::string& watermark, int year) {
    auto c = stamps_->ChangedSince(*db_, absl::StrCat(year), watermark);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() && *c;
  }
  std::string Watermark(int year) {
    auto w = stamps_->Watermark(*db_, absl::StrCat(year));
    EXPECT_TRUE(w.ok()) << w.status();
    return w.ok() ? *w : "";
  }

  static testing::PostgresCluster* postgres_;
  std::string dir_, upsert_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<ChangeStamps> stamps_;
};
testing::PostgresCluster* ChangeStampTest::postgres_ = nullptr;

TEST_P(ChangeStampTest, AWriteAfterTheWatermarkIsSeenInItsPartitionOnly) {
  ASSERT_TRUE(Write("a", 2025, 1).ok());
  ASSERT_TRUE(Write("b", 2026, 1).ok());
  const std::string w2025 = Watermark(2025), w2026 = Watermark(2026);
  EXPECT_FALSE(Changed(w2025, 2025));
  EXPECT_FALSE(Changed(w2026, 2026));
  ASSERT_TRUE(Write("a", 2025, 2).ok());  // an update
  EXPECT_TRUE(Changed(w2025, 2025));
  EXPECT_FALSE(Changed(w2026, 2026));
  const std::string again = Watermark(2025);
  EXPECT_FALSE(Changed(again, 2025));
  ASSERT_TRUE(Write("c", 2025, 1).ok());  // an insert
  EXPECT_TRUE(Changed(again, 2025));
  EXPECT_TRUE(Changed("not a watermark", 2025));
}

TEST_P(ChangeStampTest, ARolledBackWriteChangesNothing) {
  ASSERT_TRUE(Write("a", 2025, 1).ok());
  const std::string w = Watermark(2025);
  absl::Status s = db_->InTransaction([&](Session& tx) -> absl::Status {
    if (absl::Status st = Write(tx, "a", 2025, 9); !st.ok()) return st;
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_FALSE(Changed(w, 2025));
}

// T1 writes first (smaller stamp), T2 writes and commits, the reader takes
// its watermark (and would read T2's row), then T1 commits: T1's row is
// newer than the watermark though its stamp is smaller.
TEST_P(ChangeStampTest, ATransactionThatCommitsAfterALaterOneIsStillSeen) {
  if (GetParam() == Kind::kSqlite) GTEST_SKIP() << "SQLite runs one writer at a time";
  ASSERT_TRUE(Write("a", 2025, 1).ok());
  ASSERT_TRUE(Write("b", 2025, 1).ok());
  absl::Notification t1_wrote, t1_may_commit;
  std::thread t1([&] {
    EXPECT_TRUE(db_->InTransaction([&](Session& tx) -> absl::Status {
                      if (absl::Status st = Write(tx, "a", 2025, 2); !st.ok()) return st;
                      t1_wrote.Notify();
                      t1_may_commit.WaitForNotification();
                      return absl::OkStatus();
                    }).ok());
  });
  t1_wrote.WaitForNotification();
  ASSERT_TRUE(Write("b", 2025, 2).ok());  // T2: a larger stamp, committed first
  const std::string w = Watermark(2025);
  EXPECT_FALSE(Changed(w, 2025));
  t1_may_commit.Notify();
  t1.join();
  EXPECT_TRUE(Changed(w, 2025));
}

INSTANTIATE_TEST_SUITE_P(Engines, ChangeStampTest, ::testing::Values(Kind::kSqlite, Kind::kPostgres),
                         [](const auto& info) { return info.param == Kind::kSqlite ? "SQLite" : "PostgreSQL"; });

}  // namespace
}  // namespace chibo::db
