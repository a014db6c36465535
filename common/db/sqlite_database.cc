#include "common/db/sqlite_database.h"

#include <sqlite3.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/concurrency/call_deadline.h"
#include "common/db/connection_pool.h"

namespace chibo::db {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// Debian's Abseil has its own string_view type, distinct from std's.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
constexpr size_t kMaxCachedStatements = 256;
constexpr int kMaxTransactionAttempts = 4;  // the first try and 3 retries
constexpr int kWriterCacheKib = 32768;  // the writer connection's page cache: 32 MB

absl::Status SqliteError(sqlite3* db, int rc, std::string_view context) {
  const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  const char* raw_message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = absl::StrCat(raw_message, " (sqlite ", extended, ") in: ", Sv(context));
  switch (extended) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return absl::AlreadyExistsError(std::move(message));
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      return absl::FailedPreconditionError(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::AbortedError(std::move(message));
    case SQLITE_INTERRUPT:  // only ever by PastCallDeadline; no SQL in the message
      return absl::DeadlineExceededError(
          "quá thời hạn của lời gọi, câu lệnh SQL đã dừng / the call's deadline passed: the SQL statement was stopped");
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return absl::UnavailableError(std::move(message));
    default:
      return absl::InternalError(std::move(message));
  }
}

// Canonical decimal integers ("0", "-12", not "007" or "+1") that fit in
// int64. They are bound as integers so that comparisons with expressions
// without affinity (`COUNT(*) >= ?1`, `LIMIT ?1`) behave as on PostgreSQL,
// where the parameter's type is inferred; column affinity turns them back into
// text for TEXT columns, so the stored value is the same as with text.
bool CanonicalInt64(const std::string& text, int64_t* value) {
  if (text.empty() || text.size() > 20) return false;
  size_t digits_start = text[0] == '-' ? 1 : 0;
  if (digits_start == text.size()) return false;
  if (text[digits_start] == '0' && text.size() != digits_start + 1) return false;
  if (text == "-0") return false;
  for (size_t i = digits_start; i < text.size(); ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return absl::SimpleAtoi(text, value);
}

class SqliteConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() {
    ClearCache();
    sqlite3_close_v2(db_);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* db() const { return db_; }

  // How many statements SQLite has rejected on this connection; lets a
  // transaction notice an error its body swallowed.
  int64_t engine_errors() const { return engine_errors_; }

  // Returns a reset statement for `sql`, from the cache when possible.
  absl::StatusOr<sqlite3_stmt*> Prepare(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it != cache_.end()) return it->second;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return Fail(rc, sql);
    if (stmt == nullptr) {
      return absl::InternalError(absl::StrCat("empty SQL statement: '", Sv(sql), "'"));
    }
    std::string_view rest(tail, sql.data() + sql.size() - tail);
    absl::string_view trimmed = absl::StripAsciiWhitespace(Sv(rest));
    while (!trimmed.empty() && trimmed.front() == ';') {
      trimmed = absl::StripAsciiWhitespace(trimmed.substr(1));
    }
    if (!trimmed.empty()) {
      sqlite3_finalize(stmt);
      return absl::InternalError(
          absl::StrCat("Query takes one statement (use ExecuteScript for several): ", Sv(sql)));
    }
    if (cache_.size() >= kMaxCachedStatements) ClearCache();
    cache_.emplace(std::string(sql), stmt);
    return stmt;
  }

  absl::StatusOr<ResultSet> Run(std::string_view sql, const Params& params, bool* is_write,
                                const std::function<absl::Status()>& before_step) {
    absl::StatusOr<sqlite3_stmt*> prepared = Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    sqlite3_stmt* stmt = *prepared;
    // Resets the statement however we leave.
    struct Resetter {
      sqlite3_stmt* stmt;
      ~Resetter() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
      }
    } resetter{stmt};

    const int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<size_t>(expected) != params.size()) {
      return absl::InternalError(absl::StrCat("statement takes ", expected, " parameters, got ",
                                              params.size(), ": ", Sv(sql)));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i + 1);
      int rc;
      int64_t as_int;
      if (params[i].is_null()) {
        rc = sqlite3_bind_null(stmt, index);
      } else if (CanonicalInt64(*params[i].value(), &as_int)) {
        rc = sqlite3_bind_int64(stmt, index, as_int);
      } else {
        const std::string& text = *params[i].value();
        rc = sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                               SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) return Fail(rc, sql);
    }

    const bool write = !sqlite3_stmt_readonly(stmt);
    if (is_write != nullptr) *is_write = write;
    if (write && before_step) {
      absl::Status gate = before_step();
      if (!gate.ok()) return gate;
    }

    ResultSet result;
    const int columns = sqlite3_column_count(stmt);
    result.columns.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      const char* name = sqlite3_column_name(stmt, c);
      result.columns.emplace_back(name != nullptr ? name : "");
    }
    const int64_t changes_before = write ? sqlite3_total_changes64(db_) : 0;
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Fail(rc, sql);
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
          cells.emplace_back(std::nullopt);
        } else {
          const unsigned char* text = sqlite3_column_text(stmt, c);
          const int bytes = sqlite3_column_bytes(stmt, c);
          cells.emplace_back(std::string(reinterpret_cast<const char*>(text), bytes));
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    if (write) result.rows_affected = sqlite3_total_changes64(db_) - changes_before;
    return result;
  }

  absl::Status Exec(std::string_view sql) {
    std::string owned(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &error);
    if (error != nullptr) sqlite3_free(error);
    if (rc != SQLITE_OK) return Fail(rc, sql);
    return absl::OkStatus();
  }

 private:
  absl::Status Fail(int rc, std::string_view sql) {
    ++engine_errors_;
    return SqliteError(db_, rc, sql);
  }

  void ClearCache() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }

  sqlite3* const db_;
  std::unordered_map<std::string, sqlite3_stmt*, TransparentHash, std::equal_to<>> cache_;
  int64_t engine_errors_ = 0;
};

// Lets one writer at a time into SQLite from this process, so that writers
// queue on a mutex instead of sleeping in SQLite's busy handler.
class WriteGate {
 public:
  absl::Status Enter() {
    mu_.Lock();
    const bool free = mu_.AwaitWithTimeout(absl::Condition(this, &WriteGate::IsFree),
                                           absl::Milliseconds(kBusyTimeoutMs));
    if (free) busy_ = true;
    mu_.Unlock();
    if (!free) return absl::AbortedError("database busy: timed out waiting for the writer lock");
    return absl::OkStatus();
  }
  void Leave() {
    absl::MutexLock lock(&mu_);
    busy_ = false;
  }

 private:
  bool IsFree() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !busy_; }
  absl::Mutex mu_;
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
};

// Copies the WAL back into the database file on a connection and thread of
// its own, so that no writer waits for it: SQLite's auto-checkpoint runs in
// the COMMIT of whichever writer crosses the mark, inside the write gate, and
// every other writer queues behind the copy (a tenth of the scheduling
// service's time in the demo's record step). Each connection's WAL hook
// (OnCommit, after the commit, outside SQLite's write lock) wakes it once
// the WAL holds kWakeFrames pages. SQLite starts the WAL over only at a
// write that begins with every frame copied back, so under back-to-back
// writes the copy rarely catches up and the WAL grows until the writer that
// finds kForceFrames checkpoints itself (inside the gate, as SQLite would):
// the WAL stays under ~200 MB. (A read held open pins the pages it may still
// read, for this checkpointer as for SQLite's own.)
class Checkpointer {
 public:
  static constexpr int kWakeFrames = 10000;    // ~40 MB of 4 KB pages
  static constexpr int kForceFrames = 50000;   // ~200 MB

  explicit Checkpointer(std::unique_ptr<SqliteConnection> conn)
      : conn_(std::move(conn)), thread_([this] { Run(); }) {}
  ~Checkpointer() {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }

  // Installed on every connection that writes (replaces SQLite's auto-checkpoint).
  static int OnCommit(void* self, sqlite3* db, const char* schema, int frames) {
    if (frames >= kForceFrames) {
      sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (frames >= kWakeFrames) {
      static_cast<Checkpointer*>(self)->Wake();
    }
    return SQLITE_OK;
  }

 private:
  void Wake() {
    absl::MutexLock lock(&mu_);
    woken_ = true;
  }
  void Run() {
    for (;;) {
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &Checkpointer::HasWork));
        if (stopping_) return;
        woken_ = false;
      }
      // PASSIVE: copies what no reader still needs, never waits on readers
      // or writers (BUSY while a writer's own forced checkpoint runs).
      sqlite3_wal_checkpoint_v2(conn_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
  }

  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return woken_ || stopping_; }

  std::unique_ptr<SqliteConnection> conn_;
  absl::Mutex mu_;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // last: starts once the rest is set up
};

class SqliteSession : public Session {
 public:
  explicit SqliteSession(SqliteConnection& conn) : conn_(conn) {}
  absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params) override {
    return conn_.Run(sql, params, nullptr, nullptr);
  }
  absl::Status ExecuteScript(std::string_view sql) override { return conn_.Exec(sql); }

 private:
  SqliteConnection& conn_;
};

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(std::vector<std::unique_ptr<SqliteConnection>> conns, std::unique_ptr<SqliteConnection> writer,
                 std::unique_ptr<SqliteConnection> checkpoint_conn)
      : checkpointer_(std::move(checkpoint_conn)),
        pool_(HookedTo(&checkpointer_, std::move(conns))),
        writer_(HookedTo(&checkpointer_, std::move(writer))) {}

  Engine engine() const override { return Engine::kSqlite; }

  absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params) override {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    bool entered = false;
    absl::StatusOr<ResultSet> result = (*conn)->Run(sql, params, nullptr, [&]() {
      absl::Status s = gate_.Enter();
      entered = s.ok();
      return s;
    });
    if (entered) gate_.Leave();
    return result;
  }

  absl::Status InTransaction(const std::function<absl::Status(Session&)>& body) override {
    absl::Status status;
    for (int attempt = 1; attempt <= kMaxTransactionAttempts; ++attempt) {
      status = RunTransactionOnce(body);
      if (!absl::IsAborted(status)) return status;
      if (attempt < kMaxTransactionAttempts) {
        thread_local absl::BitGen bitgen;
        absl::SleepFor(absl::Milliseconds(absl::Uniform(bitgen, 1, 10 * attempt)));
      }
    }
    return status;
  }

  absl::Status Ping() override { return Query("SELECT 1", {}).status(); }

 private:
  // Every transaction runs on the one writer connection, inside the gate.
  // Its page cache stays valid from one write to the next: SQLite drops a
  // connection's whole cache when it finds that another connection has
  // written since its last transaction, so writes taking turns on the pool's
  // connections re-read every index page they touch (a tenth of the
  // scheduling service's time in the demo's load went to pread).
  absl::Status RunTransactionOnce(const std::function<absl::Status(Session&)>& body) {
    if (absl::Status s = gate_.Enter(); !s.ok()) return s;
    absl::Status status = RunLocked(*writer_, body);
    gate_.Leave();
    return status;
  }

  static absl::Status RunLocked(SqliteConnection& conn,
                                const std::function<absl::Status(Session&)>& body) {
    if (absl::Status s = conn.Exec("BEGIN IMMEDIATE"); !s.ok()) return s;
    SqliteSession session(conn);
    const int64_t errors_before = conn.engine_errors();
    absl::Status status = body(session);
    if (status.ok() && conn.engine_errors() != errors_before) {
      // PostgreSQL cannot commit a transaction in which a statement failed;
      // refuse here too, so such code fails in development, not production.
      status = absl::InternalError(
          "a statement failed inside the transaction but the body returned OK; rolled back");
    } else if (status.ok()) {
      status = conn.Exec("COMMIT");
      if (status.ok()) return status;
    }
    if (!sqlite3_get_autocommit(conn.db())) {
      // Best effort; the original error is what the caller needs to see.
      conn.Exec("ROLLBACK").IgnoreError();
    }
    return status;
  }

  // Each connection's commits wake the checkpointer.
  static std::vector<std::unique_ptr<SqliteConnection>> HookedTo(
      Checkpointer* checkpointer, std::vector<std::unique_ptr<SqliteConnection>> conns) {
    for (auto& c : conns) c = HookedTo(checkpointer, std::move(c));
    return conns;
  }
  static std::unique_ptr<SqliteConnection> HookedTo(Checkpointer* checkpointer,
                                                    std::unique_ptr<SqliteConnection> conn) {
    sqlite3_wal_hook(conn->db(), &Checkpointer::OnCommit, checkpointer);
    return conn;
  }

  // Declared before the pool: built first, destroyed (joined) after the
  // connections whose WAL hooks point at it are closed.
  Checkpointer checkpointer_;
  internal::ConnectionPool<SqliteConnection> pool_;  // reads, and autocommit writes (Query)
  std::unique_ptr<SqliteConnection> writer_;        // transactions, one at a time (gate_)
  WriteGate gate_;
};

// SQLite's progress handler: a statement still running at the call's
// deadline is interrupted (SQLITE_INTERRUPT), whatever it is doing.
int PastCallDeadline(void*) {
  const absl::Time deadline = concurrency::CurrentDeadline();
  return deadline != absl::InfiniteFuture() && absl::Now() >= deadline ? 1 : 0;
}

absl::StatusOr<std::unique_ptr<SqliteConnection>> OpenConnection(const std::string& path,
                                                                  int cache_kib = 8192) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, absl::StrCat("open ", path));
    sqlite3_close_v2(db);
    return status;
  }
  auto conn = std::make_unique<SqliteConnection>(db);
  sqlite3_extended_result_codes(db, 1);
  sqlite3_progress_handler(db, 1000, &PastCallDeadline, nullptr);  // every ~1000 VM steps
  for (const char* pragma :
       {"PRAGMA busy_timeout = 5000", "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON",
        "PRAGMA synchronous = NORMAL"}) {
    if (absl::Status s = conn->Exec(pragma); !s.ok()) return s;
  }
  // 8 MB of pages per reading connection instead of SQLite's 2 MB (a
  // province's indexes stay in memory rather than being re-read with pread);
  // the writer's pages stay valid between writes, so it keeps more.
  if (absl::Status s = conn->Exec(absl::StrCat("PRAGMA cache_size = -", cache_kib)); !s.ok()) return s;
  return conn;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                             int pool_size) {
  if (path.empty() || path == ":memory:") {
    return absl::InvalidArgumentError("SQLite needs a file path");
  }
  if (sqlite3_threadsafe() == 0) {
    return absl::FailedPreconditionError("libsqlite3 was built without thread support");
  }
  if (pool_size < 1) pool_size = 1;
  std::vector<std::unique_ptr<SqliteConnection>> conns;
  for (int i = 0; i < pool_size; ++i) {
    absl::StatusOr<std::unique_ptr<SqliteConnection>> conn = OpenConnection(path);
    if (!conn.ok()) return conn.status();
    conns.push_back(*std::move(conn));
  }
  absl::StatusOr<std::unique_ptr<SqliteConnection>> writer = OpenConnection(path, kWriterCacheKib);
  if (!writer.ok()) return writer.status();
  // The WAL is copied back by a connection of its own (Checkpointer).
  absl::StatusOr<std::unique_ptr<SqliteConnection>> checkpoint_conn = OpenConnection(path);
  if (!checkpoint_conn.ok()) return checkpoint_conn.status();
  return std::unique_ptr<Database>(
      new SqliteDatabase(std::move(conns), *std::move(writer), *std::move(checkpoint_conn)));
}

}  // namespace chibo::db
