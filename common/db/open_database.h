// Picks the engine from configuration: the embedded SQLite file by default,
// PostgreSQL when a URL is given.
#ifndef CHIBO_COMMON_DB_OPEN_DATABASE_H_
#define CHIBO_COMMON_DB_OPEN_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/database.h"

namespace chibo::db {

struct DatabaseOptions {
  // Empty: SQLite at data_dir/sqlite_file_name. "postgresql://..." or
  // "postgres://...": PostgreSQL (see OpenPostgresDatabase).
  std::string database_url;
  // Created (with parents) if missing; SQLite only.
  std::string data_dir;
  // e.g. "registry.sqlite3"; SQLite only.
  std::string sqlite_file_name;
  int pool_size = 8;
};

// InvalidArgumentError for any other URL scheme or a missing data_dir /
// sqlite_file_name; the engine's own errors otherwise.
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const DatabaseOptions& options);

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_OPEN_DATABASE_H_
