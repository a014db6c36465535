#include "common/db/database.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace chibo::db {

const std::string& Row::Text(size_t i) const {
  static const std::string* const kEmpty = new std::string();
  const std::optional<std::string>& cell = cells_.at(i);
  return cell.has_value() ? *cell : *kEmpty;
}

int64_t Row::Int(size_t i) const {
  const std::optional<std::string>& cell = cells_.at(i);
  if (!cell.has_value()) return 0;
  int64_t value = 0;
  if (absl::SimpleAtoi(*cell, &value)) return value;
  // PostgreSQL renders booleans as t/f; SQLite has no boolean type.
  if (*cell == "t" || *cell == "true") return 1;
  if (*cell == "f" || *cell == "false") return 0;
  std::fprintf(stderr, "chibo::db::Row::Int: column %zu holds non-integer text '%s'\n", i,
               cell->c_str());
  std::abort();
}

namespace {

absl::StatusOr<int64_t> RowsAffected(absl::StatusOr<ResultSet> result) {
  if (!result.ok()) return result.status();
  return result->rows_affected;
}

absl::StatusOr<std::optional<Row>> OptionalRow(absl::StatusOr<ResultSet> result,
                                               std::string_view sql) {
  if (!result.ok()) return result.status();
  if (result->rows.empty()) return std::optional<Row>();
  if (result->rows.size() > 1) {
    return absl::InternalError(
        absl::StrCat("expected at most one row, got ", result->rows.size(), " for: ", std::string(sql)));
  }
  return std::optional<Row>(std::move(result->rows.front()));
}

}  // namespace

absl::StatusOr<int64_t> Session::Execute(std::string_view sql, const Params& params) {
  return RowsAffected(Query(sql, params));
}

absl::StatusOr<std::optional<Row>> Session::QueryOptionalRow(std::string_view sql,
                                                            const Params& params) {
  return OptionalRow(Query(sql, params), sql);
}

absl::StatusOr<std::vector<ResultSet>> Session::QueryAll(const std::vector<Read>& reads) {
  std::vector<ResultSet> answers;
  answers.reserve(reads.size());
  for (const Read& r : reads) {
    auto one = Query(r.sql, r.params);
    if (!one.ok()) return one.status();
    answers.push_back(*std::move(one));
  }
  return answers;
}

absl::StatusOr<int64_t> Database::Execute(std::string_view sql, const Params& params) {
  return RowsAffected(Query(sql, params));
}

absl::StatusOr<std::optional<Row>> Database::QueryOptionalRow(std::string_view sql,
                                                             const Params& params) {
  return OptionalRow(Query(sql, params), sql);
}

}  // namespace chibo::db
