// The embedded engine: a SQLite file in WAL mode behind the Database
// interface.
#ifndef CHIBO_COMMON_DB_SQLITE_DATABASE_H_
#define CHIBO_COMMON_DB_SQLITE_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/database.h"

namespace chibo::db {

// Opens (creating if missing) the SQLite file at `path` with `pool_size`
// connections (at least 1). Every connection runs with journal_mode=WAL,
// busy_timeout=5000, foreign_keys=ON and synchronous=NORMAL, and caches its
// prepared statements.
//
// Readers run concurrently on the pooled connections. Writers are serialized
// inside the process (an autocommit write or an InTransaction body waits for
// the previous one instead of polling SQLite's lock), and across processes by
// SQLite's own lock with the 5 s busy timeout; a writer that still cannot get
// the lock fails with AbortedError. InTransaction uses BEGIN IMMEDIATE.
//
// Parameters are bound as text or NULL, except canonical decimal integers
// ("42", "-7"; not "007"), which are bound as 64-bit integers so that
// `LIMIT ?1` and `COUNT(*) >= ?1` compare numerically as on PostgreSQL. Column
// affinity makes the stored value the same either way (a TEXT column stores
// "42"). Results come back as text.
//
// As on PostgreSQL, a transaction whose body swallowed a failed statement and
// returned OK is rolled back with InternalError instead of committed.
//
// ":memory:" is not supported (each connection would see its own database).
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                             int pool_size);

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_SQLITE_DATABASE_H_
