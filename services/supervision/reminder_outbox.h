// The reminders' outbox (hộp thư đi), docs/reminders.md: what a province
// connects to SMS or messaging. Each reminder raised is POSTed as JSON to the
// webhook, with `Idempotency-Key: <reminder id>` (the same on every attempt,
// so the receiver keeps one) and, when a secret is set, `X-Chibo-Signature:
// sha256=<hex HMAC-SHA256 of the body>`. A 2xx answer delivers it; anything
// else is retried with a doubling back-off until max_attempts, then it is
// FAILED. Every attempt is written down (reminder_deliveries: the audit). A
// replica claims a row under a lease before sending, so several replicas on
// one database send each reminder once; one resolved before it was sent is
// SKIPPED.
#ifndef CHIBO_SERVICES_SUPERVISION_REMINDER_OUTBOX_H_
#define CHIBO_SERVICES_SUPERVISION_REMINDER_OUTBOX_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/database.h"

namespace chibo::supervision {

struct WebhookOptions {
  std::string url;     // http(s)://host[:port]/path; empty: reminders wait in the outbox
  std::string secret;  // HMAC key of X-Chibo-Signature; empty: unsigned
  int max_attempts = 8;
  absl::Duration first_retry = absl::Seconds(30);  // doubled after each failure
  absl::Duration max_retry = absl::Hours(1);
  absl::Duration timeout = absl::Seconds(10);
  absl::Duration lease = absl::Minutes(2);  // a claim outlives one attempt's timeout
  std::string owner;  // this replica's name in claims (host:pid by default)
};

struct DeliveryRound {
  int delivered = 0, retried = 0, failed = 0, skipped = 0;
};

class ReminderOutbox {
 public:
  ReminderOutbox(db::Database* db, WebhookOptions options);
  // Sends what is due at `now` (at most `limit` reminders). Nothing when no
  // URL is set.
  absl::StatusOr<DeliveryRound> DeliverDue(absl::Time now, int limit = 100);
  // The signature header's value for `body`.
  static std::string Signature(const std::string& secret, const std::string& body);

 private:
  db::Database* db_;
  WebhookOptions options_;
  std::string scheme_host_port_, path_;
};

}  // namespace chibo::supervision

#endif  // CHIBO_SERVICES_SUPERVISION_REMINDER_OUTBOX_H_
