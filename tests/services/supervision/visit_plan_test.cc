// The visit planner end to end, on SQLite and PostgreSQL: a province built
// here (eight cells, three of them remote, two meeting on the same day), two
// provincial teams and a district team. Every plan keeps the rules — no team
// twice on a day, no cell twice, never at a team member's own cell, no
// (cell, month) shared with another level's approved plan — meets the
// quotas when it can and names the shortfall when it cannot, keeps pinned
// visits, covers remote cells at least as well as the greedy baseline, and
// is adjusted only with a reason and approved once.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/services/supervision/report_test_base.h"

namespace chibo::supervision::testing {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
namespace rv1 = ::chibo::registry::v1;
using scheduling::testing::Ctx;
using scheduling::testing::MakeUnit;
using scheduling::testing::MeetingOn;
using scheduling::testing::ViolatedFields;

class VisitPlanTest : public ReportTestBase {
 protected:
  void SetUp() override {
    StartServices("plan_");
    if (HasFatalFailure()) return;
    auto& r = h_->registry();
    MakeUnit(r, admin_, "cb-3", rv1::SUBORDINATE_CELL, "xa-a1", "2000-01-01", rv1::RESIDENTIAL);
    MakeUnit(r, admin_, "cb-4", rv1::SUBORDINATE_CELL, "xa-a1", "2000-01-01", rv1::RESIDENTIAL);
    MakeUnit(r, admin_, "xa-b1", rv1::BASE_COMMITTEE, "huyen-b", "2000-01-01", rv1::COMMUNE_WARD);
    MakeUnit(r, admin_, "cb-b1", rv1::SUBORDINATE_CELL, "xa-b1", "2000-01-01", rv1::RESIDENTIAL);
    MakeUnit(r, admin_, "cb-b2", rv1::SUBORDINATE_CELL, "xa-b1", "2000-01-01", rv1::RESIDENTIAL);
    MakeUnit(r, admin_, "cb-b3", rv1::SUBORDINATE_CELL, "xa-b1", "2000-01-01", rv1::AGENCY);
    for (const char* id : {"cb-b", "cb-b1", "cb-b2"}) SetRemote(id);
    // cb-1 and cb-2 meet on the same Tuesday; the others on other days.
    Series2027("cb-1", "FREQ=MONTHLY;BYDAY=1TU", "2027-01-05T08:00");
    Series2027("cb-2", "FREQ=MONTHLY;BYDAY=1TU", "2027-01-05T14:00");
    Series2027("cb-3", "FREQ=MONTHLY;BYDAY=1WE", "2027-01-06T08:00");
    Series2027("cb-4", "FREQ=MONTHLY;BYDAY=1TH", "2027-01-07T08:00");
    Series2027("cb-b", "FREQ=MONTHLY;BYDAY=1FR", "2027-01-01T08:00");
    Series2027("cb-b1", "FREQ=MONTHLY;BYDAY=2MO", "2027-01-11T08:00");
    Series2027("cb-b2", "FREQ=MONTHLY;BYDAY=2TU", "2027-01-12T08:00");
    Series2027("cb-b3", "FREQ=MONTHLY;BYDAY=2WE", "2027-01-13T08:00");
    Team("to-1", "Tổ 1", "tinh", "m6");  // m6 sits in cb-b
    Team("to-2", "Tổ 2", "tinh", "m1");  // m1 sits in cb-1
    Team("to-hb", "Tổ huyện B", "huyen-b", "m5");
  }

  void SetRemote(const std::string& id) {
    rv1::UpdateOrgUnitRequest r;
    r.mutable_org_unit()->set_id(id);
    r.mutable_org_unit()->set_remote(true);
    r.mutable_update_mask()->add_paths("remote");
    rv1::OrgUnit out;
    grpc::Status s = h_->registry().stub().UpdateOrgUnit(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Series2027(const std::string& cell, const std::string& rrule, const std::string& first) {
    sv1::CreateSeriesRequest r;
    r.mutable_series()->set_cell_id(cell);
    r.mutable_series()->set_kind(sv1::REGULAR);
    r.mutable_series()->set_rrule(rrule);
    r.mutable_series()->set_first_start(first);
    r.mutable_series()->set_duration_minutes(120);
    r.set_materialize_until("2027-03-31");
    sv1::MeetingSeries out;
    grpc::Status s = h_->scheduling().stub().CreateSeries(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  void Team(const std::string& id, const std::string& name, const std::string& owner, const std::string& leader) {
    v1::CreateTeamRequest r;
    r.mutable_team()->set_id(id);
    r.mutable_team()->set_name(name);
    r.mutable_team()->set_owner_org_id(owner);
    r.mutable_team()->set_leader_member_id(leader);
    v1::Team out;
    grpc::Status s = h_->stub().CreateTeam(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status Propose(v1::ProposeVisitPlanRequest r, v1::VisitPlan* out) {
    if (r.owner_org_id().empty()) r.set_owner_org_id("tinh");
    if (r.period().empty()) r.set_period("2027-Q1");
    r.set_from_date("2027-01-01");
    return h_->stub().ProposeVisitPlan(Ctx(admin_).get(), r, out);
  }

  v1::VisitPlan Propose(v1::PlanSolver solver, int max_visits, const std::string& owner = "tinh") {
    v1::ProposeVisitPlanRequest r;
    r.set_owner_org_id(owner);
    r.set_solver(solver);
    r.set_max_visits_per_team(max_visits);
    v1::VisitPlan out;
    grpc::Status s = Propose(r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  // The rules every plan keeps, checked from its visits alone.
  void ExpectRulesKept(const v1::VisitPlan& plan) {
    std::set<std::string> cells;
    std::set<std::pair<std::string, std::string>> team_days;
    for (const auto& v : plan.visits()) {
      EXPECT_TRUE(cells.insert(v.cell_id()).second) << "cell twice: " << v.cell_id();
      EXPECT_TRUE(team_days.insert({v.team_id(), v.starts_at().substr(0, 10)}).second)
          << v.team_id() << " twice on " << v.starts_at();
      EXPECT_FALSE(v.team_id() == "to-1" && v.cell_id() == "cb-b") << "to-1 at its own cell";
      EXPECT_FALSE(v.team_id() == "to-2" && v.cell_id() == "cb-1") << "to-2 at its own cell";
      EXPECT_NE(v.reason(), v1::PLAN_REASON_UNSPECIFIED);
    }
    EXPECT_EQ(plan.figures().duplicates(), 0);
    EXPECT_EQ(plan.figures().overlaps(), 0);
    EXPECT_EQ(plan.figures().own_cell_visits(), 0);
  }
};

TEST_P(VisitPlanTest, AProposalKeepsEveryRuleMeetsQuotasAndFavoursRemoteCells) {
  // Six visits for eight cells: the remote ones first.
  const v1::VisitPlan flow = Propose(v1::MIN_COST_FLOW, 3);
  EXPECT_EQ(flow.status(), v1::DRAFT);
  EXPECT_EQ(flow.level(), v1::PROVINCE_LEVEL);
  ExpectRulesKept(flow);
  EXPECT_EQ(flow.figures().cells(), 8);
  EXPECT_EQ(flow.figures().remote_cells(), 3);
  EXPECT_EQ(flow.figures().visits(), 6);
  EXPECT_EQ(flow.figures().cells_covered(), 6);
  EXPECT_EQ(flow.figures().remote_cells_covered(), 3);
  EXPECT_DOUBLE_EQ(flow.figures().remote_share(), 1.0);
  EXPECT_EQ(flow.figures().quotas_met(), 2);  // the province's quota: 2 a year, 1 a quarter
  ASSERT_EQ(flow.loads_size(), 2);
  for (const auto& load : flow.loads()) {
    EXPECT_EQ(load.quota(), 1);
    EXPECT_EQ(load.planned(), 3);  // balanced
  }
  EXPECT_GE(flow.figures().priority_bound(), flow.figures().priority_covered());
  EXPECT_DOUBLE_EQ(flow.figures().gap(), 0.0);  // every remote cell and the best others
  EXPECT_EQ(flow.figures().residential_cells(), 6);  // cb-1..4, cb-b1, cb-b2
  for (const auto& v : flow.visits()) {
    if (v.remote()) EXPECT_TRUE(absl::StrContains(v.why(), "vùng sâu")) << v.why();
  }
  // Two cells are left out: named.
  ASSERT_FALSE(flow.shortfalls().empty());
  EXPECT_TRUE(absl::StrContains(flow.shortfalls(0), "02 chi bộ") || absl::StrContains(flow.shortfalls(0), "2 chi bộ"))
      << flow.shortfalls(0);

  const v1::VisitPlan greedy = Propose(v1::GREEDY, 3);
  ExpectRulesKept(greedy);
  EXPECT_GE(flow.figures().remote_share(), greedy.figures().remote_share());
  EXPECT_GE(flow.figures().priority_covered(), greedy.figures().priority_covered());

  // Stored as proposed.
  v1::GetVisitPlanRequest get;
  get.set_id(flow.id());
  v1::VisitPlan read;
  ASSERT_TRUE(h_->stub().GetVisitPlan(Ctx(admin_).get(), get, &read).ok());
  EXPECT_EQ(read.visits_size(), 6);
  EXPECT_EQ(read.etag(), flow.etag());
}

TEST_P(VisitPlanTest, AQuotaThatCannotBeMetIsNamed) {
  PutRules("2027-01-01", [](rv1::Rules* r) { r->set_provincial_member_visits_per_year(40); });  // 10 a quarter
  const v1::VisitPlan plan = Propose(v1::MIN_COST_FLOW, 0);
  ExpectRulesKept(plan);
  EXPECT_EQ(plan.figures().quotas_met(), 0);
  EXPECT_EQ(plan.figures().cells_covered(), 8);  // capacity allows every cell once
  int named = 0;
  for (const auto& s : plan.shortfalls()) {
    if (absl::StrContains(s, "Tổ 1:") || absl::StrContains(s, "Tổ 2:")) ++named;
  }
  EXPECT_EQ(named, 2);
}

TEST_P(VisitPlanTest, PinnedVisitsAreKeptAndOverridesNeedAReason) {
  auto& sh = h_->scheduling();
  const sv1::Meeting feb_cb3 = MeetingOn(sh, admin_, "cb-3", "2027-02-03");
  v1::ProposeVisitPlanRequest r;
  r.set_max_visits_per_team(3);
  auto* pin = r.add_pinned();
  pin->set_meeting_id(feb_cb3.id());
  pin->set_team_id("to-2");
  pin->set_override_reason("Chi bộ đề nghị");
  v1::VisitPlan plan;
  grpc::Status s = Propose(r, &plan);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ExpectRulesKept(plan);
  bool kept = false;
  for (const auto& v : plan.visits()) {
    if (v.meeting_id() == feb_cb3.id()) {
      kept = v.team_id() == "to-2" && v.reason() == v1::PINNED && v.override_reason() == "Chi bộ đề nghị";
    }
  }
  EXPECT_TRUE(kept);
  // A pin at the team's own cell is refused, naming it.
  v1::ProposeVisitPlanRequest own;
  auto* bad = own.add_pinned();
  bad->set_meeting_id(MeetingOn(sh, admin_, "cb-1", "2027-01-05").id());
  bad->set_team_id("to-2");
  v1::VisitPlan ignored;
  EXPECT_EQ(ViolatedFields(Propose(own, &ignored)), std::vector<std::string>{"pinned[0]"});

  // Adjusting: a change without a reason is refused; removing the pinned
  // visit and adding another team at a cell not yet planned is kept.
  v1::UpdateVisitPlanRequest u;
  u.set_id(plan.id());
  u.set_etag(plan.etag());
  auto* c = u.add_changes();
  c->set_meeting_id(feb_cb3.id());
  c->set_remove(true);
  v1::VisitPlan updated;
  EXPECT_EQ(ViolatedFields(h_->stub().UpdateVisitPlan(Ctx(admin_).get(), u, &updated)),
            std::vector<std::string>{"changes[0].reason"});
  c->set_reason("Trùng lịch của tổ");
  std::string uncovered_cell;
  std::set<std::string> planned_cells;
  for (const auto& v : plan.visits()) planned_cells.insert(v.cell_id());
  for (const char* cell : {"cb-2", "cb-3", "cb-4", "cb-b3"}) {
    if (!planned_cells.count(cell)) uncovered_cell = cell;
  }
  ASSERT_FALSE(uncovered_cell.empty());
  const std::map<std::string, std::string> day_of{{"cb-2", "2027-03-02"}, {"cb-3", "2027-03-03"},
                                                  {"cb-4", "2027-03-04"}, {"cb-b3", "2027-03-10"}};
  const sv1::Meeting extra = MeetingOn(sh, admin_, uncovered_cell, day_of.at(uncovered_cell));
  auto* add = u.add_changes();
  add->set_meeting_id(extra.id());
  add->set_team_id("to-1");
  add->set_reason("Theo đề nghị của huyện");
  grpc::Status st = h_->stub().UpdateVisitPlan(Ctx(admin_).get(), u, &updated);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ExpectRulesKept(updated);
  bool added = false;
  for (const auto& v : updated.visits()) {
    EXPECT_NE(v.meeting_id(), feb_cb3.id());
    if (v.meeting_id() == extra.id()) added = v.reason() == v1::OVERRIDE && v.override_reason() == "Theo đề nghị của huyện";
  }
  EXPECT_TRUE(added);
  // The old etag is stale now; adding a cell already planned is refused.
  v1::UpdateVisitPlanRequest stale = u;
  EXPECT_EQ(h_->stub().UpdateVisitPlan(Ctx(admin_).get(), stale, &updated).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::UpdateVisitPlanRequest twice;
  twice.set_id(plan.id());
  auto* again = twice.add_changes();
  // cb-b1 (remote) is planned in some month already: not twice.
  again->set_meeting_id(MeetingOn(sh, admin_, "cb-b1", "2027-02-08").id());
  again->set_team_id("to-2");
  again->set_reason("Thêm");
  grpc::Status dup = h_->stub().UpdateVisitPlan(Ctx(admin_).get(), twice, &updated);
  EXPECT_EQ(dup.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << dup.error_message();
}

TEST_P(VisitPlanTest, AnApprovedPlanIsKeptClearOfByTheOtherLevelAndCountsVisitsDone) {
  const v1::VisitPlan province = Propose(v1::MIN_COST_FLOW, 3);
  v1::ApproveVisitPlanRequest a;
  a.set_id(province.id());
  a.set_etag(province.etag());
  v1::VisitPlan approved;
  grpc::Status s = h_->stub().ApproveVisitPlan(Ctx(admin_).get(), a, &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(approved.status(), v1::APPROVED);
  EXPECT_FALSE(approved.approved_by().empty());
  // Approved once; not changed afterwards; a second plan is not approved too.
  EXPECT_EQ(h_->stub().ApproveVisitPlan(Ctx(admin_).get(), a, &approved).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::UpdateVisitPlanRequest u;
  u.set_id(province.id());
  auto* c = u.add_changes();
  c->set_meeting_id(province.visits(0).meeting_id());
  c->set_remove(true);
  c->set_reason("x");
  v1::VisitPlan ignored;
  EXPECT_EQ(h_->stub().UpdateVisitPlan(Ctx(admin_).get(), u, &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  const v1::VisitPlan second = Propose(v1::GREEDY, 3);
  a.set_id(second.id());
  a.set_etag("");
  EXPECT_EQ(h_->stub().ApproveVisitPlan(Ctx(admin_).get(), a, &ignored).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The district's plan shares no (cell, month) with the province's.
  std::set<std::pair<std::string, std::string>> province_months;
  for (const auto& v : approved.visits()) province_months.insert({v.cell_id(), v.starts_at().substr(0, 7)});
  const v1::VisitPlan district = Propose(v1::MIN_COST_FLOW, 0, "huyen-b");
  EXPECT_EQ(district.level(), v1::DISTRICT_LEVEL);
  EXPECT_EQ(district.figures().cells(), 4);  // cb-b, cb-b1, cb-b2, cb-b3
  EXPECT_GT(district.visits_size(), 0);
  for (const auto& v : district.visits()) {
    EXPECT_FALSE(province_months.count({v.cell_id(), v.starts_at().substr(0, 7)}))
        << v.cell_id() << " " << v.starts_at() << " is the province's";
  }
  EXPECT_EQ(district.figures().duplicates(), 0);

}

// Planned against done: a past quarter's approved plan and a visit recorded.
TEST_P(VisitPlanTest, AVisitRecordedAtAPlannedMeetingShowsAsDone) {
  sv1::CreateSeriesRequest r;
  r.mutable_series()->set_cell_id("cb-b3");
  r.mutable_series()->set_kind(sv1::REGULAR);
  r.mutable_series()->set_rrule("FREQ=MONTHLY;BYDAY=2WE");
  r.mutable_series()->set_first_start("2026-01-14T08:00");
  r.mutable_series()->set_duration_minutes(120);
  r.set_materialize_until("2026-03-31");
  sv1::MeetingSeries series;
  ASSERT_TRUE(h_->scheduling().stub().CreateSeries(Ctx(admin_).get(), r, &series).ok());
  v1::ProposeVisitPlanRequest p;
  p.set_owner_org_id("huyen-b");
  p.set_period("2026-Q1");
  p.set_from_date("2026-01-01");
  v1::VisitPlan plan;
  grpc::Status s = h_->stub().ProposeVisitPlan(Ctx(admin_).get(), p, &plan);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(plan.visits_size(), 1);  // one cell met in 2026
  EXPECT_EQ(plan.visits(0).cell_id(), "cb-b3");
  v1::RecordVisitRequest visit;
  visit.mutable_visit()->set_team_id("to-hb");
  visit.mutable_visit()->set_meeting_id(plan.visits(0).meeting_id());
  v1::Visit recorded;
  s = h_->stub().RecordVisit(Ctx(supervisor_).get(), visit, &recorded);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::GetVisitPlanRequest get;
  get.set_id(plan.id());
  v1::VisitPlan read;
  ASSERT_TRUE(h_->stub().GetVisitPlan(Ctx(admin_).get(), get, &read).ok());
  EXPECT_TRUE(read.visits(0).done());
  EXPECT_EQ(read.figures().visits_done(), 1);
  ASSERT_EQ(read.loads_size(), 1);
  EXPECT_EQ(read.loads(0).planned(), 1);
  EXPECT_EQ(read.loads(0).done(), 1);
}

TEST_P(VisitPlanTest, BadRequestsNameTheirFields) {
  v1::ProposeVisitPlanRequest r;
  r.set_owner_org_id("tinh");
  r.set_period("2027-06");
  v1::VisitPlan out;
  EXPECT_EQ(ViolatedFields(Propose(r, &out)), std::vector<std::string>{"period"});
  r.set_period("2027-Q1");
  r.set_owner_org_id("cb-1");
  EXPECT_EQ(ViolatedFields(Propose(r, &out)), std::vector<std::string>{"owner_org_id"});  // a cell, no teams
  v1::GetVisitPlanRequest get;
  get.set_id("kh-none");
  EXPECT_EQ(h_->stub().GetVisitPlan(Ctx(admin_).get(), get, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

// A committee member following a cell (seed 000) is planned alone, only at
// the cells they follow; a follower not on the committee is not planned.
TEST_P(VisitPlanTest, ACommitteeMemberFollowingCellsIsPlannedAloneAtThem) {
  auto follow = [&](const std::string& member, const std::string& cell) {
    v1::AssignFollowerRequest a;
    a.mutable_assignment()->set_member_id(member);
    a.mutable_assignment()->set_cell_id(cell);
    a.mutable_assignment()->set_from_date("2026-12-01");
    v1::FollowAssignment out;
    grpc::Status s = h_->stub().AssignFollower(Ctx(admin_).get(), a, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  };
  rv1::AssignPositionRequest seat;
  seat.set_member_id("m3");
  seat.set_org_unit_id("tinh");
  seat.set_position(rv1::COMMITTEE_MEMBER);
  seat.set_effective_on("2026-01-01");
  rv1::Member seated;
  grpc::Status s = h_->registry().stub().AssignPosition(Ctx(admin_).get(), seat, &seated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  follow("m3", "cb-4");
  follow("m3", "cb-b2");
  follow("m4", "cb-3");  // m4 sits on no committee

  const v1::VisitPlan plan = Propose(v1::MIN_COST_FLOW, 3);
  ExpectRulesKept(plan);
  const v1::TeamLoad* load = nullptr;
  for (const auto& l : plan.loads()) {
    if (l.team_id() == "member:m3") load = &l;
    EXPECT_NE(l.team_id(), "member:m4");
  }
  ASSERT_NE(load, nullptr) << plan.DebugString();
  EXPECT_EQ(load->quota(), 1);  // the provincial member's 2 a year, prorated
  EXPECT_TRUE(load->quota_met());
  EXPECT_EQ(plan.figures().teams(), 3);
  int alone = 0;
  for (const auto& v : plan.visits()) {
    if (v.team_id() != "member:m3") continue;
    ++alone;
    EXPECT_TRUE(v.cell_id() == "cb-4" || v.cell_id() == "cb-b2") << v.cell_id();
    EXPECT_FALSE(v.team_name().empty());
  }
  EXPECT_GE(alone, 1);
}

// Weak compliance in the period before is a priority: cb-1 held its three
// regular meetings of 2026-Q4, cb-2 one of three; every other cell none.
TEST_P(VisitPlanTest, WeakComplianceLastPeriodRaisesACellsPriority) {
  for (const auto& [cell, first, present, held] :
       {std::tuple{"cb-1", "2026-10-06T08:00", std::vector<std::string>{"m1", "m2", "m3", "m4"}, 3},
        {"cb-2", "2026-10-06T14:00", std::vector<std::string>{"m5"}, 1}}) {
    sv1::CreateSeriesRequest r;
    r.mutable_series()->set_cell_id(cell);
    r.mutable_series()->set_kind(sv1::REGULAR);
    r.mutable_series()->set_rrule("FREQ=MONTHLY;BYDAY=1TU");
    r.mutable_series()->set_first_start(first);
    r.mutable_series()->set_duration_minutes(120);
    r.set_materialize_until("2026-12-31");
    sv1::MeetingSeries out;
    grpc::Status s = h_->scheduling().stub().CreateSeries(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    auto meetings = scheduling::testing::MeetingsOf(h_->scheduling(), admin_, cell, false, "2026-10-01", "2026-12-31");
    ASSERT_EQ(meetings.size(), 3u);
    for (int i = 0; i < held; ++i) {
      sv1::RecordMeetingRequest rec;
      rec.set_id(meetings[i].id());
      rec.set_actual_start(meetings[i].starts_at());
      rec.set_actual_end(meetings[i].ends_at());
      for (const auto& m : present) *rec.add_attendance() = scheduling::testing::Mark(m, sv1::PRESENT);
      sv1::Meeting recorded;
      s = h_->scheduling().stub().RecordMeeting(Ctx(admin_).get(), rec, &recorded);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }
  const v1::VisitPlan plan = Propose(v1::MIN_COST_FLOW, 0);
  std::map<std::string, std::pair<int, std::string>> by_cell;
  for (const auto& v : plan.visits()) by_cell[v.cell_id()] = {v.priority(), v.why()};
  ASSERT_TRUE(by_cell.count("cb-1") && by_cell.count("cb-2") && by_cell.count("cb-3")) << plan.DebugString();
  EXPECT_FALSE(absl::StrContains(by_cell["cb-1"].second, "kỳ trước")) << by_cell["cb-1"].second;
  EXPECT_TRUE(absl::StrContains(by_cell["cb-2"].second, "kỳ trước sinh hoạt định kỳ 1/3 buổi")) << by_cell["cb-2"].second;
  EXPECT_TRUE(absl::StrContains(by_cell["cb-3"].second, "kỳ trước sinh hoạt định kỳ 0/3 buổi")) << by_cell["cb-3"].second;
  EXPECT_EQ(by_cell["cb-2"].first, by_cell["cb-1"].first + 10);  // neither remote; the same otherwise
  // A residential cell not yet attended this quarter comes first too (Sa
  // Pa: once a quarter): cb-3 (residential) against cb-b3 (an agency),
  // both without meetings last quarter.
  ASSERT_TRUE(by_cell.count("cb-b3")) << plan.DebugString();
  EXPECT_TRUE(absl::StrContains(by_cell["cb-3"].second, "khu dân cư")) << by_cell["cb-3"].second;
  EXPECT_FALSE(absl::StrContains(by_cell["cb-b3"].second, "khu dân cư")) << by_cell["cb-b3"].second;
  EXPECT_EQ(by_cell["cb-3"].first, by_cell["cb-b3"].first + 10);
}

// The team's quarterly report (seed 003) on a past quarter: the approved
// plan's visits for the team, those it recorded and one outside the plan,
// the grades by the rulebook, the recommendation overdue until followed up,
// the leader's proposals behind an etag, all in the printable text.
TEST_P(VisitPlanTest, TheTeamsReportShowsPlannedAgainstDoneGradesRecommendationsAndProposals) {
  for (const auto& [cell, rrule, first] :
       {std::tuple{"cb-2", "FREQ=MONTHLY;BYDAY=1TU", "2026-07-07T14:00"}, {"cb-3", "FREQ=MONTHLY;BYDAY=1WE", "2026-07-01T08:00"},
        {"cb-4", "FREQ=MONTHLY;BYDAY=1TH", "2026-07-02T08:00"}, {"cb-b1", "FREQ=MONTHLY;BYDAY=2MO", "2026-07-13T08:00"}}) {
    sv1::CreateSeriesRequest r;
    r.mutable_series()->set_cell_id(cell);
    r.mutable_series()->set_kind(sv1::REGULAR);
    r.mutable_series()->set_rrule(rrule);
    r.mutable_series()->set_first_start(first);
    r.mutable_series()->set_duration_minutes(120);
    r.set_materialize_until("2026-09-30");
    sv1::MeetingSeries out;
    grpc::Status s = h_->scheduling().stub().CreateSeries(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::ProposeVisitPlanRequest pr;
  pr.set_owner_org_id("tinh");
  pr.set_period("2026-Q3");
  pr.set_from_date("2026-07-01");
  pr.set_max_visits_per_team(2);
  v1::VisitPlan plan;
  grpc::Status s = h_->stub().ProposeVisitPlan(Ctx(admin_).get(), pr, &plan);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::ApproveVisitPlanRequest a;
  a.set_id(plan.id());
  v1::VisitPlan approved;
  s = h_->stub().ApproveVisitPlan(Ctx(admin_).get(), a, &approved);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::vector<v1::PlannedVisit> mine;
  std::set<std::string> my_days, planned_meetings;
  for (const auto& v : approved.visits()) {
    planned_meetings.insert(v.meeting_id());
    if (v.team_id() == "to-1") mine.push_back(v), my_days.insert(v.starts_at().substr(0, 10));
  }
  ASSERT_EQ(mine.size(), 2u);
  // An unplanned meeting on a day to-1 is free, away from its own cell.
  std::string extra;
  for (const auto& cell : {"cb-2", "cb-3", "cb-4", "cb-b1"}) {
    for (const auto& m : scheduling::testing::MeetingsOf(h_->scheduling(), admin_, cell, false, "2026-07-01", "2026-09-30")) {
      if (extra.empty() && !planned_meetings.count(m.id()) && !my_days.count(m.starts_at().substr(0, 10))) extra = m.id();
    }
  }
  ASSERT_FALSE(extra.empty());
  auto visit = [&](const std::string& meeting, int points, const std::string& due) {
    v1::RecordVisitRequest r;
    r.mutable_visit()->set_team_id("to-1");
    r.mutable_visit()->set_meeting_id(meeting);
    if (points > 0) {
      auto* sc = r.mutable_visit()->add_scores();
      sc->set_criterion("Tổng hợp");
      sc->set_points(points);
      sc->set_max_points(100);
    }
    if (!due.empty()) {
      auto* rec = r.mutable_visit()->add_recommendations();
      rec->set_text("Lập sổ theo dõi thực hiện nghị quyết");
      rec->set_due_on(due);
    }
    v1::Visit out;
    grpc::Status vs = h_->stub().RecordVisit(Ctx(supervisor_).get(), r, &out);
    EXPECT_TRUE(vs.ok()) << vs.error_message();
    return out;
  };
  visit(mine[0].meeting_id(), 95, "");
  const v1::Visit with_rec = visit(mine[1].meeting_id(), 60, "2026-09-30");
  visit(extra, 0, "");

  auto report = [&](const std::string& period = "2026-Q3") {
    v1::GetTeamReportRequest r;
    r.set_team_id("to-1");
    r.set_period(period);
    v1::TeamReport out;
    grpc::Status rs = h_->stub().GetTeamReport(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(rs.ok()) << rs.error_message();
    return out;
  };
  v1::TeamReport r = report();
  EXPECT_EQ(r.team_name(), "Tổ 1");
  EXPECT_EQ(r.from(), "2026-07-01");
  EXPECT_EQ(r.to(), "2026-09-30");
  EXPECT_EQ(r.visits_planned(), 2);
  EXPECT_EQ(r.visits_done(), 3);
  EXPECT_EQ(r.planned_done(), 2);
  EXPECT_EQ(r.unplanned_done(), 1);
  EXPECT_EQ(r.graded_good(), 1);     // 95 ≥ 90
  EXPECT_EQ(r.graded_average(), 1);  // 50 ≤ 60 < 70
  EXPECT_EQ(r.not_scored(), 1);
  EXPECT_EQ(r.visits_size(), 3);
  EXPECT_EQ(r.recommendations_made(), 1);
  EXPECT_EQ(r.recommendations_open(), 1);
  EXPECT_EQ(r.recommendations_overdue(), 1);  // due 30 September, today is later
  EXPECT_TRUE(absl::StrContains(r.text(), "quý III năm 2026")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "đã dự 02 cuộc theo kế hoạch và 01 cuộc ngoài kế hoạch")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "Lập sổ theo dõi thực hiện nghị quyết")) << r.text();
  EXPECT_TRUE(absl::StrContains(r.text(), "(chưa có)")) << r.text();
  EXPECT_EQ(report("2026-Q2").visits_done(), 0);

  // The coverage report shows the same per team: the approved plan as the
  // expected visits, against those done.
  v1::ReportRequest cov;
  cov.set_org_unit_id("tinh");
  cov.set_period("2026-Q3");
  v1::CoverageReport coverage;
  ASSERT_TRUE(h_->stub().GetCoverageReport(Ctx(admin_).get(), cov, &coverage).ok());
  std::map<std::string, std::vector<int>> rows;
  for (const auto& row : coverage.teams()) rows[row.team_id()] = {row.planned(), row.planned_done(), row.done()};
  int planned_to_2 = 0;
  for (const auto& v : approved.visits()) planned_to_2 += v.team_id() == "to-2" ? 1 : 0;
  EXPECT_EQ(rows["to-1"], (std::vector<int>{2, 2, 3}));
  EXPECT_EQ(rows["to-2"], (std::vector<int>{planned_to_2, 0, 0}));
  cov.set_org_unit_id("huyen-b");  // only what lies below huyen-b
  ASSERT_TRUE(h_->stub().GetCoverageReport(Ctx(admin_).get(), cov, &coverage).ok());
  int to_1_below = 0;
  for (const auto& v : mine) to_1_below += v.cell_id() == "cb-b1" ? 1 : 0;
  for (const auto& row : coverage.teams()) {
    if (row.team_id() == "to-1") EXPECT_EQ(row.planned(), to_1_below);
  }

  // The leader's proposals: the first without an etag, then only with the current one.
  v1::PutTeamReportProposalsRequest put;
  put.set_team_id("to-1");
  put.set_period("2026-Q3");
  put.set_proposals("Đề nghị Ban Thường vụ bố trí kinh phí in sổ cho các chi bộ vùng sâu.");
  put.set_request_id("proposals-1");
  v1::TeamReport written;
  s = h_->stub().PutTeamReportProposals(Ctx(supervisor_).get(), put, &written);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(written.proposals(), put.proposals());
  v1::TeamReport again;  // a retry answers the first answer, writes nothing
  ASSERT_TRUE(h_->stub().PutTeamReportProposals(Ctx(supervisor_).get(), put, &again).ok());
  EXPECT_EQ(again.etag(), written.etag());
  put.set_request_id("proposals-2");
  put.set_proposals("Sửa lại");
  EXPECT_EQ(h_->stub().PutTeamReportProposals(Ctx(supervisor_).get(), put, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // no etag, not the first text
  put.set_etag(written.etag());
  ASSERT_TRUE(h_->stub().PutTeamReportProposals(Ctx(supervisor_).get(), put, &again).ok());
  put.set_request_id("proposals-3");
  EXPECT_EQ(h_->stub().PutTeamReportProposals(Ctx(supervisor_).get(), put, &again).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);  // a new request id with the old etag
  r = report();
  EXPECT_EQ(r.proposals(), "Sửa lại");
  EXPECT_TRUE(absl::StrContains(r.text(), "4. Đề xuất, kiến nghị của tổ: Sửa lại")) << r.text();

  // Followed up: no longer open nor overdue.
  v1::UpdateRecommendationRequest follow;
  follow.set_visit_id(with_rec.id());
  follow.set_recommendation_id(with_rec.recommendations(0).id());
  follow.set_status(v1::DONE);
  v1::Visit followed;
  ASSERT_TRUE(h_->stub().UpdateRecommendation(Ctx(admin_).get(), follow, &followed).ok());
  r = report();
  EXPECT_EQ(r.recommendations_done(), 1);
  EXPECT_EQ(r.recommendations_overdue(), 0);

  v1::GetTeamReportRequest bad;
  bad.set_period("quý 3");
  v1::TeamReport out;
  s = h_->stub().GetTeamReport(Ctx(admin_).get(), bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"team_id", "period"}));
  bad.set_team_id("to-none");
  bad.set_period("2026-Q3");
  EXPECT_EQ(h_->stub().GetTeamReport(Ctx(admin_).get(), bad, &out).error_code(), grpc::StatusCode::NOT_FOUND);
}

INSTANTIATE_TEST_SUITE_P(Engines, VisitPlanTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         EngineName);

}  // namespace
}  // namespace chibo::supervision::testing
