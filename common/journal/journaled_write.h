// Every mutation of every service goes through `RunJournaledWrite`, which
// makes three promises in one SQL transaction:
//   - all or nothing: the body's writes, the audit row and the idempotency
//     row commit together or not at all;
//   - a retried write with the same request_id (AIP-155) returns the first
//     result and writes nothing, also when the repeats race each other;
//   - an append-only audit row: who, when, which method, what before/after.
// The tables live in each service's own database (JournalMigrations()).
#ifndef CHIBO_COMMON_JOURNAL_JOURNALED_WRITE_H_
#define CHIBO_COMMON_JOURNAL_JOURNALED_WRITE_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "common/db/database.h"
#include "common/db/migrations.h"
#include "google/protobuf/message.h"

namespace chibo::journal {

// What the body tells the journal about the write it made.
struct AuditNote {
  std::string resource_type;  // "OrgUnit", "Member", ...
  std::string resource_id;
  std::string org_unit_id;    // the unit whose subtree this concerns (scope of readers)
  std::string before_json;    // empty for creations
  std::string after_json;
};

struct WriteContext {
  std::string actor;       // token subject
  std::string method;      // "CreateMember"
  std::string request_id;  // empty: no deduplication
};

// Runs `body(session, response, note)` in a transaction. With a request_id
// already journaled for (actor, method): same request → the stored response
// and OK, nothing run; different request → INVALID_ARGUMENT on request_id.
absl::Status RunJournaledWrite(
    db::Database& db, const WriteContext& context, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status(db::Session&, google::protobuf::Message*, AuditNote&)> body);

// The same for a write of several resources at once (a batch): one audit
// row for each note the body appends.
absl::Status RunJournaledWrites(
    db::Database& db, const WriteContext& context, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status(db::Session&, google::protobuf::Message*, std::vector<AuditNote>&)> body);

// The journal's own tables (`journal_idempotency`, `journal_audit`).
std::vector<db::Migration> JournalMigrations();

// JSON of a message for audit rows (protobuf's JSON mapping).
std::string ToJson(const google::protobuf::Message& message);

// Validates a request_id: optional, at most 128 printable ASCII characters.
bool IsValidRequestId(absl::string_view request_id);

}  // namespace chibo::journal

#endif  // CHIBO_COMMON_JOURNAL_JOURNALED_WRITE_H_
