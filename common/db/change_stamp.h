// Change stamps: every row a write changes in a stamped table carries a
// stamp of its transaction; a reader takes a watermark before it reads, and
// later asks whether any row of a partition changed after that watermark.
// Exact on both engines, and no row is shared between writers: writers of
// different rows never wait on each other (docs/reports.md).
//
//   SQLite runs one writer at a time: a stamp is the partition's largest
//   stamp + 1, a watermark the partition's largest stamp, and "changed" a
//   larger stamp.
//   PostgreSQL commits concurrently and out of stamp order, so a counter
//   would miss a transaction that took a smaller stamp and committed later:
//   a stamp is the writing transaction's id (pg_current_xact_id), a
//   watermark the reader's snapshot (pg_current_snapshot), and "changed" a
//   row written by a transaction that snapshot did not see.
//
// The table needs a `stamp BIGINT` column and an index on
// (partition_column, stamp).
#ifndef CHIBO_COMMON_DB_CHANGE_STAMP_H_
#define CHIBO_COMMON_DB_CHANGE_STAMP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/database.h"

namespace chibo::db {

class ChangeStamps {
 public:
  ChangeStamps(Engine engine, std::string table, std::string partition_column);

  // A write's SQL with its `{{STAMP}}` replaced by the expression it
  // assigns to `stamp`, for a row of the partition bound to parameter
  // ?`partition_param`.
  std::string Stamped(std::string sql, int partition_param) const;
  // Taken before reading the partition: everything committed by then is
  // covered (reads after it see at least that).
  absl::StatusOr<std::string> Watermark(Database& db, absl::string_view partition) const;
  // Whether a row of the partition was written after `watermark` (true for
  // a watermark this class did not make).
  absl::StatusOr<bool> ChangedSince(Database& db, absl::string_view partition,
                                    absl::string_view watermark) const;

 private:
  Engine engine_;
  std::string table_, partition_column_;
  std::string watermark_sql_, changed_sql_;
};

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_CHANGE_STAMP_H_
