#include "common/db/postgres_database.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/concurrency/call_deadline.h"
#include "common/db/connection_pool.h"

namespace chibo::db {
namespace {

constexpr int kMaxTransactionAttempts = 4;  // the first try and 3 retries

// Debian's Abseil has its own string_view type, distinct from std's.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsIdentChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

void IgnoreNotice(void*, const char*) {}

std::string TrimMessage(const char* message) {
  return std::string(absl::StripTrailingAsciiWhitespace(message != nullptr ? message : ""));
}

// Maps a failed result (or a missing one) to the Database error contract.
absl::Status PgError(PGconn* conn, const PGresult* res, std::string_view sql) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = TrimMessage(res != nullptr ? PQresultErrorMessage(res) : nullptr);
  if (message.empty()) message = TrimMessage(PQerrorMessage(conn));
  const absl::string_view sqlstate = state != nullptr ? state : "";
  message = absl::StrCat(message, " (sqlstate ", sqlstate.empty() ? "none" : sqlstate,
                         ") in: ", Sv(sql));
  if (PQstatus(conn) == CONNECTION_BAD) return absl::UnavailableError(message);
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);
  // query_canceled: AwaitResult's cancel at the call's deadline (or an
  // operator's pg_cancel_backend). No SQL in the message: it reaches clients.
  if (sqlstate == "57014") {
    return absl::DeadlineExceededError(
        "quá thời hạn của lời gọi, câu lệnh SQL đã dừng / the call's deadline passed: the SQL statement was stopped");
  }
  if (absl::StartsWith(sqlstate, "23")) return absl::FailedPreconditionError(message);
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return absl::AbortedError(message);
  }
  if ((absl::StartsWith(sqlstate, "08") && sqlstate != "08P01") ||
      absl::StartsWith(sqlstate, "57P") || sqlstate == "53300" || sqlstate.empty()) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

class PgConnection {
 public:
  explicit PgConnection(std::string url) : url_(std::move(url)) {}
  ~PgConnection() { Close(); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Connects, or reconnects a connection the server or network dropped.
  absl::Status EnsureConnected() {
    if (conn_ != nullptr) {
      // Picks up a termination message and the EOF the server sent while the
      // connection sat idle in the pool; never blocks.
      for (int i = 0; i < 4 && PQstatus(conn_) == CONNECTION_OK; ++i) {
        pollfd readable{PQsocket(conn_), POLLIN, 0};
        if (poll(&readable, 1, 0) <= 0) break;
        if (!PQconsumeInput(conn_)) break;
      }
      if (PQstatus(conn_) == CONNECTION_OK) {
        if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return absl::OkStatus();
        // Left inside a transaction by a failure; start clean.
        absl::Status rollback = Exec("ROLLBACK");
        if (rollback.ok() && PQtransactionStatus(conn_) == PQTRANS_IDLE) return rollback;
      }
      Close();
    }
    const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
    const char* values[] = {"10", "chibo", url_.c_str(), nullptr};
    conn_ = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
    if (conn_ == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
    if (PQstatus(conn_) != CONNECTION_OK) {
      absl::Status status = absl::UnavailableError(
          absl::StrCat("cannot connect to PostgreSQL: ", TrimMessage(PQerrorMessage(conn_))));
      Close();
      return status;
    }
    PQsetNoticeProcessor(conn_, &IgnoreNotice, nullptr);
    return absl::OkStatus();
  }

  PGconn* conn() const { return conn_; }

  absl::StatusOr<ResultSet> Run(std::string_view sql, const Params& params) {
    if (!deferred_.empty()) return RunPipelined(sql, params);
    Statement statement{std::string(sql), params};
    if (absl::Status s = Prepare(statement); !s.ok()) return s;
    Result res;
    if (Send(statement)) res = AwaitResult();
    if (conn_ == nullptr) return DeadlineError();  // AwaitResult gave up on a server that answered no cancel
    return ToResultSet(res.get(), sql);
  }

  // Queues a statement whose result nobody reads (Session::ExecuteLater): it
  // goes to the server with the next statement run, in one pipeline.
  void Defer(std::string_view sql, const Params& params) { deferred_.push_back({std::string(sql), params}); }
  // Sends what was queued, if anything.
  absl::Status Flush() {
    if (deferred_.empty()) return absl::OkStatus();
    Statement last = std::move(deferred_.back());
    deferred_.pop_back();
    return Run(last.sql, last.params).status();
  }
  // Forgets what was queued (a transaction given up before it was sent).
  void DropDeferred() { deferred_.clear(); }
  // The queued statements and then `reads`, in one pipeline; the answers of
  // `reads`, in order (Session::QueryAll).
  absl::StatusOr<std::vector<ResultSet>> RunAll(const std::vector<Session::Read>& reads) {
    std::vector<Statement> batch = std::move(deferred_);
    deferred_.clear();
    for (const Session::Read& r : reads) batch.push_back({std::string(r.sql), r.params});
    return Pipeline(std::move(batch), reads.size());
  }

  // Runs one or more statements without parameters.
  absl::Status Exec(std::string_view sql) {
    const std::string owned(sql);
    Result res(PQexec(conn_, owned.c_str()));
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      return absl::OkStatus();
    }
    return PgError(conn_, res.get(), sql);
  }

 private:
  struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using Result = std::unique_ptr<PGresult, ResultDeleter>;

  // A statement as sent: its SQL in PostgreSQL's `$n` form, its parameters,
  // and its prepared name (empty: sent unprepared, the connection is full).
  struct Statement {
    std::string sql;  // as written (`?n`), for errors
    Params params;
    std::string rewritten, name;
  };

  static absl::Status DeadlineError() {
    return absl::DeadlineExceededError(
        "quá thời hạn của lời gọi, máy chủ PostgreSQL không trả lời / the call's deadline passed and PostgreSQL did not answer");
  }

  // Rewrites the placeholders and prepares the statement once per connection
  // (parsed and planned once, like pgbench -M prepared); a connection keeps
  // at most kMaxPrepared, later ones go unprepared.
  absl::Status Prepare(Statement& st) {
    int max_index = 0;
    st.rewritten = RewritePlaceholders(st.sql, &max_index);
    if (static_cast<size_t>(max_index) != st.params.size()) {
      return absl::InternalError(absl::StrCat("statement takes ", max_index, " parameters, got ",
                                              st.params.size(), ": ", Sv(st.sql)));
    }
    auto prepared = prepared_.find(st.rewritten);
    if (prepared == prepared_.end() && prepared_.size() < kMaxPrepared) {
      const std::string name = absl::StrCat("chibo_", prepared_.size());
      Result made(PQprepare(conn_, name.c_str(), st.rewritten.c_str(), static_cast<int>(st.params.size()),
                            /*paramTypes=*/nullptr));
      if (!made || PQresultStatus(made.get()) != PGRES_COMMAND_OK) return PgError(conn_, made.get(), st.sql);
      prepared = prepared_.emplace(st.rewritten, name).first;
    }
    st.name = prepared == prepared_.end() ? "" : prepared->second;
    return absl::OkStatus();
  }

  bool Send(const Statement& st) {
    std::vector<const char*> values(st.params.size());
    for (size_t i = 0; i < st.params.size(); ++i) {
      values[i] = st.params[i].is_null() ? nullptr : st.params[i].value()->c_str();
    }
    const int n = static_cast<int>(st.params.size());
    if (!st.name.empty()) {
      return PQsendQueryPrepared(conn_, st.name.c_str(), n, values.data(), /*paramLengths=*/nullptr,
                                 /*paramFormats=*/nullptr, /*resultFormat=*/0) == 1;
    }
    return PQsendQueryParams(conn_, st.rewritten.c_str(), n, /*paramTypes=*/nullptr, values.data(),
                             /*paramLengths=*/nullptr, /*paramFormats=*/nullptr, /*resultFormat=*/0) == 1;
  }

  absl::StatusOr<ResultSet> ToResultSet(const PGresult* res, std::string_view sql) {
    const ExecStatusType status = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      if (status == PGRES_EMPTY_QUERY) return absl::InternalError("empty SQL statement");
      return PgError(conn_, res, sql);
    }
    ResultSet result;
    const int columns = PQnfields(res);
    const int rows = PQntuples(res);
    result.columns.reserve(columns);
    for (int c = 0; c < columns; ++c) result.columns.emplace_back(PQfname(res, c));
    result.rows.reserve(rows);
    for (int r = 0; r < rows; ++r) {
      std::vector<std::optional<std::string>> cells;
      cells.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (PQgetisnull(res, r, c)) {
          cells.emplace_back(std::nullopt);
        } else {
          cells.emplace_back(std::string(PQgetvalue(res, r, c), PQgetlength(res, r, c)));
        }
      }
      result.rows.emplace_back(std::move(cells));
    }
    // PQcmdTuples also counts the rows of a SELECT; SQLite does not, and the
    // field is documented for INSERT/UPDATE/DELETE only.
    const char* tag = PQcmdStatus(const_cast<PGresult*>(res));
    if (tag != nullptr && !absl::StartsWith(tag, "SELECT")) {
      int64_t affected = 0;
      if (absl::SimpleAtoi(PQcmdTuples(const_cast<PGresult*>(res)), &affected)) result.rows_affected = affected;
    }
    return result;
  }

  // The queued statements and then this one, sent at once in pipeline mode
  // and answered in one go: one round trip instead of one per statement.
  absl::StatusOr<ResultSet> RunPipelined(std::string_view sql, const Params& params) {
    std::vector<Statement> batch = std::move(deferred_);
    deferred_.clear();
    batch.push_back({std::string(sql), params});
    auto answers = Pipeline(std::move(batch), 1);
    if (!answers.ok()) return answers.status();
    return std::move(answers->back());
  }

  // Sends `batch` in pipeline mode and answers its last `answered_tail` results.
  // Inside a transaction block a failed statement aborts the transaction
  // and the server skips the rest; the first failure is the answer.
  absl::StatusOr<std::vector<ResultSet>> Pipeline(std::vector<Statement> batch, size_t answered_tail) {
    for (Statement& st : batch) {
      if (absl::Status s = Prepare(st); !s.ok()) return s;
    }
    bool sent = PQenterPipelineMode(conn_) == 1;
    for (size_t i = 0; sent && i < batch.size(); ++i) sent = Send(batch[i]);
    sent = sent && PQpipelineSync(conn_) == 1;
    if (!sent) {
      absl::Status lost = absl::UnavailableError(
          absl::StrCat("PostgreSQL: cannot send: ", TrimMessage(PQerrorMessage(conn_))));
      Close();
      return lost;
    }
    // One result per statement, in order (each followed by a NULL, which is
    // skipped), then the sync point.
    absl::Status failed;
    std::vector<ResultSet> answers;
    answers.reserve(answered_tail);
    const size_t first_answered = batch.size() - answered_tail;
    size_t answered = 0;
    for (int nulls = 0;;) {
      Result res = AwaitOne();
      if (conn_ == nullptr) return DeadlineError();
      if (!res) {
        if (++nulls < 2 && PQstatus(conn_) == CONNECTION_OK) continue;
        absl::Status lost = absl::UnavailableError(
            absl::StrCat("PostgreSQL: the pipeline's answer broke off: ", TrimMessage(PQerrorMessage(conn_))));
        Close();
        return lost;
      }
      nulls = 0;
      const ExecStatusType status = PQresultStatus(res.get());
      if (status == PGRES_PIPELINE_SYNC) break;
      const size_t i = std::min(answered++, batch.size() - 1);
      if (status == PGRES_PIPELINE_ABORTED) continue;  // skipped after an earlier failure
      absl::StatusOr<ResultSet> one = ToResultSet(res.get(), batch[i].sql);
      if (!one.ok()) {
        if (failed.ok()) failed = one.status();
      } else if (i >= first_answered) {
        answers.push_back(*std::move(one));
      }
    }
    if (PQexitPipelineMode(conn_) != 1) {
      Close();  // out of step with the server: start afresh
      return failed.ok() ? absl::UnavailableError("PostgreSQL: pipeline out of step; connection reset") : failed;
    }
    if (!failed.ok()) return failed;
    if (answers.size() != answered_tail) return absl::InternalError("PostgreSQL: no result for a statement");
    return answers;
  }

  // The result of the statement just sent. Past the call's deadline it asks
  // the server to cancel the statement (the server then answers 57014) and
  // keeps waiting for that answer, so the connection stays usable.
  // If the server does not answer the cancel within kCancelGrace either (a
  // partitioned network), the connection is dropped: the pool reconnects.
  Result AwaitOne() {
    static constexpr absl::Duration kCancelGrace = absl::Seconds(5);
    absl::Time wait_until = concurrency::CurrentDeadline();
    bool cancel_sent = false;
    while (PQisBusy(conn_)) {
      int timeout_ms = -1;
      if (wait_until != absl::InfiniteFuture()) {
        timeout_ms = static_cast<int>(std::clamp<int64_t>(
            absl::ToInt64Milliseconds(wait_until - absl::Now()) + 1, 0, 24 * 3600 * 1000));
      }
      pollfd readable{PQsocket(conn_), POLLIN, 0};
      const int ready = poll(&readable, 1, timeout_ms);
      if (ready == 0) {
        if (cancel_sent) {
          Close();
          return Result();
        }
        if (PGcancel* cancel = PQgetCancel(conn_)) {
          char error[256];
          PQcancel(cancel, error, sizeof error);
          PQfreeCancel(cancel);
        }
        cancel_sent = true;
        wait_until = absl::Now() + kCancelGrace;
        continue;
      }
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0 || !PQconsumeInput(conn_)) break;
    }
    return Result(PQgetResult(conn_));
  }

  // The result of a statement sent alone, its trailing results drained.
  Result AwaitResult() {
    Result first = AwaitOne();
    if (conn_ == nullptr) return first;
    while (PGresult* more = PQgetResult(conn_)) PQclear(more);
    return first;
  }

  void Close() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
    prepared_.clear();  // prepared statements die with their connection
    deferred_.clear();
  }

  static constexpr size_t kMaxPrepared = 512;
  absl::flat_hash_map<std::string, std::string> prepared_;  // SQL → statement name
  std::vector<Statement> deferred_;                          // queued by Defer

  const std::string url_;
  PGconn* conn_ = nullptr;
};

class PgSession : public Session {
 public:
  explicit PgSession(PgConnection& conn) : conn_(conn) {}
  absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params) override {
    return conn_.Run(sql, params);
  }
  absl::Status ExecuteLater(std::string_view sql, const Params& params) override {
    conn_.Defer(sql, params);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<ResultSet>> QueryAll(const std::vector<Read>& reads) override {
    if (reads.empty()) {
      if (absl::Status flushed = conn_.Flush(); !flushed.ok()) return flushed;
      return std::vector<ResultSet>();
    }
    return conn_.RunAll(reads);
  }
  absl::Status ExecuteScript(std::string_view sql) override {
    if (absl::Status s = conn_.Flush(); !s.ok()) return s;  // what was queued goes first
    return conn_.Exec(sql);
  }

 private:
  PgConnection& conn_;
};

class PostgresDatabase : public Database {
 public:
  using Pool = internal::ConnectionPool<PgConnection>;

  explicit PostgresDatabase(std::vector<std::unique_ptr<PgConnection>> conns)
      : pool_(std::move(conns)) {}

  Engine engine() const override { return Engine::kPostgres; }

  absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params) override {
    absl::StatusOr<Pool::Lease> conn = AcquireConnected();
    if (!conn.ok()) return conn.status();
    return (*conn)->Run(sql, params);
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
  absl::StatusOr<Pool::Lease> AcquireConnected() {
    absl::StatusOr<Pool::Lease> conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    if (absl::Status s = (*conn)->EnsureConnected(); !s.ok()) return s;
    return conn;
  }

  absl::Status RunTransactionOnce(const std::function<absl::Status(Session&)>& body) {
    absl::StatusOr<Pool::Lease> lease = AcquireConnected();
    if (!lease.ok()) return lease.status();
    PgConnection& conn = **lease;
    // BEGIN goes out with the body's first statement, and COMMIT with the
    // statements the body queued (ExecuteLater): no round trip of their own.
    conn.DropDeferred();
    conn.Defer("BEGIN", {});
    PgSession session(conn);
    absl::Status status = body(session);
    if (status.ok()) {
      if (PQtransactionStatus(conn.conn()) == PQTRANS_INERROR) {
        // COMMIT would quietly roll back; say so instead.
        status = absl::InternalError(
            "a statement failed inside the transaction but the body returned OK; rolled back");
      } else {
        status = conn.Run("COMMIT", {}).status();
        if (status.ok()) return status;
      }
    }
    conn.DropDeferred();
    if (conn.conn() != nullptr && PQstatus(conn.conn()) == CONNECTION_OK &&
        PQtransactionStatus(conn.conn()) != PQTRANS_IDLE) {
      conn.Exec("ROLLBACK").IgnoreError();
    }
    return status;
  }

  Pool pool_;
};

}  // namespace

std::string RewritePlaceholders(std::string_view sql, int* max_index) {
  std::string out;
  out.reserve(sql.size() + 8);
  int max_seen = 0;
  const size_t n = sql.size();
  size_t i = 0;
  // Copies sql[i, end) and moves i to end.
  auto copy_to = [&](size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'') {
      // A string literal; '' inside is two adjacent literals, same result.
      // E'...' strings also treat backslash as an escape.
      const bool backslash_escapes =
          i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') && (i < 2 || !IsIdentChar(sql[i - 2]));
      size_t j = i + 1;
      while (j < n && sql[j] != '\'') {
        if (backslash_escapes && sql[j] == '\\') ++j;
        ++j;
      }
      copy_to(std::min(n, j + 1));
    } else if (c == '"') {
      size_t j = sql.find('"', i + 1);
      copy_to(j == std::string_view::npos ? n : j + 1);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      copy_to(j == std::string_view::npos ? n : j + 1);
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      size_t j = sql.find("*/", i + 2);
      copy_to(j == std::string_view::npos ? n : j + 2);
    } else if (c == '$' && (i == 0 || !IsIdentChar(sql[i - 1])) && i + 1 < n &&
               !absl::ascii_isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      // Possibly a dollar-quoted string: $tag$ ... $tag$.
      size_t j = i + 1;
      while (j < n && IsIdentChar(sql[j])) ++j;
      if (j < n && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        size_t end = sql.find(tag, j + 1);
        copy_to(end == std::string_view::npos ? n : end + tag.size());
      } else {
        copy_to(i + 1);
      }
    } else if (c == '?' && i + 1 < n && absl::ascii_isdigit(static_cast<unsigned char>(sql[i + 1]))) {
      size_t j = i + 1;
      int index = 0;
      while (j < n && absl::ascii_isdigit(static_cast<unsigned char>(sql[j]))) {
        if (index < 1000000) index = index * 10 + (sql[j] - '0');
        ++j;
      }
      max_seen = std::max(max_seen, index);
      out.push_back('$');
      out.append(sql.substr(i + 1, j - i - 1));
      i = j;
    } else {
      // Copy a run of ordinary characters at once.
      size_t j = i + 1;
      while (j < n && std::strchr("'\"-/$?", sql[j]) == nullptr) ++j;
      copy_to(j);
    }
  }
  if (max_index != nullptr) *max_index = max_seen;
  return out;
}

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                               int pool_size) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (options == nullptr) {
    std::string message = TrimMessage(parse_error);
    if (parse_error != nullptr) PQfreemem(parse_error);
    return absl::InvalidArgumentError(absl::StrCat("bad PostgreSQL URL: ", message));
  }
  PQconninfoFree(options);
  if (pool_size < 1) pool_size = 1;
  std::vector<std::unique_ptr<PgConnection>> conns;
  for (int i = 0; i < pool_size; ++i) conns.push_back(std::make_unique<PgConnection>(url));
  if (absl::Status s = conns.front()->EnsureConnected(); !s.ok()) return s;
  return std::unique_ptr<Database>(new PostgresDatabase(std::move(conns)));
}

}  // namespace chibo::db
