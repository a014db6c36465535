#include "services/supervision/reminder_outbox.h"

#include <sodium.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "chibo/supervision/v1/supervision.pb.h"
#include "common/time/dates.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

namespace v1 = ::chibo::supervision::v1;

std::string DefaultOwner() {
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  return absl::StrCat(host, ":", getpid());
}

}  // namespace

ReminderOutbox::ReminderOutbox(db::Database* db, WebhookOptions options)
    : db_(db), options_(std::move(options)) {
  if (options_.owner.empty()) options_.owner = DefaultOwner();
  // "https://sms.example.vn:8443/hook" → "https://sms.example.vn:8443", "/hook".
  const size_t scheme = options_.url.find("://");
  const size_t path = options_.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  scheme_host_port_ = options_.url.substr(0, path);
  path_ = path == std::string::npos ? "/" : options_.url.substr(path);
}

std::string ReminderOutbox::Signature(const std::string& secret, const std::string& body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  return absl::StrCat("sha256=", absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(mac), sizeof(mac))));
}

absl::StatusOr<DeliveryRound> ReminderOutbox::DeliverDue(absl::Time now, int limit) {
  DeliveryRound round;
  if (options_.url.empty()) return round;
  const int64_t now_unix = absl::ToUnixSeconds(now);
  auto due = db_->Query(sql::kSelectDueOutbox, {now_unix, static_cast<int64_t>(limit)});
  if (!due.ok()) return due.status();
  for (const db::Row& d : due->rows) {
    const std::string id = d.Text(0);
    auto claimed = db_->Execute(sql::kClaimOutbox,
                                {id, options_.owner, now_unix + absl::ToInt64Seconds(options_.lease), now_unix});
    if (!claimed.ok()) return claimed.status();
    if (*claimed == 0) continue;  // another replica has it
    auto row = db_->QueryOptionalRow(sql::kSelectOutboxReminder, {id, options_.owner});
    if (!row.ok()) return row.status();
    if (!row->has_value()) continue;
    const db::Row& r = **row;
    const int attempt = static_cast<int>(r.Int(15)) + 1;
    const std::string at = time::FormatTimestamp(absl::Now());
    if (!r.IsNull(14)) {  // resolved before it went out
      auto n = db_->Execute(sql::kFinishOutbox, {id, options_.owner, static_cast<int64_t>(v1::DELIVERY_SKIPPED),
                                                 r.Int(15), now_unix, db::Param(), "resolved before sending"});
      if (!n.ok()) return n.status();
      ++round.skipped;
      continue;
    }
    const int step = static_cast<int>(r.Int(6));
    const nlohmann::json body_json = {
        {"id", id},
        {"province_id", r.Text(16)},
        {"subject", v1::ReminderSubject_Name(static_cast<v1::ReminderSubject>(r.Int(1)))},
        {"subject_id", r.Text(2)},
        {"visit_id", r.Text(3)},
        {"cell_id", r.Text(4)},
        {"cell_name", r.Text(5)},
        {"step", step},
        {"recipient_org_id", r.Text(7)},
        {"recipient_name", r.Text(8)},
        {"recipient_role", step == 0 ? "SECRETARY" : "COMMITTEE"},
        {"recipient_member_id", r.Text(17)},  // the unit's secretary, when one is recorded
        {"recipient_member_name", r.Text(18)},
        {"recipient_phone", r.Text(19)},
        {"item_date", r.Text(9)},
        {"due_on", r.Text(10)},
        {"days_late", r.Int(11)},
        {"raised_on", r.Text(12)},
        {"text", r.Text(13)},
        {"attempt", attempt},
    };
    const std::string body = body_json.dump();
    httplib::Headers headers = {{"Idempotency-Key", id}, {"X-Chibo-Attempt", std::to_string(attempt)}};
    if (!options_.secret.empty()) headers.emplace("X-Chibo-Signature", Signature(options_.secret, body));
    httplib::Client client(scheme_host_port_);
    const int64_t timeout_s = std::max<int64_t>(1, absl::ToInt64Seconds(options_.timeout));
    client.set_connection_timeout(timeout_s, 0);
    client.set_read_timeout(timeout_s, 0);
    client.set_write_timeout(timeout_s, 0);
    auto res = client.Post(path_, headers, body, "application/json");
    const int status = res ? res->status : 0;
    const bool ok = status >= 200 && status < 300;
    const std::string error =
        ok ? "" : res ? absl::StrCat("HTTP ", status) : absl::StrCat("no answer: ", httplib::to_string(res.error()));
    v1::DeliveryState state = v1::DELIVERED;
    int64_t next = now_unix;
    if (!ok) {
      state = attempt >= options_.max_attempts ? v1::DELIVERY_FAILED : v1::DELIVERY_PENDING;
      absl::Duration wait = options_.first_retry;
      for (int k = 1; k < attempt && wait < options_.max_retry; ++k) wait *= 2;
      next = now_unix + absl::ToInt64Seconds(std::min(wait, options_.max_retry));
    }
    absl::Status s = db_->InTransaction([&](db::Session& tx) -> absl::Status {
      auto audit = tx.Execute(sql::kInsertDelivery, {id, attempt, at, status, error});
      if (!audit.ok()) return audit.status();
      return tx
          .Execute(sql::kFinishOutbox, {id, options_.owner, static_cast<int64_t>(state), attempt, next,
                                        ok ? db::Param(at) : db::Param(), error})
          .status();
    });
    if (!s.ok()) return s;
    if (ok) {
      ++round.delivered;
    } else if (state == v1::DELIVERY_FAILED) {
      ++round.failed;
    } else {
      ++round.retried;
    }
  }
  return round;
}

}  // namespace chibo::supervision
