#include "common/db/open_database.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/postgres_database.h"
#include "common/db/sqlite_database.h"

namespace chibo::db {

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(const DatabaseOptions& options) {
  const std::string& url = options.database_url;
  if (url.empty()) {
    if (options.data_dir.empty() || options.sqlite_file_name.empty()) {
      return absl::InvalidArgumentError(
          "the embedded SQLite database needs data_dir and sqlite_file_name");
    }
    std::error_code error;
    std::filesystem::create_directories(options.data_dir, error);
    if (error) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create data directory ", options.data_dir, ": ", error.message()));
    }
    const std::string path =
        (std::filesystem::path(options.data_dir) / options.sqlite_file_name).string();
    return OpenSqliteDatabase(path, options.pool_size);
  }
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    return OpenPostgresDatabase(url, options.pool_size);
  }
  // Do not echo the URL: it may carry a password.
  const size_t scheme_end = url.find("://");
  return absl::InvalidArgumentError(absl::StrCat(
      "unsupported database URL scheme '",
      scheme_end == std::string::npos ? std::string("(none)") : url.substr(0, scheme_end),
      "'; want postgresql:// or an empty URL for the embedded SQLite file"));
}

}  // namespace chibo::db
