// End to end across all three services over real gRPC, on SQLite and on
// PostgreSQL, with a real Redis caching the reports: series from the RRULE
// for "Tuesday of the second week", attendance recorded, a member exempted
// and the expected count dropping, visits by two levels, and both reports
// giving exact numbers; then a new meeting record or visit changes the next
// report read (never a stale figure).
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "services/supervision/activity_narrative.h"
#include "tests/services/supervision/report_test_base.h"

namespace chibo::supervision::testing {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
namespace rv1 = ::chibo::registry::v1;
using scheduling::testing::Ctx;
using scheduling::testing::Mark;
using scheduling::testing::MeetingOn;
using scheduling::testing::ViolatedFields;

class SupervisionFlowTest : public ReportTestBase {
 protected:
  void SetUp() override {
    StartServices("");
    if (HasFatalFailure()) return;
    BuildHalfYear();
  }

  sv1::Meeting OneOff(const std::string& unit, sv1::MeetingKind kind, const std::string& start,
                      const std::string& end) {
    sv1::CreateMeetingRequest r;
    r.mutable_meeting()->set_cell_id(unit);
    r.mutable_meeting()->set_kind(kind);
    r.mutable_meeting()->set_starts_at(start);
    r.mutable_meeting()->set_ends_at(end);
    sv1::Meeting out;
    grpc::Status s = h_->scheduling().stub().CreateMeeting(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // Records `m` lasting `minutes`, with `opinions`; everyone in `present`
  // present and everyone in `excused` absent with a reason.
  void Record(const sv1::Meeting& m, const std::vector<std::string>& present,
              const std::vector<std::string>& excused, int minutes, int opinions) {
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    absl::CivilMinute start = *chibo::time::ParseLocalMinute(m.starts_at());
    r.set_actual_end(chibo::time::FormatLocalMinute(start + minutes));
    for (const auto& id : present) *r.add_attendance() = Mark(id, sv1::PRESENT);
    for (const auto& id : excused) *r.add_attendance() = Mark(id, sv1::ABSENT_EXCUSED, "đi công tác");
    r.set_speakers(opinions > 0 ? 1 : 0);
    r.set_opinions(opinions);
    sv1::Meeting out;
    grpc::Status s = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << m.starts_at() << ": " << s.error_message();
  }

  v1::Team Team(const std::string& id, const std::string& owner, const std::string& leader) {
    v1::CreateTeamRequest r;
    r.mutable_team()->set_id(id);
    r.mutable_team()->set_name("Tổ " + id);
    r.mutable_team()->set_owner_org_id(owner);
    r.mutable_team()->set_leader_member_id(leader);
    v1::Team out;
    grpc::Status s = h_->stub().CreateTeam(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  grpc::Status Visit(const std::string& team, const sv1::Meeting& m, v1::Visit* out = nullptr,
                     const std::string& request_id = "") {
    v1::RecordVisitRequest r;
    r.set_request_id(request_id);
    r.mutable_visit()->set_team_id(team);
    r.mutable_visit()->set_meeting_id(m.id());
    r.mutable_visit()->set_observations("Chi bộ sinh hoạt đúng quy trình");
    auto* score = r.mutable_visit()->add_scores();
    score->set_criterion("Tổng hợp");
    score->set_points(85);
    score->set_max_points(100);
    auto* rec = r.mutable_visit()->add_recommendations();
    rec->set_text("Tăng cường thảo luận");
    v1::Visit ignored;
    return h_->stub().RecordVisit(Ctx(supervisor_).get(), r, out ? out : &ignored);
  }

  void BuildHalfYear() {
    rv1::Member exempted;
    ASSERT_TRUE(h_->registry()
                    .stub()
                    .StartExemption(Ctx(admin_).get(), registry::testing::Lifecycle("m4", "2026-03-01"), &exempted)
                    .ok());
    Series("cb-1", "FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9", "2026-01-06T08:00");
    Series("cb-2", "FREQ=MONTHLY;BYDAY=2TU", "2026-01-13T08:00");
    Series("cb-b", "FREQ=MONTHLY;BYDAY=1MO", "2026-01-05T14:00");
    committee_ = OneOff("xa-a1", sv1::COMMITTEE, "2026-02-10T14:00", "2026-02-10T16:00");
    thematic_ = OneOff("cb-1", sv1::THEMATIC, "2026-03-20T19:30", "2026-03-20T21:30");
    auto& sh = h_->scheduling();
    Record(MeetingOn(sh, admin_, "cb-1", "2026-01-06"), {"m1", "m2", "m3", "m4"}, {}, 150, 3);
    Record(MeetingOn(sh, admin_, "cb-1", "2026-02-03"), {"m1", "m2", "m3"}, {"m4"}, 120, 3);
    for (const char* day : {"2026-03-03", "2026-04-07", "2026-05-05"}) {
      Record(MeetingOn(sh, admin_, "cb-1", day), {"m1", "m2", "m3"}, {}, 120, 3);
    }
    Record(MeetingOn(sh, admin_, "cb-1", "2026-06-09"), {"m1", "m2", "m3"}, {}, 80, 3);
    Record(thematic_, {"m1", "m2", "m3"}, {}, 120, 2);
    for (const char* day : {"2026-01-13", "2026-02-10", "2026-03-10"}) {
      Record(MeetingOn(sh, admin_, "cb-2", day), {"m5"}, {}, 120, 3);
    }
    Team("to-tinh", "tinh", "m6");
    Team("to-huyen-a", "huyen-a", "m5");
    ASSERT_TRUE(Visit("to-tinh", MeetingOn(sh, admin_, "cb-1", "2026-01-06")).ok());
    ASSERT_TRUE(Visit("to-tinh", thematic_).ok());
    ASSERT_TRUE(Visit("to-tinh", MeetingOn(sh, admin_, "cb-b", "2026-02-02")).ok());
    ASSERT_TRUE(Visit("to-tinh", committee_).ok());
    ASSERT_TRUE(Visit("to-huyen-a", MeetingOn(sh, admin_, "cb-1", "2026-02-03")).ok());
    ASSERT_TRUE(Visit("to-huyen-a", MeetingOn(sh, admin_, "cb-2", "2026-01-13")).ok());
    ASSERT_TRUE(Visit("to-huyen-a", MeetingOn(sh, admin_, "cb-2", "2026-02-10")).ok());
  }

  sv1::Meeting committee_, thematic_;
};

void ExpectLevel(const v1::LevelActivity& a, v1::SupervisionLevel level, int cells, int base,
                 int subordinate, int cell_meetings, int committee, int thematic, int most, int fewest) {
  EXPECT_EQ(a.level(), level);
  EXPECT_EQ(a.cells_attended(), cells) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.base_cells_attended(), base) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.subordinate_cells_attended(), subordinate) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.cell_meetings_attended(), cell_meetings) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.committee_meetings_attended(), committee) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.thematic_meetings_attended(), thematic) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.most_cells_by_one().cells(), most) << v1::SupervisionLevel_Name(level);
  EXPECT_EQ(a.fewest_cells_by_one().cells(), fewest) << v1::SupervisionLevel_Name(level);
}

TEST_P(SupervisionFlowTest, ActivityReportPerLevelWithDrillDownAndParagraph) {
  v1::ActivityReport a = Activity();
  EXPECT_EQ(a.from(), "2026-01-01");
  EXPECT_EQ(a.to(), "2026-06-30");
  ASSERT_EQ(a.levels_size(), 2);
  ExpectLevel(a.levels(0), v1::PROVINCE_LEVEL, 2, 1, 1, 3, 1, 1, 2, 2);
  ExpectLevel(a.levels(1), v1::DISTRICT_LEVEL, 2, 0, 2, 3, 0, 0, 2, 2);
  EXPECT_EQ(a.levels(0).most_cells_by_one().group_name(), "Tổ to-tinh");
  EXPECT_EQ(a.levels(1).most_cells_by_one().group_name(), "Đơn vị huyen-a");
  ASSERT_EQ(a.children_size(), 2);
  EXPECT_EQ(a.children(0).org_unit_id(), "huyen-a");
  ASSERT_EQ(a.children(0).levels_size(), 2);
  ExpectLevel(a.children(0).levels(0), v1::PROVINCE_LEVEL, 1, 0, 1, 2, 1, 1, 1, 1);
  ExpectLevel(a.children(0).levels(1), v1::DISTRICT_LEVEL, 2, 0, 2, 3, 0, 0, 2, 2);
  EXPECT_EQ(a.children(1).org_unit_id(), "huyen-b");
  ASSERT_EQ(a.children(1).levels_size(), 1);
  ExpectLevel(a.children(1).levels(0), v1::PROVINCE_LEVEL, 1, 1, 0, 1, 0, 0, 1, 1);
  EXPECT_TRUE(absl::StrContains(
      a.narrative(),
      "Trong 6 tháng đầu năm 2026, các tổ dự sinh hoạt cấp tỉnh dự sinh hoạt được 02 chi bộ (01 chi bộ "
      "cơ sở, 01 chi bộ trực thuộc đảng ủy cơ sở), dự họp đảng ủy cơ sở 01 cuộc; dự sinh hoạt chuyên "
      "đề 01 buổi."))
      << a.narrative();
  EXPECT_TRUE(absl::StrContains(a.narrative(), "Các tổ cấp huyện dự sinh hoạt được 02 chi bộ")) << a.narrative();
  // It ends with the levels' coverage together and the standard, from the
  // coverage and compliance reports of the same unit and period.
  v1::ReportRequest same;
  same.set_org_unit_id("tinh");
  same.set_period("2026-H1");
  v1::CoverageReport coverage;
  ASSERT_TRUE(h_->stub().GetCoverageReport(Ctx(admin_).get(), same, &coverage).ok());
  const std::string tail = absl::StrCat(CoverageSentence(coverage.figures(), Language::kVietnamese), " ",
                                        StandardSentence(Compliance().totals(), Language::kVietnamese));
  EXPECT_TRUE(absl::EndsWith(a.narrative(), tail)) << a.narrative() << "\n" << tail;
  EXPECT_TRUE(absl::StrContains(a.narrative(), "Tính chung các cấp, đã dự sinh hoạt tại 03/03 chi bộ")) << a.narrative();
  EXPECT_TRUE(absl::StrContains(a.narrative(), "đạt tiêu chuẩn chất lượng theo Hướng dẫn 12-HD/BTCTW")) << a.narrative();
  EXPECT_TRUE(absl::StrContains(a.narrative_en(), "Across the levels, meetings of 3 of 3 cells")) << a.narrative_en();
  // A district's own report only sees what happened below it.
  v1::ActivityReport b = Activity("huyen-b");
  ASSERT_EQ(b.levels_size(), 1);
  ExpectLevel(b.levels(0), v1::PROVINCE_LEVEL, 1, 1, 0, 1, 0, 0, 1, 1);
}

// Teams sharing the most or the fewest cells are all named, in the report
// and in both paragraphs; teams that all have one count, or a lone team, are
// not compared with themselves.
TEST_P(SupervisionFlowTest, ActivityTiesAreNamedAndNoTeamIsComparedWithItself) {
  auto& sh = h_->scheduling();
  v1::ActivityReport a = Activity();
  // One provincial team (to-tinh: cb-1, cb-b), one district's committee.
  ASSERT_EQ(a.levels_size(), 2);
  EXPECT_EQ(a.levels(0).groups(), 1);
  EXPECT_EQ(std::vector<std::string>(a.levels(0).most_cells_by_one().group_names().begin(),
                                     a.levels(0).most_cells_by_one().group_names().end()),
            std::vector<std::string>{"Tổ to-tinh"});
  EXPECT_TRUE(absl::StrContains(a.narrative(), "Tổ to-tinh dự sinh hoạt được 02 chi bộ.")) << a.narrative();
  EXPECT_TRUE(absl::StrContains(a.narrative_en(), "Tổ to-tinh attended meetings of 2 cells.")) << a.narrative_en();
  EXPECT_FALSE(absl::StrContains(a.narrative(), "nhiều nhất")) << a.narrative();
  EXPECT_FALSE(absl::StrContains(a.narrative(), " 00 ")) << a.narrative();

  // A second team with as many cells (cb-2, cb-1): every team the same.
  Team("to-tinh-2", "tinh", "m6");
  ASSERT_TRUE(Visit("to-tinh-2", MeetingOn(sh, admin_, "cb-2", "2026-01-13")).ok());
  ASSERT_TRUE(Visit("to-tinh-2", MeetingOn(sh, admin_, "cb-1", "2026-03-03")).ok());
  a = Activity();
  const std::vector<std::string> both = {"Tổ to-tinh", "Tổ to-tinh-2"};
  auto names = [](const v1::GroupCount& g) {
    return std::vector<std::string>(g.group_names().begin(), g.group_names().end());
  };
  auto ids = [](const v1::GroupCount& g) {
    return std::vector<std::string>(g.group_ids().begin(), g.group_ids().end());
  };
  EXPECT_EQ(names(a.levels(0).most_cells_by_one()), both);
  EXPECT_EQ(ids(a.levels(0).most_cells_by_one()), (std::vector<std::string>{"to-tinh", "to-tinh-2"}));
  EXPECT_EQ(names(a.levels(0).fewest_cells_by_one()), both);
  EXPECT_EQ(a.levels(0).most_cells_by_one().group_name(), "Tổ to-tinh");
  EXPECT_EQ(a.levels(0).most_cells_by_one().cells(), 2);
  EXPECT_EQ(a.levels(0).cells_attended(), 3);
  EXPECT_TRUE(absl::StrContains(a.narrative(), "Mỗi tổ dự sinh hoạt được 02 chi bộ (Tổ to-tinh và Tổ to-tinh-2)."))
      << a.narrative();
  EXPECT_TRUE(absl::StrContains(a.narrative_en(), "Each team attended meetings of 2 cells (Tổ to-tinh and Tổ to-tinh-2)."))
      << a.narrative_en();
  EXPECT_FALSE(absl::StrContains(a.narrative(), "nhiều nhất")) << a.narrative();

  // A third with one cell: the two share the most, the third has the fewest.
  Team("to-tinh-3", "tinh", "m6");
  ASSERT_TRUE(Visit("to-tinh-3", MeetingOn(sh, admin_, "cb-b", "2026-02-02")).ok());
  a = Activity();
  EXPECT_EQ(names(a.levels(0).most_cells_by_one()), both);
  EXPECT_EQ(names(a.levels(0).fewest_cells_by_one()), std::vector<std::string>{"Tổ to-tinh-3"});
  EXPECT_EQ(a.levels(0).fewest_cells_by_one().group_id(), "to-tinh-3");
  EXPECT_EQ(a.levels(0).fewest_cells_by_one().cells(), 1);
  EXPECT_TRUE(absl::StrContains(a.narrative(), "Tổ dự sinh hoạt nhiều nhất được 02 chi bộ (Tổ to-tinh và Tổ "
                                               "to-tinh-2), dự ít nhất 01 chi bộ (Tổ to-tinh-3)."))
      << a.narrative();
  EXPECT_TRUE(absl::StrContains(a.narrative_en(), "The most cells attended by one team: 2 (Tổ to-tinh and Tổ "
                                                  "to-tinh-2); the fewest: 1 (Tổ to-tinh-3)."))
      << a.narrative_en();
}

TEST_P(SupervisionFlowTest, ComplianceReportGivesExactFigures) {
  v1::ComplianceReport c = Compliance();
  const auto& t = c.totals();
  EXPECT_EQ(t.cells(), 3);
  EXPECT_EQ(t.regular_expected(), 18);
  EXPECT_EQ(t.regular_held(), 9);
  EXPECT_EQ(t.thematic_held(), 1);
  EXPECT_EQ(t.meetings_held(), 10);
  EXPECT_EQ(t.meetings_under_minimum(), 1);
  EXPECT_DOUBLE_EQ(t.attendance_rate(), 0.975);
  EXPECT_DOUBLE_EQ(t.high_attendance_share(), 0.9);
  EXPECT_DOUBLE_EQ(t.opinions_per_meeting(), 2.9);
  EXPECT_DOUBLE_EQ(t.average_minutes(), 119);
  EXPECT_EQ(t.unrecorded_past_meetings(), 9);
  ASSERT_EQ(c.months_size(), 6);
  const int held_by_month[] = {2, 2, 2, 1, 1, 1};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(c.months(i).month(), absl::StrCat("2026-0", i + 1));
    EXPECT_EQ(c.months(i).expected(), 3);
    EXPECT_EQ(c.months(i).held(), held_by_month[i]) << c.months(i).month();
  }
  ASSERT_EQ(c.quarters_size(), 2);
  EXPECT_EQ(c.quarters(0).quarter(), "2026-Q1");
  EXPECT_EQ(c.quarters(0).held(), 1);
  EXPECT_EQ(c.quarters(0).cells_with_thematic(), 1);
  EXPECT_EQ(c.quarters(1).held(), 0);
  ASSERT_EQ(c.children_size(), 2);
  EXPECT_EQ(c.children(0).figures().cells(), 2);
  EXPECT_EQ(c.children(0).figures().regular_held(), 9);
  EXPECT_EQ(c.children(1).figures().cells(), 1);
  EXPECT_EQ(c.children(1).figures().regular_held(), 0);
  EXPECT_EQ(c.children(1).figures().unrecorded_past_meetings(), 6);
}

// A kept activity report names its teams; renaming one (no visit written)
// shows in the next read, also when that read finds the kept report first.
TEST_P(SupervisionFlowTest, ATeamRenameShowsInTheNextActivityRead) {
  ASSERT_EQ(Activity().levels(0).most_cells_by_one().group_name(), "Tổ to-tinh");
  ASSERT_EQ(Activity().levels(0).most_cells_by_one().group_name(), "Tổ to-tinh");  // kept
  v1::UpdateTeamRequest r;
  r.mutable_team()->set_id("to-tinh");
  r.mutable_team()->set_name("Tổ giám sát số 1");
  r.mutable_update_mask()->add_paths("name");
  v1::Team out;
  grpc::Status s = h_->stub().UpdateTeam(Ctx(admin_).get(), r, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::ActivityReport a = Activity();
  EXPECT_EQ(a.levels(0).most_cells_by_one().group_name(), "Tổ giám sát số 1");
  EXPECT_TRUE(absl::StrContains(a.narrative(), "Tổ giám sát số 1")) << a.narrative();
}

TEST_P(SupervisionFlowTest, ANewRecordOrVisitChangesTheNextReportRead) {
  const v1::ComplianceReport before = Compliance();
  const v1::ActivityReport activity_before = Activity();
  // Reading again is served from the caches: the activity report from
  // supervision's, the compliance report's meeting summary from scheduling's.
  const auto stats0 = h_->report_cache().stats();
  const auto summary0 = h_->scheduling().cache().stats();
  EXPECT_EQ(Compliance().SerializeAsString(), before.SerializeAsString());
  EXPECT_EQ(Activity().SerializeAsString(), activity_before.SerializeAsString());
  const auto stats1 = h_->report_cache().stats();
  const auto summary1 = h_->scheduling().cache().stats();
  EXPECT_EQ(stats1.hit_near + stats1.hit_redis, stats0.hit_near + stats0.hit_redis + 1);
  // The compliance report, and the activity report's paragraph (its standard sentence).
  EXPECT_EQ(summary1.hit_near + summary1.hit_redis, summary0.hit_near + summary0.hit_redis + 2);

  // cb-2 records April: held +1, overdue −1.
  Record(MeetingOn(h_->scheduling(), admin_, "cb-2", "2026-04-14"), {"m5"}, {}, 100, 1);
  const v1::ComplianceReport after = Compliance();
  EXPECT_EQ(after.totals().regular_held(), before.totals().regular_held() + 1);
  EXPECT_EQ(after.totals().unrecorded_past_meetings(), before.totals().unrecorded_past_meetings() - 1);
  EXPECT_NE(after.data_version(), before.data_version());

  // The district team visits cb-1 in March: one more district cell meeting.
  ASSERT_TRUE(Visit("to-huyen-a", MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-03-03")).ok());
  const v1::ActivityReport activity_after = Activity();
  EXPECT_EQ(activity_after.levels(1).cell_meetings_attended(),
            activity_before.levels(1).cell_meetings_attended() + 1);
}

TEST_P(SupervisionFlowTest, VisitsAreGradedByTheRulebookAndRefusedWhenWrong) {
  v1::Visit visit, retried;
  const sv1::Meeting march = MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-03-03");
  ASSERT_TRUE(Visit("to-tinh", march, &visit, "ghi-luot-du-1").ok());
  // A retry with the same request_id answers the first visit and adds none.
  ASSERT_TRUE(Visit("to-tinh", march, &retried, "ghi-luot-du-1").ok());
  EXPECT_EQ(retried.id(), visit.id());
  v1::ListVisitsRequest list;
  list.set_org_unit_id("cb-1");
  list.set_from("2026-03-03");
  list.set_to("2026-03-03");
  v1::ListVisitsResponse listed;
  ASSERT_TRUE(h_->stub().ListVisits(Ctx(admin_).get(), list, &listed).ok());
  EXPECT_EQ(listed.visits_size(), 1);
  EXPECT_EQ(visit.score(), 85);
  EXPECT_EQ(visit.grade(), v1::FAIR);
  EXPECT_EQ(visit.level(), v1::PROVINCE_LEVEL);
  EXPECT_EQ(visit.unit_kind(), "SUBORDINATE_CELL");
  ASSERT_EQ(visit.recommendations_size(), 1);
  EXPECT_EQ(visit.recommendations(0).status(), v1::OPEN);
  // The same team twice at one meeting, and a district team at another district.
  grpc::Status s = Visit("to-tinh", MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-03-03"));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), visit.id())) << s.error_message();
  s = Visit("to-huyen-a", MeetingOn(h_->scheduling(), admin_, "cb-b", "2026-03-02"));
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.team_id"});
  // The cell reports its follow-up.
  v1::UpdateRecommendationRequest follow;
  follow.set_visit_id(visit.id());
  follow.set_recommendation_id(visit.recommendations(0).id());
  follow.set_status(v1::DONE);
  follow.set_follow_up("Đã bố trí thời gian thảo luận dài hơn");
  const std::string secretary = h_->registry().Token(auth::Role::kSecretary, "cb-1");
  v1::Visit followed;
  ASSERT_TRUE(h_->stub().UpdateRecommendation(Ctx(secretary).get(), follow, &followed).ok());
  EXPECT_EQ(followed.recommendations(0).status(), v1::DONE);
  EXPECT_NE(followed.etag(), visit.etag());
}

TEST_P(SupervisionFlowTest, VisitsOverTheFieldsLimitsAreRefusedAndStoreNothing) {
  const sv1::Meeting march = MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-03-03");
  auto visit = [&](const std::function<void(v1::Visit*)>& edit) {
    v1::RecordVisitRequest r;
    r.mutable_visit()->set_team_id("to-tinh");
    r.mutable_visit()->set_meeting_id(march.id());
    auto* score = r.mutable_visit()->add_scores();
    score->set_criterion("Tỷ lệ đảng viên dự họp");
    score->set_points(20);
    score->set_max_points(25);
    edit(r.mutable_visit());
    v1::Visit out;
    return h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &out);
  };
  // max_points of 2^31 - 1 once overflowed the sum into a score of 200 or -1.
  grpc::Status s = visit([](v1::Visit* v) {
    v->mutable_scores(0)->set_max_points(2147483647);
    v->mutable_scores(0)->set_points(2147483647);
    *v->add_scores() = v->scores(0);
  });
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"visit.scores[0].points", "visit.scores[0].max_points",
                                                         "visit.scores[1].points", "visit.scores[1].max_points"}));
  s = visit([](v1::Visit* v) {
    for (int i = 0; i < 10000; ++i) v->add_recommendations()->set_text("Kiến nghị");
  });
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.recommendations"});
  s = visit([](v1::Visit* v) { v->mutable_scores(0)->set_criterion(std::string(1 << 20, 'c')); });
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.scores[0].criterion"});
  EXPECT_LT(s.error_message().size(), 300u) << "the 1 MB value is not echoed";
  v1::ListVisitsRequest list;
  list.set_org_unit_id("cb-1");
  list.set_from("2026-03-03");
  list.set_to("2026-03-03");
  v1::ListVisitsResponse listed;
  ASSERT_TRUE(h_->stub().ListVisits(Ctx(admin_).get(), list, &listed).ok());
  EXPECT_EQ(listed.visits_size(), 0);
}

// A province's rubric (the rulebook's visit_criteria) is what a visit is
// scored against, from the day it takes effect: unknown criteria, other
// max points or a criterion scored twice are refused; before it, free.
TEST_P(SupervisionFlowTest, VisitsAreScoredAgainstTheRubricInForceOnTheirDate) {
  rv1::GetRulebookRequest get;
  get.set_province_id("tinh");
  get.set_on_date("2026-03-01");
  rv1::RulebookVersion current;
  ASSERT_TRUE(h_->registry().stub().GetRulebook(Ctx(admin_).get(), get, &current).ok());
  rv1::PutRulebookRequest put;
  put.set_province_id("tinh");
  put.set_effective_from("2026-03-01");
  *put.mutable_rules() = current.rules();
  for (const char* name : {"Chuẩn bị", "Thảo luận"}) {
    auto* c = put.mutable_rules()->add_visit_criteria();
    c->set_name(name);
    c->set_max_points(50);
  }
  rv1::RulebookVersion stored;
  grpc::Status s = h_->registry().stub().PutRulebook(Ctx(admin_).get(), put, &stored);
  ASSERT_TRUE(s.ok()) << s.error_message();

  const sv1::Meeting march = MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-03-03");
  auto visit = [&](std::vector<std::tuple<std::string, int, int>> scores, v1::Visit* out) {
    v1::RecordVisitRequest r;
    r.mutable_visit()->set_team_id("to-tinh");
    r.mutable_visit()->set_meeting_id(march.id());
    for (const auto& [name, points, max] : scores) {
      auto* score = r.mutable_visit()->add_scores();
      score->set_criterion(name);
      score->set_points(points);
      score->set_max_points(max);
    }
    return h_->stub().RecordVisit(Ctx(supervisor_).get(), r, out);
  };
  v1::Visit out;
  s = visit({{"Tổng hợp", 80, 100}}, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.scores[0].criterion"});
  s = visit({{"Chuẩn bị", 20, 25}}, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.scores[0].max_points"});
  s = visit({{"Chuẩn bị", 20, 50}, {"Chuẩn bị", 20, 50}}, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.scores[1].criterion"});
  s = visit({{"Chuẩn bị", 50, 50}}, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.scores"}) << "half the rubric would grade 100 GOOD";
  v1::RecordVisitRequest full;
  full.mutable_visit()->set_team_id("to-tinh");
  full.mutable_visit()->set_meeting_id(march.id());
  full.mutable_visit()->add_attendee_member_ids("m6");
  for (const auto& [name, points] : std::vector<std::pair<std::string, int>>{{"Chuẩn bị", 45}, {"Thảo luận", 40}}) {
    auto* score = full.mutable_visit()->add_scores();
    score->set_criterion(name);
    score->set_points(points);
    score->set_max_points(50);
  }
  full.mutable_visit()->add_recommendations()->set_text("Phân công cụ thể");
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), full, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.score(), 85);
  EXPECT_EQ(out.grade(), v1::FAIR);
  // Who went, the scores and the recommendations read back whole, from
  // GetVisit and from ListVisits alike (the list once lost the first two).
  v1::GetVisitRequest get_visit;
  get_visit.set_id(out.id());
  v1::Visit got;
  ASSERT_TRUE(h_->stub().GetVisit(Ctx(admin_).get(), get_visit, &got).ok());
  v1::ListVisitsRequest list;
  list.set_org_unit_id("cb-1");
  list.set_from("2026-03-03");
  list.set_to("2026-03-03");
  v1::ListVisitsResponse listed;
  ASSERT_TRUE(h_->stub().ListVisits(Ctx(admin_).get(), list, &listed).ok());
  ASSERT_EQ(listed.visits_size(), 1);
  for (const v1::Visit* v : std::vector<const v1::Visit*>{&got, &listed.visits(0)}) {
    EXPECT_EQ(std::vector<std::string>(v->attendee_member_ids().begin(), v->attendee_member_ids().end()),
              std::vector<std::string>{"m6"});
    EXPECT_EQ(v->scores_size(), 2);
    ASSERT_EQ(v->recommendations_size(), 1);
    EXPECT_EQ(v->recommendations(0).text(), "Phân công cụ thể");
  }
  // A visit may go ungraded (no scores at all).
  const sv1::Meeting april = MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-04-07");
  v1::RecordVisitRequest ungraded;
  ungraded.mutable_visit()->set_team_id("to-tinh");
  ungraded.mutable_visit()->set_meeting_id(april.id());
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), ungraded, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.grade(), v1::GRADE_UNSPECIFIED);
  // February's meeting is judged by February's rulebook: no rubric yet.
  const sv1::Meeting february = MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-02-03");
  v1::RecordVisitRequest r;
  r.mutable_visit()->set_team_id("to-tinh");
  r.mutable_visit()->set_meeting_id(february.id());
  auto* score = r.mutable_visit()->add_scores();
  score->set_criterion("Tổng hợp");
  score->set_points(95);
  score->set_max_points(100);
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.grade(), v1::GOOD);
}

TEST_P(SupervisionFlowTest, PeriodsWithStrayCharactersAreRefused) {
  for (const char* period : {"2025-1 ", "2025-1\r", " 2025", "2025-+1", "2025-Q1 ", "2025-001", "2025-13"}) {
    v1::ReportRequest r;
    r.set_org_unit_id("tinh");
    r.set_period(period);
    v1::ComplianceReport out;
    grpc::Status s = h_->stub().GetComplianceReport(Ctx(admin_).get(), r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << "\"" << period << "\"";
  }
}

TEST_P(SupervisionFlowTest, ACommitteeMemberFollowingACellVisitsAlone) {
  // m6 (cb-b) is a provincial committee member following cb-1 (seed 000:
  // each committee member follows a cell and attends it).
  v1::AssignFollowerRequest assign;
  assign.mutable_assignment()->set_member_id("m6");
  assign.mutable_assignment()->set_cell_id("cb-1");
  assign.mutable_assignment()->set_from_date("2026-01-01");
  v1::FollowAssignment assignment;
  ASSERT_TRUE(h_->stub().AssignFollower(Ctx(admin_).get(), assign, &assignment).ok());
  v1::ListFollowAssignmentsRequest list;
  list.set_org_unit_id("xa-a1");
  v1::ListFollowAssignmentsResponse listed;
  ASSERT_TRUE(h_->stub().ListFollowAssignments(Ctx(admin_).get(), list, &listed).ok());
  ASSERT_EQ(listed.assignments_size(), 1);

  v1::RecordVisitRequest r;
  r.mutable_visit()->set_meeting_id(MeetingOn(h_->scheduling(), admin_, "cb-1", "2026-04-07").id());
  r.mutable_visit()->set_supervisor_member_id("m6");
  v1::Visit visit;
  grpc::Status s = h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &visit);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.owner_org_id"});
  r.mutable_visit()->set_owner_org_id("tinh");
  // Following the cell is not enough: m6 sits on no committee yet.
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &visit);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.supervisor_member_id"});
  EXPECT_TRUE(absl::StrContains(s.error_message(), "tinh")) << s.error_message();
  {
    rv1::AssignPositionRequest seat;
    seat.set_member_id("m6");
    seat.set_org_unit_id("tinh");
    seat.set_position(rv1::COMMITTEE_MEMBER);
    seat.set_effective_on("2026-01-01");
    rv1::Member seated;
    grpc::Status assigned = h_->registry().stub().AssignPosition(Ctx(admin_).get(), seat, &seated);
    ASSERT_TRUE(assigned.ok()) << assigned.error_message();
  }
  // On the committee, but alone at a cell m6 does not follow: refused too.
  sv1::CreateMeetingRequest other;
  other.mutable_meeting()->set_cell_id("cb-2");
  other.mutable_meeting()->set_kind(sv1::REGULAR);
  other.mutable_meeting()->set_starts_at("2026-04-08T08:00");
  other.mutable_meeting()->set_ends_at("2026-04-08T10:00");
  sv1::Meeting other_meeting;
  ASSERT_TRUE(h_->scheduling().stub().CreateMeeting(Ctx(admin_).get(), other, &other_meeting).ok());
  v1::RecordVisitRequest elsewhere = r;
  elsewhere.mutable_visit()->set_meeting_id(other_meeting.id());
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), elsewhere, &visit);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"visit.supervisor_member_id"});
  EXPECT_TRUE(absl::StrContains(s.error_message(), "cb-2")) << s.error_message();
  ASSERT_TRUE(h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &visit).ok());
  EXPECT_EQ(visit.level(), v1::PROVINCE_LEVEL);
  EXPECT_EQ(visit.supervisor_member_id(), "m6");
  EXPECT_EQ(visit.owner_org_id(), "tinh");
  // The visit counts for the province level; "most / fewest by one team"
  // still compares the teams.
  v1::ActivityReport a = Activity();
  ASSERT_GE(a.levels_size(), 1);
  EXPECT_EQ(a.levels(0).groups(), 2);
  EXPECT_EQ(a.levels(0).cell_meetings_attended(), 4);
  EXPECT_EQ(a.levels(0).fewest_cells_by_one().group_name(), "Tổ to-tinh");
  EXPECT_EQ(a.levels(0).fewest_cells_by_one().cells(), 2);
  // Where only supervisors went alone, they are compared among themselves.
  v1::ActivityReport april = Activity("tinh", "2026-04");
  ASSERT_EQ(april.levels_size(), 1);
  EXPECT_EQ(april.levels(0).most_cells_by_one().group_name(), "Nguyễn Văn m6");
  EXPECT_EQ(april.levels(0).most_cells_by_one().cells(), 1);
}

TEST_P(SupervisionFlowTest, AVisitorAlreadyAtAnOverlappingMeetingIsRefusedNamingIt) {
  // to-huyen-a was at cb-2's meeting of 10 February, held 08:00–10:00.
  auto& sh = h_->scheduling();
  const sv1::Meeting busy = MeetingOn(sh, admin_, "cb-2", "2026-02-10");
  const sv1::Meeting clash = OneOff("cb-1", sv1::THEMATIC, "2026-02-10T09:30", "2026-02-10T11:00");
  v1::Visit visit;
  grpc::Status s = Visit("to-huyen-a", clash, &visit);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), busy.id())) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "cb-2")) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "2026-02-10T08:00")) << s.error_message();
  // Nothing was stored: the team's visits are the three of before.
  v1::ListVisitsRequest list;
  list.set_org_unit_id("tinh");
  list.set_from("2026-01-01");
  list.set_to("2026-12-31");
  v1::ListVisitsResponse listed;
  ASSERT_TRUE(h_->stub().ListVisits(Ctx(admin_).get(), list, &listed).ok());
  int by_team = 0;
  for (const auto& v : listed.visits()) by_team += v.team_id() == "to-huyen-a";
  EXPECT_EQ(by_team, 3);
  // Another team may be there; and the same team once the first meeting ended.
  EXPECT_TRUE(Visit("to-tinh", clash).ok());
  const sv1::Meeting after = OneOff("xa-a1", sv1::COMMITTEE, "2026-02-10T10:00", "2026-02-10T11:00");
  EXPECT_TRUE(Visit("to-huyen-a", after).ok());

  // A person is one place at a time, whichever team she went with: m5 leads
  // to-huyen-a and sits on a second team; listed as having gone with it to a
  // meeting overlapping the 10:00 one, she is refused by name.
  Team("to-huyen-a-2", "huyen-a", "m5");
  const sv1::Meeting late = OneOff("cb-2", sv1::THEMATIC, "2026-02-10T10:30", "2026-02-10T12:00");
  v1::RecordVisitRequest r;
  r.mutable_visit()->set_team_id("to-huyen-a-2");
  r.mutable_visit()->set_meeting_id(late.id());
  r.mutable_visit()->add_attendee_member_ids("m5");
  ASSERT_TRUE(h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &visit).ok());  // to-huyen-a listed no one
  v1::RecordVisitRequest again = r;
  const sv1::Meeting later = OneOff("cb-1", sv1::THEMATIC, "2026-02-10T11:30", "2026-02-10T13:00");
  again.mutable_visit()->set_meeting_id(later.id());
  again.mutable_visit()->set_team_id("to-huyen-a");
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), again, &visit);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "m5")) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), late.id())) << s.error_message();
}

TEST_P(SupervisionFlowTest, CoverageCountsCellsAttendedPerLevelNeverAttendedAndDuplicatesOnTheTreeAsItWas) {
  auto& sh = h_->scheduling();
  // cb-b is remote; the province's team also goes to cb-2 in February, the
  // month the district's team went there: one duplicate.
  {
    rv1::UpdateOrgUnitRequest r;
    r.mutable_org_unit()->set_id("cb-b");
    r.mutable_org_unit()->set_remote(true);
    r.mutable_update_mask()->add_paths("remote");
    rv1::OrgUnit out;
    grpc::Status st = h_->registry().stub().UpdateOrgUnit(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  v1::Visit dup;
  ASSERT_TRUE(Visit("to-tinh", MeetingOn(sh, admin_, "cb-2", "2026-03-10"), &dup).ok());
  v1::Visit feb_dup;
  // (cb-2's 10 February meeting already has the district's team; the province's goes too.)
  ASSERT_TRUE(Visit("to-tinh", MeetingOn(sh, admin_, "cb-2", "2026-02-10"), &feb_dup).ok());

  auto coverage = [&](const std::string& org, const std::string& period) {
    v1::ReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    v1::CoverageReport out;
    grpc::Status st = h_->stub().GetCoverageReport(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  };
  auto level = [](const v1::CoverageFigures& f, v1::SupervisionLevel l) {
    for (const auto& x : f.levels()) {
      if (x.level() == l) return x;
    }
    return v1::LevelCoverage();
  };
  v1::CoverageReport h1 = coverage("tinh", "2026-H1");
  const v1::CoverageFigures& f = h1.figures();
  EXPECT_EQ(f.cells(), 3);
  EXPECT_EQ(f.remote_cells(), 1);
  ASSERT_EQ(f.levels_size(), 3);
  // Province: cb-1 (January, the March thematic meeting), cb-b, cb-2 (twice).
  EXPECT_EQ(level(f, v1::PROVINCE_LEVEL).cells_attended(), 3);
  EXPECT_EQ(level(f, v1::PROVINCE_LEVEL).cell_visits(), 5);
  EXPECT_DOUBLE_EQ(level(f, v1::PROVINCE_LEVEL).share(), 1.0);
  EXPECT_EQ(level(f, v1::PROVINCE_LEVEL).remote_cells_attended(), 1);
  EXPECT_DOUBLE_EQ(level(f, v1::PROVINCE_LEVEL).remote_share(), 1.0);
  // District: cb-1 and cb-2; never the remote cb-b. The committee meeting is no cell.
  EXPECT_EQ(level(f, v1::DISTRICT_LEVEL).cells_attended(), 2);
  EXPECT_DOUBLE_EQ(level(f, v1::DISTRICT_LEVEL).share(), 2.0 / 3);
  EXPECT_EQ(level(f, v1::DISTRICT_LEVEL).remote_cells_attended(), 0);
  EXPECT_EQ(level(f, v1::BASE_LEVEL).cells_attended(), 0);
  EXPECT_EQ(f.cells_attended(), 3);
  EXPECT_EQ(f.cells_never_attended(), 0);
  EXPECT_EQ(f.duplicate_cell_months(), 1);
  ASSERT_EQ(h1.duplicates_size(), 1);
  EXPECT_EQ(h1.duplicates(0).cell_id(), "cb-2");
  EXPECT_EQ(h1.duplicates(0).month(), "2026-02");
  EXPECT_EQ(h1.duplicates(0).levels_size(), 2);
  EXPECT_EQ(h1.duplicates(0).visit_ids_size(), 2);
  ASSERT_EQ(h1.children_size(), 2);  // huyen-a, huyen-b
  // Q2: nobody went anywhere; every cell is listed.
  v1::CoverageReport q2 = coverage("tinh", "2026-Q2");
  EXPECT_EQ(q2.figures().cells_never_attended(), 3);
  std::set<std::string> never;
  for (const auto& c : q2.never_attended()) never.insert(c.id());
  EXPECT_EQ(never, (std::set<std::string>{"cb-1", "cb-2", "cb-b"}));

  // The tree as it was: cb-2 moves to huyen-b on 1 April. Its Q1 visits stay
  // with huyen-a; huyen-b counts it from April, unattended.
  registry::testing::MakeUnit(h_->registry(), admin_, "xa-b1", rv1::BASE_COMMITTEE, "huyen-b", "2020-01-01",
                              rv1::COMMUNE_WARD);
  {
    rv1::MoveOrgUnitRequest r;
    r.set_id("cb-2");
    r.set_new_parent_id("xa-b1");
    r.set_effective_on("2026-04-01");
    rv1::OrgUnit out;
    grpc::Status st = h_->registry().stub().MoveOrgUnit(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  v1::CoverageReport a = coverage("huyen-a", "2026-H1");
  EXPECT_EQ(a.figures().cells(), 2);
  EXPECT_EQ(level(a.figures(), v1::DISTRICT_LEVEL).cells_attended(), 2);
  EXPECT_EQ(a.figures().duplicate_cell_months(), 1);
  v1::CoverageReport b = coverage("huyen-b", "2026-H1");
  EXPECT_EQ(b.figures().cells(), 2);  // cb-b, and cb-2 from April
  EXPECT_EQ(level(b.figures(), v1::DISTRICT_LEVEL).cells_attended(), 0);
  EXPECT_EQ(level(b.figures(), v1::PROVINCE_LEVEL).cells_attended(), 1);  // cb-b only
  ASSERT_EQ(b.never_attended_size(), 1);
  EXPECT_EQ(b.never_attended(0).id(), "cb-2");
  // Out of scope; a period that cannot be.
  v1::ReportRequest r;
  r.set_org_unit_id("huyen-a");
  r.set_period("2026-Q5");
  v1::CoverageReport out;
  EXPECT_EQ(ViolatedFields(h_->stub().GetCoverageReport(Ctx(admin_).get(), r, &out)),
            std::vector<std::string>{"period"});
}

INSTANTIATE_TEST_SUITE_P(Engines, SupervisionFlowTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres), EngineName);

}  // namespace
}  // namespace chibo::supervision::testing
