// The quality report (chất lượng sinh hoạt), end to end on SQLite and on
// PostgreSQL with a real Redis: the grades cells gave themselves and the
// grades supervisors gave, each by the rulebook in force on the meeting's
// date, by child, category and quarter, and how often the two differ; exact
// on a half-year built here, fresh after a re-recorded self-grade, a new
// visit and a rulebook change, and on the tree as it was after a move.
#include <string>
#include <vector>

#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "tests/services/supervision/report_test_base.h"

namespace chibo::supervision::testing {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
namespace rv1 = ::chibo::registry::v1;
using scheduling::testing::Ctx;
using scheduling::testing::Mark;
using scheduling::testing::MeetingOn;
using scheduling::testing::ViolatedFields;

class QualityReportTest : public ReportTestBase {
 protected:
  // cb-1, cb-2 (residential, under huyen-a) and cb-b (a school, under
  // huyen-b) meet monthly; a provincial and a district team.
  void SetUp() override {
    StartServices("quality_");
    if (HasFatalFailure()) return;
    Series("cb-1", "FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9", "2026-01-06T08:00");
    Series("cb-2", "FREQ=MONTHLY;BYDAY=2TU", "2026-01-13T08:00");
    Series("cb-b", "FREQ=MONTHLY;BYDAY=1MO", "2026-01-05T14:00");
    for (const auto& [id, owner, leader] : {std::tuple{"to-tinh", "tinh", "m6"}, {"to-huyen-a", "huyen-a", "m5"}}) {
      v1::CreateTeamRequest r;
      r.mutable_team()->set_id(id);
      r.mutable_team()->set_name(std::string("Tổ ") + id);
      r.mutable_team()->set_owner_org_id(owner);
      r.mutable_team()->set_leader_member_id(leader);
      v1::Team out;
      grpc::Status s = h_->stub().CreateTeam(Ctx(admin_).get(), r, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  // Records the cell's meeting of `day` with everyone present and the
  // cell's own points (0: not self-graded).
  void Record(const std::string& cell, const std::string& day, int self_score) {
    const sv1::Meeting m = MeetingOn(h_->scheduling(), admin_, cell, day);
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(chibo::time::FormatLocalMinute(*chibo::time::ParseLocalMinute(m.starts_at()) + 120));
    const std::vector<std::string> members =
        cell == "cb-1" ? std::vector<std::string>{"m1", "m2", "m3", "m4"}
                       : std::vector<std::string>{cell == "cb-2" ? "m5" : "m6"};
    for (const auto& id : members) *r.add_attendance() = Mark(id, sv1::PRESENT);
    r.set_speakers(static_cast<int>(members.size()));
    r.set_opinions(6);
    r.set_self_score(self_score);
    sv1::Meeting out;
    grpc::Status s = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << cell << " " << day << ": " << s.error_message();
  }

  void Visit(const std::string& team, const std::string& cell, const std::string& day, int points) {
    v1::RecordVisitRequest r;
    r.mutable_visit()->set_team_id(team);
    r.mutable_visit()->set_meeting_id(MeetingOn(h_->scheduling(), admin_, cell, day).id());
    auto* score = r.mutable_visit()->add_scores();
    score->set_criterion("Tổng hợp");
    score->set_points(points);
    score->set_max_points(100);
    v1::Visit out;
    grpc::Status s = h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << cell << " " << day << ": " << s.error_message();
  }

  v1::QualityReport Quality(const std::string& org = "tinh", const std::string& period = "2026-H1") {
    v1::ReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    v1::QualityReport out;
    grpc::Status s = h_->stub().GetQualityReport(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << org << " " << period << ": " << s.error_message();
    return out;
  }

  // The half-year: self-grades and supervisors' scores (rulebook 90/70/50).
  void BuildHalfYear() {
    Record("cb-1", "2026-01-06", 95);  // tốt; the province's team: 80, khá (lower)
    Record("cb-1", "2026-02-03", 75);  // khá; the district's team: 75, khá (same)
    Record("cb-1", "2026-04-07", 0);   // not self-graded; the province's team: 92, tốt
    Record("cb-2", "2026-01-13", 55);  // trung bình
    Record("cb-b", "2026-01-05", 40);  // kém; the province's team: 60, trung bình (higher)
    Record("cb-b", "2026-05-04", 90);  // tốt
    Visit("to-tinh", "cb-1", "2026-01-06", 80);
    Visit("to-huyen-a", "cb-1", "2026-02-03", 75);
    Visit("to-tinh", "cb-1", "2026-04-07", 92);
    Visit("to-tinh", "cb-b", "2026-01-05", 60);
  }

  static std::vector<int> Counts(const v1::GradeCounts& c) {
    return {c.good(), c.fair(), c.average(), c.poor(), c.graded()};
  }
  static const v1::QualityRow* Child(const v1::QualityReport& r, const std::string& id) {
    for (const auto& c : r.children()) {
      if (c.org_unit_id() == id) return &c;
    }
    return nullptr;
  }
};

TEST_P(QualityReportTest, CountsSelfAndSupervisorGradesByChildCategoryAndQuarter) {
  BuildHalfYear();
  const v1::QualityReport r = Quality();
  EXPECT_EQ(r.name(), "Đơn vị tinh");
  const v1::QualityFigures& f = r.figures();
  EXPECT_EQ(Counts(f.self_graded()), (std::vector<int>{2, 1, 1, 1, 5}));
  EXPECT_EQ(Counts(f.supervisor_graded()), (std::vector<int>{1, 2, 1, 0, 4}));
  EXPECT_EQ(f.compared(), 3);  // the April visit's meeting has no self-grade
  EXPECT_EQ(f.differ(), 2);
  EXPECT_DOUBLE_EQ(f.differ_share(), 2.0 / 3);
  EXPECT_EQ(f.supervisor_lower(), 1);
  EXPECT_EQ(f.supervisor_higher(), 1);

  ASSERT_EQ(r.children_size(), 2);
  ASSERT_NE(Child(r, "huyen-a"), nullptr);
  EXPECT_EQ(Counts(Child(r, "huyen-a")->figures().self_graded()), (std::vector<int>{1, 1, 1, 0, 3}));
  EXPECT_EQ(Counts(Child(r, "huyen-a")->figures().supervisor_graded()), (std::vector<int>{1, 2, 0, 0, 3}));
  EXPECT_EQ(Child(r, "huyen-a")->figures().differ(), 1);
  EXPECT_EQ(Counts(Child(r, "huyen-b")->figures().self_graded()), (std::vector<int>{1, 0, 0, 1, 2}));
  EXPECT_EQ(Child(r, "huyen-b")->figures().supervisor_higher(), 1);

  ASSERT_EQ(r.categories_size(), 2);
  EXPECT_EQ(r.categories(0).category(), rv1::RESIDENTIAL);
  EXPECT_EQ(Counts(r.categories(0).figures().self_graded()), (std::vector<int>{1, 1, 1, 0, 3}));
  EXPECT_EQ(r.categories(0).figures().compared(), 2);
  EXPECT_EQ(r.categories(1).category(), rv1::SCHOOL);
  EXPECT_EQ(Counts(r.categories(1).figures().supervisor_graded()), (std::vector<int>{0, 0, 1, 0, 1}));
  EXPECT_DOUBLE_EQ(r.categories(1).figures().differ_share(), 1.0);

  ASSERT_EQ(r.quarters_size(), 2);
  EXPECT_EQ(r.quarters(0).quarter(), "2026-Q1");
  EXPECT_EQ(Counts(r.quarters(0).figures().self_graded()), (std::vector<int>{1, 1, 1, 1, 4}));
  EXPECT_EQ(r.quarters(0).figures().compared(), 3);
  EXPECT_EQ(r.quarters(1).quarter(), "2026-Q2");
  EXPECT_EQ(Counts(r.quarters(1).figures().self_graded()), (std::vector<int>{1, 0, 0, 0, 1}));
  EXPECT_EQ(Counts(r.quarters(1).figures().supervisor_graded()), (std::vector<int>{1, 0, 0, 0, 1}));
  EXPECT_EQ(r.quarters(1).figures().compared(), 0);

  // One month; one district.
  const v1::QualityReport may = Quality("tinh", "2026-05");
  EXPECT_EQ(Counts(may.figures().self_graded()), (std::vector<int>{1, 0, 0, 0, 1}));
  ASSERT_EQ(may.quarters_size(), 1);
  EXPECT_EQ(may.quarters(0).quarter(), "2026-Q2");
  EXPECT_EQ(Counts(Quality("huyen-b").figures().supervisor_graded()), (std::vector<int>{0, 0, 1, 0, 1}));

  v1::ReportRequest bad;
  bad.set_org_unit_id("tinh");
  bad.set_period("2026-13");
  v1::QualityReport out;
  EXPECT_EQ(ViolatedFields(h_->stub().GetQualityReport(Ctx(admin_).get(), bad, &out)),
            std::vector<std::string>{"period"});
}

TEST_P(QualityReportTest, FreshAfterARegradeAVisitAndARulebookChange) {
  BuildHalfYear();
  EXPECT_EQ(Counts(Quality().figures().self_graded()), (std::vector<int>{2, 1, 1, 1, 5}));
  // The cell corrects its record: cb-2's January meeting was worth 92.
  Record("cb-2", "2026-01-13", 92);
  EXPECT_EQ(Counts(Quality().figures().self_graded()), (std::vector<int>{3, 1, 0, 1, 5}));
  // The district's team went there too and found it khá.
  Visit("to-huyen-a", "cb-2", "2026-01-13", 72);
  v1::QualityFigures f = Quality().figures();
  EXPECT_EQ(Counts(f.supervisor_graded()), (std::vector<int>{1, 3, 1, 0, 5}));
  EXPECT_EQ(f.compared(), 4);
  EXPECT_EQ(f.supervisor_lower(), 2);
  // From 1 February khá needs 80 points: the 75s of 3 February (the cell's
  // and the team's) become trung bình, still equal; the 72 of 13 January and
  // the 80 of 6 January stay khá.
  PutRules("2026-02-01", [](rv1::Rules* r) { r->set_grade_fair_min(80); });
  f = Quality().figures();
  EXPECT_EQ(Counts(f.self_graded()), (std::vector<int>{3, 0, 1, 1, 5}));
  EXPECT_EQ(Counts(f.supervisor_graded()), (std::vector<int>{1, 2, 2, 0, 5}));
  EXPECT_EQ(f.differ(), 3);
}

TEST_P(QualityReportTest, GradesStayWhereTheCellStoodWhenItWasGraded) {
  BuildHalfYear();
  // cb-1 moves to huyen-b on 1 April: its January and February grades stay
  // with huyen-a, its April visit goes with huyen-b.
  scheduling::testing::MakeUnit(h_->registry(), admin_, "xa-b1", rv1::BASE_COMMITTEE, "huyen-b", "2020-01-01",
                                rv1::COMMUNE_WARD);
  rv1::MoveOrgUnitRequest move;
  move.set_id("cb-1");
  move.set_new_parent_id("xa-b1");
  move.set_effective_on("2026-04-01");
  rv1::OrgUnit moved;
  grpc::Status s = h_->registry().stub().MoveOrgUnit(Ctx(admin_).get(), move, &moved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::QualityReport r = Quality();
  EXPECT_EQ(Counts(Child(r, "huyen-a")->figures().self_graded()), (std::vector<int>{1, 1, 1, 0, 3}));
  EXPECT_EQ(Counts(Child(r, "huyen-a")->figures().supervisor_graded()), (std::vector<int>{0, 2, 0, 0, 2}));
  EXPECT_EQ(Counts(Child(r, "huyen-b")->figures().supervisor_graded()), (std::vector<int>{1, 0, 1, 0, 2}));
  EXPECT_EQ(Counts(Quality("huyen-a", "2026-Q2").figures().supervisor_graded()), (std::vector<int>{0, 0, 0, 0, 0}));
  EXPECT_EQ(Counts(Quality("huyen-b", "2026-Q2").figures().supervisor_graded()), (std::vector<int>{1, 0, 0, 0, 1}));
}

INSTANTIATE_TEST_SUITE_P(Engines, QualityReportTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);

}  // namespace
}  // namespace chibo::supervision::testing
