// Versioned schema migrations, applied by each service at start-up.
//
// A service keeps its migrations as files `NNNN_name.sql` (e.g.
// `0001_create_orgs.sql`) and embeds them in its binary with the CMake
// function `chibo_embed_migrations(<target> <function_name> <dir>)` (see
// EmbedMigrations.cmake), then calls
//   ApplyMigrations(db, "registry", chibo::migrations::RegistryMigrations());
//
// One SQL text serves both engines. Write portable SQL (TEXT, INTEGER, BIGINT,
// `CREATE INDEX IF NOT EXISTS`, ...). The only dialect shim is the token
//   {{AUTO_ID}}
// which becomes `INTEGER PRIMARY KEY AUTOINCREMENT` on SQLite and
// `BIGSERIAL PRIMARY KEY` on PostgreSQL, e.g.
//   CREATE TABLE events (id {{AUTO_ID}}, body TEXT NOT NULL);
//
// Bookkeeping lives in the table
//   schema_migrations(service TEXT, version INTEGER, name TEXT,
//                     applied_at TEXT, PRIMARY KEY (service, version))
// shared by every service using the database.
#ifndef CHIBO_COMMON_DB_MIGRATIONS_H_
#define CHIBO_COMMON_DB_MIGRATIONS_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "common/db/database.h"

namespace chibo::db {

struct Migration {
  int version;       // > 0, strictly increasing within a service
  std::string name;  // for the record and for humans
  std::string sql;   // one or more statements, no parameters
};

// Applies, in version order, every migration of `service` not yet recorded,
// each in its own transaction together with its bookkeeping row, so a failed
// migration leaves nothing behind. Idempotent, and safe when several replicas
// start at once (PostgreSQL: a transaction-scoped advisory lock per service
// and a re-check under it; SQLite: BEGIN IMMEDIATE serializes writers).
//
// Errors: InvalidArgumentError for a bad list (version <= 0, duplicates, not
// ascending); FailedPreconditionError when the database holds a version of
// this service that `migrations` does not know (the schema is newer than this
// binary); the failing statement's error otherwise.
absl::Status ApplyMigrations(Database& db, std::string_view service,
                             const std::vector<Migration>& migrations);

// `sql` with {{AUTO_ID}} replaced for `engine`.
std::string TranslateMigrationSql(std::string_view sql, Engine engine);

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_MIGRATIONS_H_
