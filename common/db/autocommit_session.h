// A Session over a Database's autocommit Query, for read paths that want to
// share code with transactional ones without holding a transaction.
#ifndef CHIBO_COMMON_DB_AUTOCOMMIT_SESSION_H_
#define CHIBO_COMMON_DB_AUTOCOMMIT_SESSION_H_

#include "common/db/database.h"

namespace chibo::db {

class AutocommitSession : public Session {
 public:
  explicit AutocommitSession(Database& db) : db_(db) {}
  absl::StatusOr<ResultSet> Query(std::string_view sql, const Params& params = {}) override {
    return db_.Query(sql, params);
  }
  absl::Status ExecuteScript(std::string_view) override {
    return absl::FailedPreconditionError("scripts need a transaction");
  }

 private:
  Database& db_;
};

}  // namespace chibo::db

#endif  // CHIBO_COMMON_DB_AUTOCOMMIT_SESSION_H_
