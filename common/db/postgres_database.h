// The production engine: PostgreSQL through libpq behind the Database
// interface.
#ifndef CHIBO_COMMON_DB_POSTGRES_DATABASE_H_
#define CHIBO_COMMON_DB_POSTGRES_DATABASE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/db/database.h"

namespace chibo::db {

// Connects to the PostgreSQL server at `url` (a libpq URI such as
// "postgresql://user:pass@host:5432/dbname?sslmode=disable") with a pool of
// `pool_size` connections (at least 1). The first connection is made now, so
// an unreachable server or a bad password fails here with UnavailableError; a
// malformed URL fails with InvalidArgumentError. The others connect on first
// use. A caller that finds every connection busy waits for one (and gets
// UnavailableError after 30 s).
//
// SQL uses `?N` placeholders, rewritten to `$N` (not inside string literals,
// quoted identifiers, comments or dollar-quoted strings). Parameters travel as
// untyped text, so the server infers their types from context; results come
// back as text. A connection found broken (server restart, network cut) is
// reconnected the next time it is handed out; the call that hit the failure
// returns UnavailableError.
//
// Transactions run at READ COMMITTED (BEGIN / COMMIT / ROLLBACK); the whole
// body is retried up to 3 times on serialization failures and deadlocks.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& url,
                                                               int pool_size);

// Rewrites `?N` to `$N` outside literals, identifiers, comments and
// dollar-quoted strings. `max_index`, when given, receives the largest N seen
// (0 if none). Exposed for tests.
std::string RewritePlaceholders(std::string_view sql, int* max_index = nullptr);

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_POSTGRES_DATABASE_H_
