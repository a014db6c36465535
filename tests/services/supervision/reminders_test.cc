// Follow-up that escalates (nhắc việc), end to end on SQLite and PostgreSQL
// with the three services over gRPC: a meeting not recorded after the
// rulebook's minutes_record_days reminds the cell's secretary, then one
// committee higher every reminder_escalate_days; an overdue recommendation
// the same; a rescan raises nothing twice; recording or following up
// resolves. The outbox is sent to a real HTTP server started here: retried
// with the same Idempotency-Key, signed, audited attempt by attempt, sent
// once by two replicas racing, skipped once resolved, failed when nobody
// answers.
#include <sodium.h>

#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "services/supervision/reminder_outbox.h"
#include "tests/services/supervision/report_test_base.h"
#include "tests/support/subprocess.h"

namespace chibo::supervision::testing {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
using scheduling::testing::Ctx;
using scheduling::testing::Mark;
using scheduling::testing::ViolatedFields;

// A webhook receiver: answers 500 to the first `failures` attempts of each
// reminder, then 200; keeps what it was sent.
class Receiver {
 public:
  struct Call {
    std::string key, attempt, signature, body;
  };
  explicit Receiver(int failures) : failures_(failures), port_(chibo::testing::PickFreePort()) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu_);
      const std::string key = req.get_header_value("Idempotency-Key");
      calls_.push_back({key, req.get_header_value("X-Chibo-Attempt"), req.get_header_value("X-Chibo-Signature"),
                        req.body});
      res.status = ++seen_[key] <= failures_ ? 500 : 200;
    });
    bound_ = server_.bind_to_port("127.0.0.1", port_);  // listening before the first send
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  bool bound() const { return bound_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Call> calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  int failures_;
  int port_;
  bool bound_ = false;
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Call> calls_;
  std::map<std::string, int> seen_;
};

std::string Hmac(const std::string& key, const std::string& body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return "sha256=" + absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(mac), sizeof(mac)));
}

class RemindersTest : public ReportTestBase {
 protected:
  // The rulebook of 2026: minutes within 3 days, raised every 7 days after.
  // cb-1 (→ xa-a1 → huyen-a → tinh) has a meeting on 10 June left
  // unrecorded; cb-2 one on 28 June; cb-b one on 20 June, recorded and
  // visited by the province's team with a recommendation due on 25 June.
  void SetUp() override {
    StartServices("reminders_");
    if (HasFatalFailure()) return;
    PutRules("2026-01-01", [](registry::v1::Rules* r) {
      r->set_minutes_record_days(3);
      r->set_reminder_escalate_days(7);
    });
    service_ = h_->registry().Token(auth::Role::kService, "tinh", "chibo-supervision");
    // m1 is cb-1's secretary (with a phone); of xa-a1 above it, m3 sits on
    // the committee and m2 on its standing committee.
    for (const auto& [member, unit, position] :
         {std::tuple{"m1", "cb-1", registry::v1::SECRETARY}, {"m3", "xa-a1", registry::v1::COMMITTEE_MEMBER},
          {"m2", "xa-a1", registry::v1::STANDING_COMMITTEE_MEMBER}}) {
      registry::v1::AssignPositionRequest seat;
      seat.set_member_id(member);
      seat.set_org_unit_id(unit);
      seat.set_position(position);
      seat.set_effective_on("2026-01-01");
      registry::v1::Member seated;
      grpc::Status s = h_->registry().stub().AssignPosition(Ctx(admin_).get(), seat, &seated);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    registry::v1::UpdateMemberRequest phone;
    phone.mutable_member()->set_id("m1");
    phone.mutable_member()->set_phone("0912000111");
    phone.mutable_update_mask()->add_paths("phone");
    registry::v1::Member updated;
    grpc::Status ps = h_->registry().stub().UpdateMember(Ctx(admin_).get(), phone, &updated);
    ASSERT_TRUE(ps.ok()) << ps.error_message();
    meeting_a_ = OneOff("cb-1", "2026-06-10T19:30");
    meeting_b_ = OneOff("cb-2", "2026-06-28T19:30");
    const std::string c = OneOff("cb-b", "2026-06-20T08:00");
    Record(c, {"m6"});
    v1::CreateTeamRequest team;
    team.mutable_team()->set_id("to-tinh");
    team.mutable_team()->set_name("Tổ dự sinh hoạt số 1");
    team.mutable_team()->set_owner_org_id("tinh");
    team.mutable_team()->set_leader_member_id("m5");
    v1::Team created;
    ASSERT_TRUE(h_->stub().CreateTeam(Ctx(admin_).get(), team, &created).ok());
    v1::RecordVisitRequest visit;
    visit.mutable_visit()->set_team_id("to-tinh");
    visit.mutable_visit()->set_meeting_id(c);
    auto* rec = visit.mutable_visit()->add_recommendations();
    rec->set_text("Bổ sung sổ ghi biên bản theo mẫu");
    rec->set_due_on("2026-06-25");
    grpc::Status s = h_->stub().RecordVisit(Ctx(supervisor_).get(), visit, &visit_);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string OneOff(const std::string& cell, const std::string& starts_at) {
    sv1::CreateMeetingRequest r;
    r.mutable_meeting()->set_cell_id(cell);
    r.mutable_meeting()->set_kind(sv1::REGULAR);
    r.mutable_meeting()->set_starts_at(starts_at);
    r.mutable_meeting()->set_ends_at(starts_at.substr(0, 11) + "21:45");
    sv1::Meeting out;
    grpc::Status s = h_->scheduling().stub().CreateMeeting(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << cell << " " << starts_at << ": " << s.error_message();
    return out.id();
  }

  void Record(const std::string& meeting_id, const std::vector<std::string>& present) {
    sv1::GetMeetingRequest get;
    get.set_id(meeting_id);
    sv1::Meeting m;
    ASSERT_TRUE(h_->scheduling().stub().GetMeeting(Ctx(admin_).get(), get, &m).ok());
    sv1::RecordMeetingRequest r;
    r.set_id(meeting_id);
    r.set_actual_start(m.starts_at());
    r.set_actual_end(m.ends_at());
    for (const auto& id : present) *r.add_attendance() = Mark(id, sv1::PRESENT);
    sv1::Meeting out;
    grpc::Status s = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  Supervision::ReminderScan Scan(const std::string& today) {
    auth::Claims claims;  // as the service's own loop signs them (main.cc)
    claims.subject = "chibo-supervision";
    claims.roles = {auth::Role::kService};
    claims.scope_org_id = "tinh";
    claims.token = service_;
    auto scan = h_->supervision().ScanReminders(claims, *time::ParseDate(today));
    EXPECT_TRUE(scan.ok()) << scan.status();
    return scan.ok() ? *scan : Supervision::ReminderScan{};
  }

  v1::ListRemindersResponse List(const std::string& org, bool below = false, bool resolved = false,
                                 const std::string& token = "") {
    v1::ListRemindersRequest r;
    r.set_org_unit_id(org);
    r.set_below(below);
    r.set_include_resolved(resolved);
    v1::ListRemindersResponse out;
    grpc::Status s = h_->stub().ListReminders(Ctx(token.empty() ? admin_ : token).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static std::vector<std::string> Recipients(const v1::ListRemindersResponse& r) {
    std::vector<std::string> out;
    for (const auto& x : r.reminders()) out.push_back(absl::StrCat(x.recipient_org_id(), "/", x.step()));
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string service_, meeting_a_, meeting_b_;
  v1::Visit visit_;
};

TEST_P(RemindersTest, RaisesToTheSecretaryThenUpTheTreeOnceEach) {
  // 30 June: cb-1's meeting of 10 June was due on 13 June, 17 days late:
  // the secretary (day 1), xa-a1 (day 8), huyen-a (day 15). The
  // recommendation due 25 June, 5 days late: cb-b's secretary. cb-2's
  // meeting of 28 June is not late yet.
  Supervision::ReminderScan scan = Scan("2026-06-30");
  EXPECT_EQ(scan.outstanding, 2);
  EXPECT_EQ(scan.raised, 4);
  EXPECT_EQ(Recipients(List("huyen-a", true)), (std::vector<std::string>{"cb-1/0", "huyen-a/2", "xa-a1/1"}));
  EXPECT_EQ(Recipients(List("huyen-a")), (std::vector<std::string>{"huyen-a/2"}));
  EXPECT_EQ(List("huyen-a").outstanding(), 1);
  EXPECT_EQ(Recipients(List("cb-2")), (std::vector<std::string>{}));

  const v1::ListRemindersResponse secretary = List("cb-1");
  ASSERT_EQ(secretary.reminders_size(), 1);
  const v1::Reminder& r = secretary.reminders(0);
  EXPECT_EQ(r.subject(), v1::MEETING_NOT_RECORDED);
  EXPECT_EQ(r.subject_id(), meeting_a_);
  EXPECT_EQ(r.item_date(), "2026-06-10");
  EXPECT_EQ(r.due_on(), "2026-06-13");
  EXPECT_EQ(r.days_late(), 17);
  EXPECT_EQ(r.raised_on(), "2026-06-30");
  EXPECT_EQ(r.delivery(), v1::DELIVERY_PENDING);
  EXPECT_TRUE(absl::StrContains(r.text(), "10/06/2026")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "bí thư")) << r.text();
  EXPECT_EQ(r.recipient_member_id(), "m1");  // the cell's secretary
  EXPECT_FALSE(r.recipient_member_name().empty());
  const v1::ListRemindersResponse commune = List("xa-a1");
  ASSERT_EQ(commune.reminders_size(), 1);
  EXPECT_EQ(commune.reminders(0).recipient_member_id(), "m2");  // its standing committee's member
  const v1::Reminder up = List("huyen-a").reminders(0);
  EXPECT_TRUE(absl::StrContains(up.text(), "chuyển lên")) << up.text();
  EXPECT_TRUE(absl::StrContains(up.text(), "cấp ủy")) << up.text();
  EXPECT_EQ(up.recipient_member_id(), "");  // huyen-a has no secretary recorded

  const v1::ListRemindersResponse rec = List("cb-b");
  ASSERT_EQ(rec.reminders_size(), 1);
  EXPECT_EQ(rec.reminders(0).subject(), v1::RECOMMENDATION_OVERDUE);
  EXPECT_EQ(rec.reminders(0).visit_id(), visit_.id());
  EXPECT_EQ(rec.reminders(0).days_late(), 5);
  EXPECT_TRUE(absl::StrContains(rec.reminders(0).text(), "Bổ sung sổ ghi biên bản")) << rec.reminders(0).text();

  // The same day again: nothing twice.
  EXPECT_EQ(Scan("2026-06-30").raised, 0);
  EXPECT_EQ(List("tinh", true).reminders_size(), 4);

  // 7 July: cb-1's meeting 24 days late reaches the province; the
  // recommendation 12 days late reaches huyen-b; cb-2's meeting (due 1 July)
  // reminds its secretary.
  scan = Scan("2026-07-07");
  EXPECT_EQ(scan.raised, 3);
  EXPECT_EQ(Recipients(List("tinh", true)),
            (std::vector<std::string>{"cb-1/0", "cb-2/0", "cb-b/0", "huyen-a/2", "huyen-b/1", "tinh/3", "xa-a1/1"}));
}

TEST_P(RemindersTest, RecordingOrFollowingUpResolves) {
  Scan("2026-07-07");
  Record(meeting_a_, {"m1", "m2", "m3", "m4"});
  v1::UpdateRecommendationRequest follow;
  follow.set_visit_id(visit_.id());
  follow.set_recommendation_id(visit_.recommendations(0).id());
  follow.set_status(v1::DONE);
  follow.set_follow_up("Đã bổ sung");
  v1::Visit followed;
  grpc::Status s = h_->stub().UpdateRecommendation(Ctx(admin_).get(), follow, &followed);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const Supervision::ReminderScan scan = Scan("2026-07-07");
  EXPECT_EQ(scan.resolved, 6);  // cb-1's four, the recommendation's two
  EXPECT_EQ(scan.raised, 0);
  EXPECT_EQ(Recipients(List("tinh", true)), (std::vector<std::string>{"cb-2/0"}));
  const v1::ListRemindersResponse all = List("cb-1", false, true);
  ASSERT_EQ(all.reminders_size(), 1);
  EXPECT_FALSE(all.reminders(0).resolved_at().empty());
  EXPECT_EQ(all.outstanding(), 0);
}

TEST_P(RemindersTest, RefusesBadRequestsAndOutOfScopeCallers) {
  Scan("2026-06-30");
  v1::ListRemindersRequest bad;
  bad.set_page_size(-1);
  v1::ListRemindersResponse out;
  grpc::Status s = h_->stub().ListReminders(Ctx(admin_).get(), bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"org_unit_id", "page_size"}));
  // cb-2's secretary sees neither cb-1's reminders nor huyen-a's.
  const std::string secretary = h_->registry().Token(auth::Role::kSecretary, "cb-2");
  v1::ListRemindersRequest other;
  other.set_org_unit_id("cb-1");
  EXPECT_EQ(h_->stub().ListReminders(Ctx(secretary).get(), other, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetReminderRequest get;
  get.set_id(List("huyen-a").reminders(0).id());
  v1::Reminder reminder;
  EXPECT_EQ(h_->stub().GetReminder(Ctx(secretary).get(), get, &reminder).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // cb-1's secretary sees the escalated one about her cell.
  EXPECT_TRUE(h_->stub().GetReminder(Ctx(h_->registry().Token(auth::Role::kSecretary, "cb-1")).get(), get, &reminder).ok());
  get.set_id("nb-0-none");
  EXPECT_EQ(h_->stub().GetReminder(Ctx(admin_).get(), get, &reminder).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(RemindersTest, TheWebhookIsRetriedSignedAuditedAndSentOnce) {
  Scan("2026-06-30");  // four reminders
  Receiver receiver(/*failures=*/2);
  ASSERT_TRUE(receiver.bound());
  WebhookOptions options;
  options.url = receiver.url();
  options.secret = "khóa-bí-mật";
  options.first_retry = absl::Seconds(60);
  options.max_attempts = 5;
  options.owner = "replica-1";
  ReminderOutbox outbox(&h_->database(), options);
  const absl::Time t0 = absl::Now();
  auto round = outbox.DeliverDue(t0);
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->retried, 4);
  EXPECT_EQ(outbox.DeliverDue(t0 + absl::Seconds(30))->retried, 0);  // not due before 60 s
  EXPECT_EQ(outbox.DeliverDue(t0 + absl::Seconds(61))->retried, 4);  // second failure
  EXPECT_EQ(outbox.DeliverDue(t0 + absl::Seconds(150))->delivered, 0);  // next after 120 s more
  EXPECT_EQ(outbox.DeliverDue(t0 + absl::Seconds(200))->delivered, 4);
  EXPECT_EQ(outbox.DeliverDue(t0 + absl::Hours(10))->delivered, 0);  // never again

  const auto calls = receiver.calls();
  ASSERT_EQ(calls.size(), 12u);
  std::map<std::string, std::vector<std::string>> attempts;
  for (const auto& c : calls) {
    attempts[c.key].push_back(c.attempt);
    EXPECT_EQ(c.signature, Hmac("khóa-bí-mật", c.body));
    const auto body = nlohmann::json::parse(c.body);
    EXPECT_EQ(body["id"], c.key);
    // The SMS bridge gets the secretary's phone: cb-1's is recorded.
    if (body["recipient_org_id"] == "cb-1") EXPECT_EQ(body["recipient_phone"], "0912000111") << c.body;
    if (body["recipient_org_id"] == "cb-1") EXPECT_EQ(body["recipient_member_id"], "m1") << c.body;
    EXPECT_FALSE(body["text"].get<std::string>().empty());
  }
  ASSERT_EQ(attempts.size(), 4u);
  for (const auto& [key, seen] : attempts) EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "3"})) << key;

  v1::GetReminderRequest get;
  get.set_id(List("cb-1").reminders(0).id());
  v1::Reminder r;
  ASSERT_TRUE(h_->stub().GetReminder(Ctx(admin_).get(), get, &r).ok());
  EXPECT_EQ(r.delivery(), v1::DELIVERED);
  EXPECT_EQ(r.attempts(), 3);
  EXPECT_FALSE(r.delivered_at().empty());
  ASSERT_EQ(r.delivery_attempts_size(), 3);
  EXPECT_EQ(r.delivery_attempts(0).http_status(), 500);
  EXPECT_EQ(r.delivery_attempts(1).http_status(), 500);
  EXPECT_EQ(r.delivery_attempts(2).http_status(), 200);
}

TEST_P(RemindersTest, TwoReplicasSendEachReminderOnce) {
  Scan("2026-07-07");  // seven reminders
  Receiver receiver(/*failures=*/0);
  ASSERT_TRUE(receiver.bound());
  WebhookOptions a, b;
  a.url = b.url = receiver.url();
  a.owner = "replica-a";
  b.owner = "replica-b";
  ReminderOutbox first(&h_->database(), a), second(&h_->database(), b);
  const absl::Time now = absl::Now();
  DeliveryRound ra, rb;
  std::thread ta([&] { ra = *first.DeliverDue(now); });
  std::thread tb([&] { rb = *second.DeliverDue(now); });
  ta.join();
  tb.join();
  EXPECT_EQ(ra.delivered + rb.delivered, 7);
  std::map<std::string, int> per_key;
  for (const auto& c : receiver.calls()) ++per_key[c.key];
  EXPECT_EQ(per_key.size(), 7u);
  for (const auto& [key, n] : per_key) EXPECT_EQ(n, 1) << key;
}

TEST_P(RemindersTest, ResolvedBeforeSendingIsSkippedAndNobodyAnsweringFails) {
  Scan("2026-06-30");
  Record(meeting_a_, {"m1", "m2", "m3", "m4"});
  Scan("2026-06-30");  // cb-1's three resolved; the recommendation's one left
  WebhookOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(chibo::testing::PickFreePort()) + "/hook";  // nobody
  options.max_attempts = 2;
  options.first_retry = absl::Seconds(1);
  options.timeout = absl::Seconds(1);
  ReminderOutbox outbox(&h_->database(), options);
  const absl::Time t0 = absl::Now();
  auto round = outbox.DeliverDue(t0);
  ASSERT_TRUE(round.ok()) << round.status();
  EXPECT_EQ(round->skipped, 3);
  EXPECT_EQ(round->retried, 1);
  EXPECT_EQ(outbox.DeliverDue(t0 + absl::Seconds(5))->failed, 1);
  v1::GetReminderRequest get;
  get.set_id(List("cb-b").reminders(0).id());
  v1::Reminder r;
  ASSERT_TRUE(h_->stub().GetReminder(Ctx(admin_).get(), get, &r).ok());
  EXPECT_EQ(r.delivery(), v1::DELIVERY_FAILED);
  EXPECT_EQ(r.delivery_attempts_size(), 2);
  EXPECT_EQ(r.delivery_attempts(1).http_status(), 0);
  EXPECT_TRUE(absl::StartsWith(r.last_error(), "no answer")) << r.last_error();
  get.set_id(List("cb-1", false, true).reminders(0).id());
  ASSERT_TRUE(h_->stub().GetReminder(Ctx(admin_).get(), get, &r).ok());
  EXPECT_EQ(r.delivery(), v1::DELIVERY_SKIPPED);
}

INSTANTIATE_TEST_SUITE_P(Engines, RemindersTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);

}  // namespace
}  // namespace chibo::supervision::testing
