// Reports stay right whatever changed (docs/reports.md), on SQLite and on
// PostgreSQL, with a real Redis caching them: the tree as it was in each
// month (a cell that moved, opened or closed), the rules in force on each
// meeting's date, and every kind of write — a meeting, a visit, a tree
// change, a rulebook change — showing in the very next read, also when the
// write was made while Redis was paused.
#include "absl/strings/str_cat.h"
#include <map>
#include <thread>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "tests/services/supervision/report_test_base.h"

namespace chibo::supervision::testing {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
namespace rv1 = ::chibo::registry::v1;
using scheduling::testing::Ctx;
using scheduling::testing::MakeUnit;
using scheduling::testing::Mark;
using scheduling::testing::MeetingOn;

class ReportFreshnessTest : public ReportTestBase {
 protected:
  // Scheduling's test tree and xa-b1 (no cells yet) under huyen-b; every
  // cell meets monthly through 2026.
  void SetUp() override {
    StartServices("fresh_");
    if (HasFatalFailure()) return;
    MakeUnit(h_->registry(), admin_, "xa-b1", rv1::BASE_COMMITTEE, "huyen-b", "2020-01-01",
             rv1::COMMUNE_WARD);
    Series("cb-1", "FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9", "2026-01-06T08:00");
    Series("cb-2", "FREQ=MONTHLY;BYDAY=2TU", "2026-01-13T08:00");
    Series("cb-b", "FREQ=MONTHLY;BYDAY=1MO", "2026-01-05T14:00");
    v1::CreateTeamRequest team;
    team.mutable_team()->set_id("to-tinh");
    team.mutable_team()->set_name("Tổ 1 cấp tỉnh");
    team.mutable_team()->set_owner_org_id("tinh");
    team.mutable_team()->set_leader_member_id("m6");
    v1::Team created;
    ASSERT_TRUE(h_->stub().CreateTeam(Ctx(admin_).get(), team, &created).ok());
  }

  sv1::Meeting On(const std::string& cell, const std::string& date) {
    return MeetingOn(h_->scheduling(), admin_, cell, date);
  }

  void Record(const sv1::Meeting& m, const std::vector<std::string>& present, int minutes) {
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    absl::CivilMinute start = *chibo::time::ParseLocalMinute(m.starts_at());
    r.set_actual_end(chibo::time::FormatLocalMinute(start + minutes));
    for (const auto& id : present) *r.add_attendance() = Mark(id, sv1::PRESENT);
    r.set_speakers(1);
    r.set_opinions(3);
    sv1::Meeting out;
    grpc::Status s = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << m.starts_at() << ": " << s.error_message();
  }

  void Visit(const sv1::Meeting& m) {
    v1::RecordVisitRequest r;
    r.mutable_visit()->set_team_id("to-tinh");
    r.mutable_visit()->set_meeting_id(m.id());
    r.mutable_visit()->set_observations("Đúng quy trình");
    v1::Visit out;
    grpc::Status s = h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  rv1::OrgUnit Unit(const std::string& id) {
    rv1::GetOrgUnitRequest r;
    r.set_id(id);
    rv1::OrgUnit out;
    EXPECT_TRUE(h_->registry().stub().GetOrgUnit(Ctx(admin_).get(), r, &out).ok());
    return out;
  }

  void Move(const std::string& id, const std::string& parent, const std::string& on) {
    rv1::MoveOrgUnitRequest r;
    r.set_id(id);
    r.set_new_parent_id(parent);
    r.set_effective_on(on);
    rv1::OrgUnit out;
    grpc::Status s = h_->registry().stub().MoveOrgUnit(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Rename(const std::string& id, const std::string& name) {
    rv1::UpdateOrgUnitRequest r;
    r.mutable_org_unit()->set_id(id);
    r.mutable_org_unit()->set_name(name);
    r.mutable_update_mask()->add_paths("name");
    rv1::OrgUnit out;
    grpc::Status s = h_->registry().stub().UpdateOrgUnit(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static const v1::ComplianceRow* Child(const v1::ComplianceReport& r, const std::string& id) {
    for (const auto& c : r.children()) {
      if (c.org_unit_id() == id) return &c;
    }
    return nullptr;
  }

};

TEST_P(ReportFreshnessTest, AWriteBelowAMovedCellReachesItsFormerParentForTheEarlierPeriod) {
  // cb-2 leaves huyen-a for huyen-b on 1 April.
  Move("cb-2", "xa-b1", "2026-04-01");
  const v1::ComplianceReport a_q1 = Compliance("huyen-a", "2026-Q1");
  const v1::ComplianceReport b_q1 = Compliance("huyen-b", "2026-Q1");
  EXPECT_EQ(a_q1.totals().cells(), 2);
  EXPECT_EQ(a_q1.totals().regular_held(), 0);
  EXPECT_TRUE(Activity("huyen-a", "2026-Q1").levels().empty());

  // Its March meeting is recorded, and visited, after the move.
  Record(On("cb-2", "2026-03-10"), {"m5"}, 120);
  Visit(On("cb-2", "2026-03-10"));
  EXPECT_EQ(Compliance("huyen-a", "2026-Q1").totals().regular_held(), 1);
  EXPECT_EQ(Compliance("huyen-b", "2026-Q1").totals().regular_held(), b_q1.totals().regular_held());
  const v1::ActivityReport a_activity = Activity("huyen-a", "2026-Q1");
  ASSERT_EQ(a_activity.levels_size(), 1);
  EXPECT_EQ(a_activity.levels(0).cells_attended(), 1);
  EXPECT_TRUE(Activity("huyen-b", "2026-Q1").levels().empty());

  // From April on, its meetings are huyen-b's.
  Record(On("cb-2", "2026-04-14"), {"m5"}, 120);
  Visit(On("cb-2", "2026-04-14"));
  EXPECT_EQ(Compliance("huyen-a", "2026-Q2").totals().regular_held(), 0);
  EXPECT_EQ(Compliance("huyen-b", "2026-Q2").totals().regular_held(), 1);
  EXPECT_EQ(Activity("huyen-b", "2026-Q2").levels(0).cells_attended(), 1);
  EXPECT_TRUE(Activity("huyen-a", "2026-Q2").levels().empty());
  // The year: one visited cell each side, where cb-2 stood each time.
  EXPECT_EQ(Activity("huyen-a", "2026").levels(0).cells_attended(), 1);
  EXPECT_EQ(Activity("huyen-b", "2026").levels(0).cells_attended(), 1);
}

TEST_P(ReportFreshnessTest, MonthRowsFollowTheTreeOfEachMonth) {
  Move("cb-2", "xa-b1", "2026-04-01");
  const v1::ComplianceReport a = Compliance("huyen-a", "2026-H1");
  ASSERT_EQ(a.months_size(), 6);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.months(i).expected(), 2) << a.months(i).month();
  for (int i = 3; i < 6; ++i) EXPECT_EQ(a.months(i).expected(), 1) << a.months(i).month();
  EXPECT_EQ(a.totals().cells(), 2);  // cb-1 all along, cb-2 in Q1
  EXPECT_EQ(a.totals().regular_expected(), 9);
  ASSERT_EQ(a.quarters_size(), 2);
  EXPECT_EQ(a.quarters(0).cells(), 2);
  EXPECT_EQ(a.quarters(1).cells(), 1);

  const v1::ComplianceReport province = Compliance("tinh", "2026-H1");
  EXPECT_EQ(province.totals().cells(), 3);
  EXPECT_EQ(province.totals().regular_expected(), 18);
  ASSERT_NE(Child(province, "huyen-a"), nullptr);
  ASSERT_NE(Child(province, "huyen-b"), nullptr);
  EXPECT_EQ(Child(province, "huyen-a")->figures().regular_expected(), 9);
  EXPECT_EQ(Child(province, "huyen-b")->figures().regular_expected(), 9);
  // A cell that stood under both children in the period counts in each.
  EXPECT_EQ(Child(province, "huyen-a")->figures().cells(), 2);
  EXPECT_EQ(Child(province, "huyen-b")->figures().cells(), 2);
}

TEST_P(ReportFreshnessTest, ACellOpenedInAprilIsNotExpectedInTheFirstQuarter) {
  const v1::ComplianceReport q2_before = Compliance("huyen-a", "2026-Q2");
  EXPECT_EQ(q2_before.totals().cells(), 2);
  MakeUnit(h_->registry(), admin_, "cb-3", rv1::SUBORDINATE_CELL, "xa-a1", "2026-04-01",
           rv1::RESIDENTIAL);
  // Opened mid-May: it counts from May, under the unit it opened under.
  MakeUnit(h_->registry(), admin_, "cb-4", rv1::SUBORDINATE_CELL, "xa-a1", "2026-05-15",
           rv1::RESIDENTIAL);
  const v1::ComplianceReport q1 = Compliance("huyen-a", "2026-Q1");
  EXPECT_EQ(q1.totals().cells(), 2);
  EXPECT_EQ(q1.totals().regular_expected(), 6);
  const v1::ComplianceReport q2 = Compliance("huyen-a", "2026-Q2");  // the next read
  EXPECT_EQ(q2.totals().cells(), 4);
  EXPECT_EQ(q2.totals().regular_expected(), 2 * 3 + 3 + 2);
  ASSERT_EQ(q2.months_size(), 3);
  EXPECT_EQ(q2.months(0).expected(), 3);
  EXPECT_EQ(q2.months(1).expected(), 4);
}

TEST_P(ReportFreshnessTest, ACellClosedOnTheFirstOfMayKeepsItsMeetingsOfJanuaryToApril) {
  for (const char* day : {"2026-01-13", "2026-02-10", "2026-03-10", "2026-04-14"}) {
    Record(On("cb-2", day), {"m5"}, 120);
  }
  const v1::ComplianceReport before = Compliance("huyen-a", "2026");
  EXPECT_EQ(before.totals().regular_expected(), 24);
  EXPECT_EQ(before.totals().regular_held(), 4);
  // Its only member moves to cb-1 on 1 May; the cell closes that day.
  rv1::Member moved;
  ASSERT_TRUE(h_->registry()
                  .stub()
                  .TransferMember(Ctx(admin_).get(), registry::testing::Lifecycle("m5", "2026-05-01", "cb-1"), &moved)
                  .ok());
  rv1::CloseOrgUnitRequest close;
  close.set_id("cb-2");
  close.set_closed_on("2026-05-01");
  close.set_reason("Sáp nhập thôn");
  rv1::OrgUnit closed;
  grpc::Status s = h_->registry().stub().CloseOrgUnit(Ctx(admin_).get(), close, &closed);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const v1::ComplianceReport after = Compliance("huyen-a", "2026");  // the next read
  EXPECT_EQ(after.totals().cells(), 2);
  EXPECT_EQ(after.totals().regular_expected(), 12 + 4);
  EXPECT_EQ(after.totals().regular_held(), 4);
  EXPECT_EQ(after.months(3).expected(), 2);  // April
  EXPECT_EQ(after.months(4).expected(), 1);  // May
  // Its planned meetings after closing are nobody's overdue ones.
  EXPECT_EQ(after.totals().unrecorded_past_meetings(), before.totals().unrecorded_past_meetings() - 7);
  EXPECT_NE(after.data_version(), before.data_version());
}

TEST_P(ReportFreshnessTest, ARenameShowsInTheNextReadAlsoWhenMadeWhileRedisWasPaused) {
  const v1::ComplianceReport before = Compliance("tinh", "2026-H1");
  ASSERT_NE(Child(before, "huyen-a"), nullptr);
  EXPECT_EQ(Child(before, "huyen-a")->name(), "Đơn vị huyen-a");
  EXPECT_EQ(Activity("tinh", "2026-H1").children(0).name(), "Đơn vị huyen-a");
  auto activity_name = [](const v1::ActivityReport& r, const std::string& id) {
    for (const auto& child : r.children()) {
      if (child.org_unit_id() == id) return child.name();
    }
    return std::string("(absent)");
  };
  ASSERT_EQ(activity_name(Activity("tinh", "2026-H1"), "huyen-a"), "Đơn vị huyen-a");  // kept
  Rename("huyen-a", "Đảng bộ huyện Ba Bể");
  // The activity report read first: the report kept on the tree supervision
  // held before the rename (its visits unchanged) is not served.
  EXPECT_EQ(activity_name(Activity("tinh", "2026-H1"), "huyen-a"), "Đảng bộ huyện Ba Bể");
  EXPECT_EQ(Child(Compliance("tinh", "2026-H1"), "huyen-a")->name(), "Đảng bộ huyện Ba Bể");

  h_->registry().redis()->Pause();  // SIGSTOP: invalidations cannot be sent
  Rename("huyen-a", "Đảng bộ huyện Chợ Đồn");
  Rename("huyen-b", "Đảng bộ huyện Na Rì");
  h_->registry().redis()->Resume();
  const absl::Time resumed = absl::Now();
  const v1::ComplianceReport compliance = Compliance("tinh", "2026-H1");
  const v1::ActivityReport activity = Activity("tinh", "2026-H1");
  EXPECT_LT(absl::Now() - resumed, absl::Seconds(1));
  EXPECT_EQ(Child(compliance, "huyen-a")->name(), "Đảng bộ huyện Chợ Đồn");
  EXPECT_EQ(Child(compliance, "huyen-b")->name(), "Đảng bộ huyện Na Rì");
  EXPECT_EQ(activity_name(activity, "huyen-a"), "Đảng bộ huyện Chợ Đồn");
  EXPECT_EQ(Unit("huyen-a").name(), "Đảng bộ huyện Chợ Đồn");
}

TEST_P(ReportFreshnessTest, ARulebookChangeRejudgesOnlyTheDatesItCovers) {
  for (const char* day : {"2026-01-06", "2026-02-03", "2026-03-03", "2026-04-07", "2026-05-05",
                          "2026-06-09"}) {
    Record(On("cb-1", day), {"m1", "m2", "m3", "m4"}, 120);
  }
  EXPECT_EQ(Compliance("huyen-a", "2026-Q1").totals().meetings_under_minimum(), 0);
  EXPECT_EQ(Compliance("huyen-a", "2026-Q2").totals().meetings_under_minimum(), 0);
  const v1::ComplianceReport h1_before = Compliance("huyen-a", "2026-H1");
  EXPECT_EQ(h1_before.totals().meetings_under_minimum(), 0);
  EXPECT_DOUBLE_EQ(h1_before.totals().high_attendance_share(), 1.0);

  // From 1 April a regular meeting must last 130 minutes, and "high
  // attendance" means every member.
  rv1::GetRulebookRequest get;
  get.set_province_id("tinh");
  get.set_on_date("2026-04-01");
  rv1::RulebookVersion current;
  ASSERT_TRUE(h_->registry().stub().GetRulebook(Ctx(admin_).get(), get, &current).ok());
  rv1::PutRulebookRequest put;
  put.set_province_id("tinh");
  put.set_effective_from("2026-04-01");
  *put.mutable_rules() = current.rules();
  put.mutable_rules()->set_regular_min_minutes(130);
  put.mutable_rules()->set_report_high_attendance_percent(100);
  rv1::RulebookVersion stored;
  grpc::Status s = h_->registry().stub().PutRulebook(Ctx(admin_).get(), put, &stored);
  ASSERT_TRUE(s.ok()) << s.error_message();

  EXPECT_EQ(Compliance("huyen-a", "2026-Q1").totals().meetings_under_minimum(), 0);
  EXPECT_EQ(Compliance("huyen-a", "2026-Q2").totals().meetings_under_minimum(), 3);
  const v1::ComplianceReport h1 = Compliance("huyen-a", "2026-H1");
  EXPECT_EQ(h1.totals().meetings_under_minimum(), 3);
  // 4 of 4 present everywhere: still at the mark, before and after.
  EXPECT_DOUBLE_EQ(h1.totals().high_attendance_share(), 1.0);
  EXPECT_NE(h1.data_version(), h1_before.data_version());
}

// The standard (đạt chất lượng), each criterion by the rulebook in force on
// the meeting's date: attendance above 85% with nobody absent without
// reason, no member absent three times running, 90 minutes, two speakers.
TEST_P(ReportFreshnessTest, EachMeetingIsJudgedByTheStandardInForceOnItsDate) {
  auto record = [&](const sv1::Meeting& m, const std::map<std::string, sv1::AttendanceMark>& marks,
                    const std::vector<std::string>& members, int minutes, int speakers) {
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(chibo::time::FormatLocalMinute(*chibo::time::ParseLocalMinute(m.starts_at()) + minutes));
    for (const auto& id : members) {
      auto it = marks.find(id);
      const sv1::AttendanceMark mark = it == marks.end() ? sv1::PRESENT : it->second;
      *r.add_attendance() = Mark(id, mark, mark == sv1::ABSENT_EXCUSED ? "ốm" : "");
    }
    r.set_speakers(speakers);
    r.set_opinions(3);
    sv1::Meeting out;
    grpc::Status st = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(st.ok()) << m.starts_at() << ": " << st.error_message();
  };
  const std::vector<std::string> cb1 = {"m1", "m2", "m3", "m4"};
  const std::map<std::string, sv1::AttendanceMark> all, m4_away = {{"m4", sv1::ABSENT_EXCUSED}};
  record(On("cb-1", "2026-01-06"), all, cb1, 120, 2);      // meets it
  record(On("cb-1", "2026-02-03"), m4_away, cb1, 120, 2);  // 75%: attendance
  record(On("cb-1", "2026-03-03"), m4_away, cb1, 120, 2);  // attendance
  record(On("cb-1", "2026-04-07"), m4_away, cb1, 120, 2);  // attendance; m4's third absence running
  record(On("cb-1", "2026-05-05"), all, cb1, 80, 2);       // length
  record(On("cb-1", "2026-06-09"), all, cb1, 120, 1);      // one speaker
  record(On("cb-2", "2026-01-13"), {{"m5", sv1::ABSENT_UNEXCUSED}}, {"m5"}, 120, 0);  // attendance, unexcused, speakers

  const v1::ComplianceFigures h1 = Compliance("huyen-a", "2026-H1").totals();
  EXPECT_EQ(h1.meetings_held(), 7);
  EXPECT_EQ(h1.meetings_meeting_standard(), 1);
  EXPECT_DOUBLE_EQ(h1.standard_share(), 1.0 / 7);
  EXPECT_EQ(h1.standard_failed_attendance(), 4);
  EXPECT_EQ(h1.standard_failed_unexcused(), 1);
  EXPECT_EQ(h1.standard_failed_absence_run(), 1);
  EXPECT_EQ(h1.standard_failed_length(), 1);
  EXPECT_EQ(h1.standard_failed_speakers(), 2);

  // From 1 April four absences running fail it, and one speaker is enough:
  // April's and June's meetings are judged again, January's are not.
  rv1::GetRulebookRequest get;
  get.set_province_id("tinh");
  get.set_on_date("2026-04-01");
  rv1::RulebookVersion current;
  ASSERT_TRUE(h_->registry().stub().GetRulebook(Ctx(admin_).get(), get, &current).ok());
  rv1::PutRulebookRequest put;
  put.set_province_id("tinh");
  put.set_effective_from("2026-04-01");
  *put.mutable_rules() = current.rules();
  put.mutable_rules()->set_standard_max_consecutive_absences(4);
  put.mutable_rules()->set_standard_min_speakers(1);
  rv1::RulebookVersion stored;
  grpc::Status st = h_->registry().stub().PutRulebook(Ctx(admin_).get(), put, &stored);
  ASSERT_TRUE(st.ok()) << st.error_message();
  const v1::ComplianceFigures after = Compliance("huyen-a", "2026-H1").totals();
  EXPECT_EQ(after.standard_failed_absence_run(), 0);
  EXPECT_EQ(after.standard_failed_speakers(), 1);  // cb-2's January meeting, by January's rules
  EXPECT_EQ(after.meetings_meeting_standard(), 2);  // and June's now
  EXPECT_EQ(Compliance("huyen-a", "2026-Q1").totals().meetings_meeting_standard(), 1);

  // m4 came to April's meeting after all: the run is broken, May's figures unchanged.
  record(On("cb-1", "2026-04-07"), all, cb1, 120, 2);
  const v1::ComplianceFigures fixed = Compliance("huyen-a", "2026-H1").totals();
  EXPECT_EQ(fixed.standard_failed_attendance(), 3);
  EXPECT_EQ(fixed.meetings_meeting_standard(), 3);
}

// Absences run on across the new year: November and December 2025 and
// January 2026 missed make three running in January; December corrected
// later breaks it, and January's figure follows.
TEST_P(ReportFreshnessTest, AnAbsenceRunAcrossTheNewYearIsJudgedInJanuary) {
  auto one_off = [&](const std::string& start) {
    sv1::CreateMeetingRequest r;
    r.mutable_meeting()->set_cell_id("cb-1");
    r.mutable_meeting()->set_kind(sv1::REGULAR);
    r.mutable_meeting()->set_starts_at(start);
    r.mutable_meeting()->set_ends_at(start.substr(0, 11) + "10:00");
    sv1::Meeting out;
    grpc::Status st = h_->scheduling().stub().CreateMeeting(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  };
  auto record = [&](const sv1::Meeting& m, bool m4_there) {
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(m.starts_at().substr(0, 11) + "10:30");
    for (const char* id : {"m1", "m2", "m3"}) *r.add_attendance() = Mark(id, sv1::PRESENT);
    *r.add_attendance() = m4_there ? Mark("m4", sv1::PRESENT) : Mark("m4", sv1::ABSENT_EXCUSED, "ốm");
    r.set_speakers(2);
    r.set_opinions(3);
    sv1::Meeting out;
    grpc::Status st = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(st.ok()) << m.starts_at() << ": " << st.error_message();
  };
  const sv1::Meeting nov = one_off("2025-11-04T08:00"), dec = one_off("2025-12-02T08:00");
  record(nov, false);
  record(dec, false);
  record(On("cb-1", "2026-01-06"), false);
  EXPECT_EQ(Compliance("cb-1", "2026-01").totals().standard_failed_absence_run(), 1);
  EXPECT_EQ(Compliance("cb-1", "2025-12").totals().standard_failed_absence_run(), 0);  // two running
  record(dec, true);
  EXPECT_EQ(Compliance("cb-1", "2026-01").totals().standard_failed_absence_run(), 0);
  EXPECT_EQ(Compliance("cb-1", "2025").totals().meetings_held(), 2);
}

// No row is shared between writers of different cells: while a transaction
// holding everything a write to cb-1 locks stays open, a meeting of cb-b
// (another district of the same province) records at once, and one of cb-1
// waits. On SQLite every writer queues by design (one writer at a time).
TEST_P(ReportFreshnessTest, WritersInDifferentCellsDoNotWaitOnEachOther) {
  if (GetParam() == Engine::kSqlite) GTEST_SKIP() << "SQLite runs one writer at a time";
  Record(On("cb-1", "2026-01-06"), {"m1", "m2", "m3", "m4"}, 120);
  Record(On("cb-b", "2026-01-05"), {"m6"}, 120);
  absl::Notification locked, release;
  std::thread holder([&] {
    absl::Status s = h_->scheduling().database().InTransaction([&](db::Session& tx) -> absl::Status {
      // What a write to cb-1 locks: its version row and its fold rows.
      auto a = tx.Execute("UPDATE unit_versions SET version = version + 1 WHERE unit_id = 'cb-1'");
      if (!a.ok()) return a.status();
      auto b = tx.Execute("UPDATE cell_year_facts SET meetings = meetings WHERE cell_id = 'cb-1'");
      if (!b.ok()) return b.status();
      locked.Notify();
      release.WaitForNotificationWithTimeout(absl::Seconds(30));
      return absl::OkStatus();
    });
    EXPECT_TRUE(s.ok()) << s;
  });
  ASSERT_TRUE(locked.WaitForNotificationWithTimeout(absl::Seconds(10)));
  auto record = [&](const sv1::Meeting& m, const std::string& member, absl::Duration deadline) {
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(m.ends_at());
    *r.add_attendance() = Mark(member, sv1::PRESENT);
    if (member == "m1") {
      for (const char* id : {"m2", "m3", "m4"}) *r.add_attendance() = Mark(id, sv1::PRESENT);
    }
    auto ctx = Ctx(admin_);
    ctx->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    sv1::Meeting out;
    return h_->scheduling().stub().RecordMeeting(ctx.get(), r, &out);
  };
  const sv1::Meeting other = On("cb-b", "2026-02-02");
  const sv1::Meeting same = On("cb-1", "2026-02-03");
  const absl::Time start = absl::Now();
  grpc::Status s = record(other, "m6", absl::Seconds(5));
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  // The same cell's writer does wait (so the test can tell).
  EXPECT_EQ(record(same, "m1", absl::Milliseconds(1500)).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  release.Notify();
  holder.join();
  EXPECT_EQ(Compliance("huyen-b", "2026-Q1").totals().regular_held(), 2);
}

// What a cached compliance report rests on (docs/reports.md, "A cached
// read"): supervision sends the data version of the report it built last
// for the same unit and months, and scheduling answers "not modified" only
// while that is still current — after a meeting or a tree write it is not.
TEST_P(ReportFreshnessTest, AHeldSummaryIsNotModifiedOnlyUntilAMeetingOrTreeWrite) {
  auto summarize = [&](const std::string& unit, const std::string& known, bool caller_confirms_tree = false) {
    sv1::SummarizeMeetingsRequest r;
    r.set_org_unit_id(unit);
    r.set_first_month("2026-01");
    r.set_months(6);
    r.set_known_data_version(known);
    r.set_caller_confirms_tree(caller_confirms_tree);
    sv1::MeetingSummary out;
    grpc::Status s = h_->scheduling().stub().SummarizeMeetings(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  };
  const sv1::MeetingSummary first = summarize("tinh", "");
  EXPECT_FALSE(first.not_modified());
  ASSERT_FALSE(first.rows().empty());
  ASSERT_FALSE(first.tree_version().empty());
  EXPECT_NE(first.data_version().find(absl::StrCat(":d", chibo::time::TodayText())), std::string::npos)
      << first.data_version();

  const sv1::MeetingSummary same = summarize("tinh", first.data_version());
  EXPECT_TRUE(same.not_modified());
  EXPECT_TRUE(same.rows().empty());
  EXPECT_EQ(same.data_version(), first.data_version());
  EXPECT_EQ(same.tree_version(), first.tree_version());
  EXPECT_FALSE(summarize("tinh", "t0:f0:d2000-01-01").not_modified());
  // A version held for another unit is not this unit's, though the tree,
  // the folds and the day are the same.
  const sv1::MeetingSummary other = summarize("huyen-a", first.data_version());
  EXPECT_FALSE(other.not_modified());
  EXPECT_FALSE(other.rows().empty());
  EXPECT_NE(other.data_version(), first.data_version());

  // A meeting recorded: the held version is stale, the answer whole.
  const int held_before = Compliance("tinh", "2026-H1").totals().meetings_held();
  Record(On("cb-1", "2026-02-03"), {"m1", "m2", "m3", "m4"}, 120);
  const sv1::MeetingSummary after_meeting = summarize("tinh", first.data_version());
  EXPECT_FALSE(after_meeting.not_modified());
  EXPECT_NE(after_meeting.data_version(), first.data_version());
  EXPECT_EQ(after_meeting.tree_version(), first.tree_version());
  EXPECT_EQ(Compliance("tinh", "2026-H1").totals().meetings_held(), held_before + 1);

  // On the tree it holds (the caller confirms the tree meanwhile): the same.
  const sv1::MeetingSummary on_held = summarize("tinh", after_meeting.data_version(), true);
  EXPECT_TRUE(on_held.not_modified());
  EXPECT_EQ(on_held.tree_version(), after_meeting.tree_version());

  // A tree write: so is the version held since.
  Rename("huyen-a", "Đảng bộ huyện Pác Nặm");
  // Answering on the tree it still holds, scheduling names that tree — no
  // longer the registry's, which is how the caller tells; supervision's
  // kept report (of the same data version) is not served again.
  const sv1::MeetingSummary stale_held = summarize("tinh", after_meeting.data_version(), true);
  EXPECT_TRUE(stale_held.not_modified());
  EXPECT_EQ(stale_held.tree_version(), after_meeting.tree_version());
  EXPECT_EQ(Child(Compliance("tinh", "2026-H1"), "huyen-a")->name(), "Đảng bộ huyện Pác Nặm");
  const sv1::MeetingSummary after_rename = summarize("tinh", after_meeting.data_version());
  EXPECT_FALSE(after_rename.not_modified());
  EXPECT_NE(after_rename.tree_version(), after_meeting.tree_version());
  EXPECT_EQ(Child(Compliance("tinh", "2026-H1"), "huyen-a")->name(), "Đảng bộ huyện Pác Nặm");
  EXPECT_TRUE(summarize("tinh", after_rename.data_version()).not_modified());
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportFreshnessTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace chibo::supervision::testing
