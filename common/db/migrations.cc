#include "common/db/migrations.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace chibo::db {
namespace {

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " service TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at TEXT NOT NULL,"
    " PRIMARY KEY (service, version))";

// FNV-1a, 64 bits: stable across builds and platforms (std::hash is not).
int64_t StableLockKey(std::string_view text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return static_cast<int64_t>(hash);
}

// Serializes migrators of `scope` across processes until the transaction ends.
absl::Status LockForMigration(Session& session, Engine engine, std::string_view scope) {
  if (engine != Engine::kPostgres) return absl::OkStatus();  // BEGIN IMMEDIATE did it
  return session
      .Query("SELECT pg_advisory_xact_lock(CAST(?1 AS BIGINT))",
             {StableLockKey(absl::StrCat("chibo.schema_migrations.", std::string(scope)))})
      .status();
}

absl::StatusOr<std::set<int>> AppliedVersions(Session& session, std::string_view service) {
  absl::StatusOr<ResultSet> rows =
      session.Query("SELECT version FROM schema_migrations WHERE service = ?1", {service});
  if (!rows.ok()) return rows.status();
  std::set<int> versions;
  for (const Row& row : rows->rows) versions.insert(static_cast<int>(row.Int(0)));
  return versions;
}

absl::Status CheckNotNewer(const std::set<int>& applied, const std::set<int>& known,
                           const std::string& service) {
  std::vector<int> unknown;
  for (int v : applied) {
    if (!known.contains(v)) unknown.push_back(v);
  }
  if (unknown.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "the database holds schema version(s) ", absl::StrJoin(unknown, ", "), " of service '",
      service, "' that this binary does not know; it was migrated by a newer release"));
}

}  // namespace

std::string TranslateMigrationSql(std::string_view sql, Engine engine) {
  return absl::StrReplaceAll(
      absl::string_view(sql.data(), sql.size()), {{"{{AUTO_ID}}", engine == Engine::kPostgres ? "BIGSERIAL PRIMARY KEY"
                                                        : "INTEGER PRIMARY KEY AUTOINCREMENT"}});
}

absl::Status ApplyMigrations(Database& db, std::string_view service_name,
                             const std::vector<Migration>& migrations) {
  const std::string service(service_name);
  if (service.empty()) return absl::InvalidArgumentError("migrations need a service name");
  std::set<int> known;
  int previous = 0;
  for (const Migration& m : migrations) {
    if (m.version <= previous) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migrations of '", service, "' must have positive, strictly ascending versions; got ",
          m.version, " after ", previous));
    }
    previous = m.version;
    known.insert(m.version);
  }
  const Engine engine = db.engine();

  // The bookkeeping table. Under a lock: concurrent CREATE TABLE IF NOT EXISTS
  // can fail on PostgreSQL.
  absl::Status status = db.InTransaction([&](Session& session) -> absl::Status {
    if (absl::Status s = LockForMigration(session, engine, ""); !s.ok()) return s;
    return session.Query(kCreateTable).status();
  });
  if (!status.ok()) return status;

  // Fast path: nothing to do (the usual start-up).
  {
    absl::StatusOr<ResultSet> rows = db.Query(
        "SELECT version FROM schema_migrations WHERE service = ?1", {service});
    if (!rows.ok()) return rows.status();
    std::set<int> applied;
    for (const Row& row : rows->rows) applied.insert(static_cast<int>(row.Int(0)));
    if (absl::Status s = CheckNotNewer(applied, known, service); !s.ok()) return s;
    if (applied == known) return absl::OkStatus();
  }

  for (const Migration& m : migrations) {
    status = db.InTransaction([&](Session& session) -> absl::Status {
      if (absl::Status s = LockForMigration(session, engine, service); !s.ok()) return s;
      // Re-check under the lock: another replica may have got here first.
      absl::StatusOr<std::set<int>> applied = AppliedVersions(session, service);
      if (!applied.ok()) return applied.status();
      if (absl::Status s = CheckNotNewer(*applied, known, service); !s.ok()) return s;
      if (applied->contains(m.version)) return absl::OkStatus();
      if (absl::Status s = session.ExecuteScript(TranslateMigrationSql(m.sql, engine)); !s.ok()) {
        return absl::Status(s.code(), absl::StrCat("migration ", service, "/", m.version, "_",
                                                   m.name, " failed: ", s.message()));
      }
      return session
          .Query(
              "INSERT INTO schema_migrations (service, version, name, applied_at) "
              "VALUES (?1, ?2, ?3, ?4)",
              {service, m.version, m.name,
               absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone())})
          .status();
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace chibo::db
