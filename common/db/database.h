// One SQL interface over the two engines chibo runs on: an embedded SQLite file
// (the default) and PostgreSQL (production).
//
// SQL text is written once for both engines:
//   - parameters are `?1`, `?2`, ... (SQLite's native form; the PostgreSQL
//     backend rewrites them to `$1`, `$2`, ...);
//   - every value travels as text or NULL (`Param`), every result cell comes
//     back as text or NULL (`Row`); integers are written and read as decimal
//     text, so `INTEGER`/`BIGINT` columns work the same on both engines;
//   - where PostgreSQL cannot infer a parameter's type (e.g. `?1 IS NULL`),
//     the SQL says `CAST(?1 AS TEXT)`.
#ifndef CHIBO_COMMON_DB_DATABASE_H_
#define CHIBO_COMMON_DB_DATABASE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace chibo::db {

// A bound parameter: text or SQL NULL.
class Param {
 public:
  Param() = default;  // NULL
  Param(std::nullopt_t) {}
  Param(std::string v) : value_(std::move(v)) {}
  Param(std::string_view v) : value_(std::string(v)) {}
  // Debian's Abseil is built with its own string_view, distinct from std's.
  Param(absl::string_view v) : value_(std::string(v)) {}
  Param(const char* v) : value_(std::string(v)) {}
  Param(int64_t v) : value_(std::to_string(v)) {}
  Param(int v) : value_(std::to_string(v)) {}
  Param(bool v) : value_(v ? "1" : "0") {}
  Param(std::optional<std::string> v) : value_(std::move(v)) {}

  bool is_null() const { return !value_.has_value(); }
  const std::optional<std::string>& value() const { return value_; }

 private:
  std::optional<std::string> value_;
};

using Params = std::vector<Param>;

// One result row; cells are text or NULL, read by column index.
class Row {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells) : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return !cells_.at(i).has_value(); }
  // Empty string for NULL.
  const std::string& Text(size_t i) const;
  std::optional<std::string> OptionalText(size_t i) const { return cells_.at(i); }
  // 0 for NULL. PostgreSQL booleans ("t"/"f") read as 1/0. Crashes on other
  // non-numeric text (a schema bug, not bad input).
  int64_t Int(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }

 private:
  std::vector<std::optional<std::string>> cells_;
};

struct ResultSet {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t rows_affected = 0;  // for INSERT/UPDATE/DELETE
};

enum class Engine { kSqlite, kPostgres };

// Error codes returned by Query/Execute:
//   - unique or primary-key violation        -> absl::AlreadyExistsError
//   - other constraint violations             -> absl::FailedPreconditionError
//   - serialization failure / SQLITE_BUSY     -> absl::AbortedError (retryable)
//   - connection lost / server unreachable    -> absl::UnavailableError
//   - anything else (syntax, ...)             -> absl::InternalError
class Session {
 public:
  virtual ~Session() = default;
  virtual absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs several `;`-separated statements without parameters (migration
  // scripts). Results are discarded.
  virtual absl::Status ExecuteScript(std::string_view sql) = 0;
  // Convenience: rows affected.
  absl::StatusOr<int64_t> Execute(std::string_view sql, const Params& params = {});
  // A statement whose result the caller does not read (an audit row, an
  // upsert): PostgreSQL sends it with the session's next statement, or with
  // the COMMIT, in one pipeline — one round trip for several statements.
  // Statements still run in the order written. Its error, if any, comes back
  // from that next statement (or from InTransaction) and aborts the
  // transaction, so use it only where any failure is the transaction's
  // failure; never where the caller maps a specific error (a unique
  // violation to ALREADY_EXISTS, say). SQLite runs it at once.
  virtual absl::Status ExecuteLater(std::string_view sql, const Params& params = {}) {
    return Execute(sql, params).status();
  }
  // Exactly zero or one row expected; more is an InternalError.
  absl::StatusOr<std::optional<Row>> QueryOptionalRow(std::string_view sql,
                                                      const Params& params = {});

  // Several reads whose answers are all needed and none depends on another:
  // PostgreSQL sends them (after what ExecuteLater queued) in one pipeline,
  // one round trip; SQLite runs them in order. The answers come in the
  // order of `reads`; the first failure is the answer.
  struct Read {
    std::string_view sql;
    Params params;
  };
  virtual absl::StatusOr<std::vector<ResultSet>> QueryAll(const std::vector<Read>& reads);
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Engine engine() const = 0;

  // Runs one statement in autocommit mode on a pooled connection.
  virtual absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params = {}) = 0;
  // The Session conveniences, in autocommit mode.
  absl::StatusOr<int64_t> Execute(std::string_view sql, const Params& params = {});
  absl::StatusOr<std::optional<Row>> QueryOptionalRow(std::string_view sql,
                                                      const Params& params = {});

  // Runs `body` inside one transaction on one connection. Commits when `body`
  // returns OK, rolls back otherwise (and when commit fails). Write
  // transactions on SQLite begin IMMEDIATE so writers queue instead of
  // failing. Retries the whole body up to 3 times on AbortedError
  // (serialization failure, busy) before returning it, so `body` may run
  // more than once: keep side effects outside the database out of it.
  //
  // Inside `body` use only the Session: this Database's own Query would run
  // on another connection, outside the transaction (and on SQLite a write
  // there waits for the transaction's lock, then fails with AbortedError).
  // If a statement fails and `body` still returns OK, the transaction is
  // rolled back and InternalError returned (PostgreSQL cannot commit it;
  // SQLite refuses too, for parity).
  //
  // Isolation: SQLite runs one write transaction at a time (fully
  // serialized). PostgreSQL runs at its default READ COMMITTED, so a
  // read-then-write sequence can race with another replica: write such
  // updates as single atomic statements (`UPDATE t SET n = n + 1`,
  // `UPDATE ... WHERE etag = ?2`, `INSERT ... ON CONFLICT`), which behave the
  // same on both engines.
  virtual absl::Status InTransaction(const std::function<absl::Status(Session&)>& body) = 0;

  // Cheap liveness check for health endpoints.
  virtual absl::Status Ping() = 0;
};

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_DATABASE_H_
