#include "absl/strings/string_view.h"
#include "common/journal/journaled_write.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace chibo::journal {
namespace {

constexpr char kFindSql[] =
    "SELECT fingerprint, response FROM journal_idempotency WHERE request_key = ?1";
constexpr char kInsertIdempotencySql[] =
    "INSERT INTO journal_idempotency (request_key, fingerprint, response, created_at) "
    "VALUES (?1, ?2, ?3, ?4)";
constexpr char kInsertAuditSql[] =
    "INSERT INTO journal_audit (at, actor, method, resource_type, resource_id, org_unit_id, "
    "request_id, before_json, after_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

// FNV-1a of the request's deterministic bytes, with request_id included:
// a retry sends the same bytes.
std::string Fingerprint(const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
  return absl::StrFormat("%016x", h);
}

enum class Lookup { kAbsent, kReplayed };

absl::StatusOr<Lookup> Replay(db::Session& s, const std::string& key,
                              const std::string& fingerprint,
                              google::protobuf::Message* response) {
  auto row = s.QueryOptionalRow(kFindSql, {key});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return Lookup::kAbsent;
  if ((*row)->Text(0) != fingerprint) {
    return errors::InvalidArgument(
        "request_id", "đã dùng cho một yêu cầu khác / already used for a different request");
  }
  std::string bytes;
  if (!absl::Base64Unescape((*row)->Text(1), &bytes) || !response->ParseFromString(bytes)) {
    return absl::InternalError("stored response unreadable");
  }
  return Lookup::kReplayed;
}

}  // namespace

bool IsValidRequestId(absl::string_view request_id) {
  if (request_id.size() > 128) return false;
  for (char c : request_id)
    if (c < 0x21 || c > 0x7e) return false;
  return true;
}

absl::Status RunJournaledWrite(
    db::Database& db, const WriteContext& context, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status(db::Session&, google::protobuf::Message*, AuditNote&)> body) {
  return RunJournaledWrites(db, context, request, response,
                            [&](db::Session& s, google::protobuf::Message* out, std::vector<AuditNote>& notes) {
                              return body(s, out, notes.emplace_back());
                            });
}

absl::Status RunJournaledWrites(
    db::Database& db, const WriteContext& context, const google::protobuf::Message& request,
    google::protobuf::Message* response,
    absl::FunctionRef<absl::Status(db::Session&, google::protobuf::Message*, std::vector<AuditNote>&)> body) {
  if (!IsValidRequestId(context.request_id)) {
    return errors::InvalidArgument("request_id",
                                   "tối đa 128 ký tự ASCII in được / at most 128 printable ASCII");
  }
  const std::string key =
      context.request_id.empty()
          ? ""
          : absl::StrCat(context.method, "\x1f", context.actor, "\x1f", context.request_id);
  const std::string fingerprint = key.empty() ? "" : Fingerprint(request);

  auto attempt = [&]() -> absl::Status {
    return db.InTransaction([&](db::Session& s) -> absl::Status {
      if (!key.empty()) {
        auto found = Replay(s, key, fingerprint, response);
        if (!found.ok()) return found.status();
        if (*found == Lookup::kReplayed) return absl::OkStatus();
      }
      response->Clear();
      std::vector<AuditNote> notes;
      if (absl::Status st = body(s, response, notes); !st.ok()) return st;
      const std::string now = time::FormatTimestamp(absl::Now());
      for (const AuditNote& note : notes) {
        // Neither row's answer is read: they go to the server with the COMMIT.
        if (absl::Status audited = s.ExecuteLater(kInsertAuditSql,
                                                  {now, context.actor, context.method, note.resource_type,
                                                   note.resource_id, note.org_unit_id, context.request_id,
                                                   note.before_json, note.after_json});
            !audited.ok()) {
          return audited;
        }
      }
      if (!key.empty()) {
        // A concurrent repeat's row makes this one fail at COMMIT
        // (ALREADY_EXISTS), answered below by replaying that repeat.
        if (absl::Status stored = s.ExecuteLater(kInsertIdempotencySql,
                                                 {key, fingerprint,
                                                  absl::Base64Escape(response->SerializeAsString()), now});
            !stored.ok()) {
          return stored;
        }
      }
      return absl::OkStatus();
    });
  };

  absl::Status status = attempt();
  if (status.code() == absl::StatusCode::kAlreadyExists && !key.empty()) {
    // A concurrent repeat committed first (PostgreSQL's unique index caught
    // it): answer with what it stored.
    return db.InTransaction([&](db::Session& s) -> absl::Status {
      auto found = Replay(s, key, fingerprint, response);
      if (!found.ok()) return found.status();
      if (*found == Lookup::kReplayed) return absl::OkStatus();
      return status;  // the conflict was about something else
    });
  }
  return status;
}

std::vector<db::Migration> JournalMigrations() {
  return {{1, "journal",
           R"sql(
CREATE TABLE journal_idempotency (
  request_key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE journal_audit (
  id {{AUTO_ID}},
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  method TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  org_unit_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL
);
CREATE INDEX journal_audit_by_unit ON journal_audit (org_unit_id, id);
CREATE INDEX journal_audit_by_resource ON journal_audit (resource_id, id);
)sql"}};
}

}  // namespace chibo::journal
