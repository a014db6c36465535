#include "common/db/change_stamp.h"

#include <string_view>

#include "common/base/check.h"

#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace chibo::db {
namespace {

constexpr absl::string_view kSqlitePrefix = "sq:";
constexpr absl::string_view kPostgresPrefix = "pg:";

}  // namespace

ChangeStamps::ChangeStamps(Engine engine, std::string table, std::string partition_column)
    : engine_(engine), table_(std::move(table)), partition_column_(std::move(partition_column)) {
  if (engine_ == Engine::kSqlite) {
    watermark_sql_ = absl::StrCat("SELECT COALESCE(MAX(stamp), 0) FROM ", table_, " WHERE ",
                                  partition_column_, " = ?1");
    changed_sql_ = absl::StrCat("SELECT 1 FROM ", table_, " WHERE ", partition_column_,
                                " = ?1 AND stamp > ?2 LIMIT 1");
  } else {
    watermark_sql_ = "SELECT CAST(pg_current_snapshot() AS TEXT)";
    // Only rows stamped at or after the snapshot's xmin can be unseen by it.
    changed_sql_ = absl::StrCat(
        "SELECT 1 FROM ", table_, " WHERE ", partition_column_, " = ?1 AND stamp >= ?2 ",
        "AND NOT pg_visible_in_snapshot(CAST(CAST(stamp AS TEXT) AS xid8), CAST(?3 AS pg_snapshot)) "
        "LIMIT 1");
  }
}

std::string ChangeStamps::Stamped(std::string sql, int partition_param) const {
  const std::string expression =
      engine_ == Engine::kSqlite
          ? absl::StrCat("(SELECT COALESCE(MAX(stamp), 0) + 1 FROM ", table_, " WHERE ",
                         partition_column_, " = ?", partition_param, ")")
          : std::string("CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT)");
  constexpr std::string_view kPlaceholder = "{{STAMP}}";
  const size_t at = sql.find(kPlaceholder);
  CHIBO_CHECK(at != std::string::npos, sql.c_str());  // a statement without {{STAMP}}: a bug
  sql.replace(at, kPlaceholder.size(), expression);
  return sql;
}

absl::StatusOr<std::string> ChangeStamps::Watermark(Database& db,
                                                    absl::string_view partition) const {
  auto row = engine_ == Engine::kSqlite ? db.QueryOptionalRow(watermark_sql_, {partition})
                                        : db.QueryOptionalRow(watermark_sql_);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::InternalError("no watermark row");
  return absl::StrCat(engine_ == Engine::kSqlite ? kSqlitePrefix : kPostgresPrefix,
                      (*row)->Text(0));
}

absl::StatusOr<bool> ChangeStamps::ChangedSince(Database& db, absl::string_view partition,
                                                absl::string_view watermark) const {
  if (engine_ == Engine::kSqlite) {
    int64_t stamp = 0;
    if (!absl::ConsumePrefix(&watermark, kSqlitePrefix) || !absl::SimpleAtoi(watermark, &stamp)) {
      return true;
    }
    auto row = db.QueryOptionalRow(changed_sql_, {partition, stamp});
    if (!row.ok()) return row.status();
    return row->has_value();
  }
  // "xmin:xmax:xip,..."
  int64_t xmin = 0;
  if (!absl::ConsumePrefix(&watermark, kPostgresPrefix) ||
      !absl::SimpleAtoi(watermark.substr(0, watermark.find(':')), &xmin)) {
    return true;
  }
  auto row = db.QueryOptionalRow(changed_sql_, {partition, xmin, watermark});
  if (!row.ok()) return row.status();
  return row->has_value();
}

}  // namespace chibo::db
