// Input scheduling refused only after issue #8: meetings outside their
// cell's life or past the planning horizon, records of meetings not yet held
// or held years off their day, tasks due before the meeting, more speakers
// than people present, and requests over the fields' size limits, whose
// errors stay short.
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "tests/services/scheduling/scheduling_test_util.h"

namespace chibo::scheduling::testing {
namespace {

class SchedulingHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = SchedulingHarness::Start();
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->registry().Token(auth::Role::kAdmin, "tinh");
    BuildTree(*h_, admin_);
    // cb-new was founded in 2015.
    registry::testing::MakeUnit(h_->registry(), admin_, "cb-new", rv1::SUBORDINATE_CELL, "xa-a1",
                                "2015-01-01", rv1::RESIDENTIAL);
  }

  grpc::Status Create(const std::string& cell, const std::string& day, v1::Meeting* out) {
    v1::CreateMeetingRequest r;
    r.mutable_meeting()->set_cell_id(cell);
    r.mutable_meeting()->set_kind(v1::REGULAR);
    r.mutable_meeting()->set_starts_at(day + "T08:00");
    r.mutable_meeting()->set_ends_at(day + "T10:30");
    return h_->stub().CreateMeeting(Ctx(admin_).get(), r, out);
  }

  // A record of `m` (cb-1: m1..m4) with everyone present.
  static v1::RecordMeetingRequest FullRecord(const v1::Meeting& m) {
    v1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(m.ends_at());
    for (const char* id : {"m1", "m2", "m3", "m4"}) *r.add_attendance() = Mark(id, v1::PRESENT);
    r.set_speakers(2);
    r.set_opinions(3);
    return r;
  }

  std::unique_ptr<SchedulingHarness> h_;
  std::string admin_;
};

TEST_F(SchedulingHardeningTest, AMeetingMustFallInItsCellsLifeAndTheHorizon) {
  v1::Meeting m;
  EXPECT_EQ(ViolatedFields(Create("cb-new", "1990-06-05", &m)), std::vector<std::string>{"meeting.starts_at"});
  const std::string far = time::FormatDate(absl::CivilDay(time::Today().year() + 3, 6, 5));
  EXPECT_EQ(ViolatedFields(Create("cb-1", far, &m)), std::vector<std::string>{"meeting.starts_at"});
  EXPECT_EQ(ViolatedFields(Create("cb-1", "1899-06-05", &m)),
            (std::vector<std::string>{"meeting.starts_at", "meeting.ends_at"}));
  EXPECT_TRUE(Create("cb-new", "2015-06-05", &m).ok());
  // Nor can a meeting be moved out of the cell's life.
  v1::UpdateMeetingRequest u;
  u.mutable_meeting()->set_id(m.id());
  u.mutable_meeting()->set_starts_at("2014-12-30T08:00");
  u.mutable_meeting()->set_ends_at("2014-12-30T10:00");
  u.mutable_update_mask()->add_paths("starts_at");
  u.mutable_update_mask()->add_paths("ends_at");
  v1::Meeting out;
  EXPECT_EQ(ViolatedFields(h_->stub().UpdateMeeting(Ctx(admin_).get(), u, &out)),
            std::vector<std::string>{"meeting.starts_at"});
}

TEST_F(SchedulingHardeningTest, ARecordMustBeOfAMeetingHeldNearItsDay) {
  const std::string soon = time::FormatDate(time::Today() + 3);
  v1::Meeting future;
  ASSERT_TRUE(Create("cb-1", soon, &future).ok());
  v1::Meeting out;
  // Not held yet: no record (the meeting stays PLANNED).
  grpc::Status s = h_->stub().RecordMeeting(Ctx(admin_).get(), FullRecord(future), &out);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"actual_start", "actual_end"}));
  v1::Meeting past;
  ASSERT_TRUE(Create("cb-1", "2026-03-10", &past).ok());
  // Five years before its planned day.
  v1::RecordMeetingRequest r = FullRecord(past);
  r.set_actual_start("2021-03-10T08:00");
  r.set_actual_end("2021-03-10T10:00");
  EXPECT_EQ(ViolatedFields(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out)),
            std::vector<std::string>{"actual_start"});
  // A task due in 1999, and one before the meeting.
  r = FullRecord(past);
  auto* task = r.add_tasks();
  task->set_assignee_member_id("m1");
  task->set_description("Vận động đóng đảng phí");
  task->set_due_on("1999-01-01");
  *r.add_tasks() = *task;
  r.mutable_tasks(1)->set_due_on("2026-03-09");
  EXPECT_EQ(ViolatedFields(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out)),
            (std::vector<std::string>{"tasks[0].due_on", "tasks[1].due_on"}));
  r.mutable_tasks(0)->set_due_on("2026-04-10");
  r.mutable_tasks(1)->set_due_on("2026-03-10");
  ASSERT_TRUE(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out).ok());
  EXPECT_EQ(out.status(), v1::HELD);
}

TEST_F(SchedulingHardeningTest, NoMoreSpeakersThanPeoplePresent) {
  v1::Meeting m;
  ASSERT_TRUE(Create("cb-1", "2026-03-10", &m).ok());
  v1::RecordMeetingRequest r = FullRecord(m);
  for (int i = 0; i < r.attendance_size(); ++i) {
    *r.mutable_attendance(i) = Mark(r.attendance(i).member_id(), v1::ABSENT_UNEXCUSED);
  }
  r.set_speakers(50);
  r.set_opinions(50);
  v1::Meeting out;
  EXPECT_EQ(ViolatedFields(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out)),
            std::vector<std::string>{"speakers"});
  // Two present and a guest: three may speak.
  *r.mutable_attendance(0) = Mark("m1", v1::PRESENT);
  *r.mutable_attendance(1) = Mark("m2", v1::PRESENT);
  r.add_guests()->set_name("Đồng chí Bí thư Đảng ủy xã");
  r.set_speakers(4);
  EXPECT_EQ(ViolatedFields(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out)),
            std::vector<std::string>{"speakers"});
  r.set_speakers(3);
  EXPECT_TRUE(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out).ok());
}

TEST_F(SchedulingHardeningTest, OversizedRequestsAreRefusedWithShortErrors) {
  v1::Meeting m;
  ASSERT_TRUE(Create("cb-1", "2026-03-10", &m).ok());
  v1::Meeting out;
  // 5,000 tasks of 2,000 characters (10 MB) do not even reach the service.
  v1::RecordMeetingRequest huge = FullRecord(m);
  for (int i = 0; i < 5000; ++i) {
    auto* t = huge.add_tasks();
    t->set_assignee_member_id("m1");
    t->set_description(std::string(2000, 'x'));
  }
  grpc::Status s = h_->stub().RecordMeeting(Ctx(admin_).get(), huge, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  // 300 short tasks: over the 200 a record may hold, named as one violation.
  v1::RecordMeetingRequest many = FullRecord(m);
  for (int i = 0; i < 300; ++i) {
    auto* t = many.add_tasks();
    t->set_assignee_member_id("m1");
    t->set_description("Nhiệm vụ");
  }
  s = h_->stub().RecordMeeting(Ctx(admin_).get(), many, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"tasks"});
  // 1,500 reasons over their 500 bytes (each a violation): the error names
  // the first 10 and counts the rest, and stays small.
  v1::RecordMeetingRequest wrong = FullRecord(m);
  for (int i = 0; i < 1500; ++i) {
    *wrong.add_attendance() = Mark(absl::StrCat("m-", i), v1::ABSENT_EXCUSED, std::string(600, 'z'));
  }
  s = h_->stub().RecordMeeting(Ctx(admin_).get(), wrong, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const std::vector<std::string> fields = ViolatedFields(s);
  ASSERT_EQ(fields.size(), errors::kMaxViolations + 1);
  EXPECT_EQ(fields.back(), "…");
  EXPECT_LT(s.error_details().size() + s.error_message().size(), 6000u);
  // Stored nothing: the meeting is still planned.
  v1::GetMeetingRequest get;
  get.set_id(m.id());
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(admin_).get(), get, &out).ok());
  EXPECT_EQ(out.status(), v1::PLANNED);
}

}  // namespace
}  // namespace chibo::scheduling::testing
