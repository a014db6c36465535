// The registry over real gRPC with a real Redis, on SQLite and on
// PostgreSQL: a 4-level tree, members, a transfer, an exemption, and the
// roster counts on dates before and after each event; a move and the tree
// as of an earlier date.
#include <algorithm>

#include "gtest/gtest.h"
#include "tests/services/registry/registry_test_util.h"

namespace chibo::registry::testing {
namespace {

enum class Engine { kSqlite, kPostgres };

class RegistryFlowTest : public ::testing::TestWithParam<Engine> {
 protected:
  static void SetUpTestSuite() {
    if (!postgres_) {
      auto pg = chibo::testing::PostgresCluster::Start();
      ASSERT_TRUE(pg.ok()) << pg.status();
      postgres_ = pg->release();
    }
  }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }

  void SetUp() override {
    HarnessOptions options;
    options.with_redis = true;
    if (GetParam() == Engine::kPostgres) {
      static int n = 0;
      auto url = postgres_->CreateDatabase("flow_" + std::to_string(++n));
      ASSERT_TRUE(url.ok()) << url.status();
      options.database_url = *url;
    }
    auto h = RegistryHarness::Start(options);
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->Token(auth::Role::kAdmin, "tinh");
    // Province → districts → base committee → cells: four levels.
    MakeUnit(*h_, admin_, "tinh", v1::PROVINCE, "");
    MakeUnit(*h_, admin_, "huyen-a", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "huyen-b", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "xa-a1", v1::BASE_COMMITTEE, "huyen-a", "2000-01-01", v1::COMMUNE_WARD);
    MakeUnit(*h_, admin_, "cb-1", v1::SUBORDINATE_CELL, "xa-a1", "2000-01-01", v1::RESIDENTIAL);
    MakeUnit(*h_, admin_, "cb-2", v1::SUBORDINATE_CELL, "xa-a1", "2000-01-01", v1::RESIDENTIAL);
    MakeUnit(*h_, admin_, "cb-b", v1::BASE_CELL, "huyen-b", "2000-01-01", v1::SCHOOL);
  }

  static chibo::testing::PostgresCluster* postgres_;
  std::unique_ptr<RegistryHarness> h_;
  std::string admin_;
};

chibo::testing::PostgresCluster* RegistryFlowTest::postgres_ = nullptr;

// A roll brought in by the batch: all or nothing, errors naming the member,
// scope checked per member, a retry harmless; and the rosters of several
// days in one call equal GetRoster's answer for each day.
TEST_P(RegistryFlowTest, ABatchOfMembersCommitsWholeOrNotAtAllAndRostersComeInOneCall) {
  MakeMember(*h_, admin_, "m0", "cb-1", "2010-03-02", "2011-03-02");
  auto member = [](const std::string& id, const std::string& cell, const std::string& admitted) {
    v1::CreateMemberRequest r;
    r.mutable_member()->set_id(id);
    r.mutable_member()->set_card_number("TD-" + id);
    r.mutable_member()->set_full_name("Trần Thị " + id);
    r.mutable_member()->set_home_cell_id(cell);
    r.mutable_member()->set_admitted_on(admitted);
    return r;
  };
  auto members_of = [&](const std::string& cell) {
    v1::ListMembersRequest r;
    r.set_org_unit_id(cell);
    v1::ListMembersResponse out;
    EXPECT_TRUE(h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), r, &out).ok());
    return out.members_size();
  };
  v1::BatchCreateMembersRequest batch;
  *batch.add_requests() = member("b1", "cb-1", "2020-01-10");
  *batch.add_requests() = member("b2", "cb-2", "2021-02-11");
  *batch.add_requests() = member("b3", "cb-1", "2022-03-12");
  batch.set_request_id("nhap-ho-so-1");
  v1::BatchCreateMembersResponse out;

  // Bad input names the member and the field; nothing is written.
  v1::BatchCreateMembersRequest bad = batch;
  bad.mutable_requests(1)->mutable_member()->clear_admitted_on();
  bad.mutable_requests(2)->mutable_member()->set_card_number("TD-b1");  // twice in the batch
  grpc::Status s = h_->stub().BatchCreateMembers(RegistryHarness::Ctx(admin_).get(), bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s),
            (std::vector<std::string>{"requests[1].member.admitted_on", "requests[2].member.card_number"}));
  // A card number already in the registry fails the whole batch at its member.
  bad = batch;
  bad.mutable_requests(2)->mutable_member()->set_card_number("TD-m0");
  s = h_->stub().BatchCreateMembers(RegistryHarness::Ctx(admin_).get(), bad, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_NE(s.error_message().find("requests[2]"), std::string::npos) << s.error_message();
  // A district secretary of huyen-b cannot bring members into huyen-a's cells.
  const std::string other = h_->Token(auth::Role::kSecretary, "huyen-b");
  s = h_->stub().BatchCreateMembers(RegistryHarness::Ctx(other).get(), batch, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(members_of("cb-1"), 1);
  EXPECT_EQ(members_of("cb-2"), 0);

  ASSERT_TRUE(h_->stub().BatchCreateMembers(RegistryHarness::Ctx(admin_).get(), batch, &out).ok());
  ASSERT_EQ(out.members_size(), 3);
  EXPECT_EQ(out.members(1).id(), "b2");
  EXPECT_EQ(out.members(1).home_cell_id(), "cb-2");
  v1::BatchCreateMembersResponse again;
  ASSERT_TRUE(h_->stub().BatchCreateMembers(RegistryHarness::Ctx(admin_).get(), batch, &again).ok());
  EXPECT_EQ(again.SerializeAsString(), out.SerializeAsString());
  EXPECT_EQ(members_of("cb-1"), 3);
  EXPECT_EQ(members_of("cb-2"), 1);

  // The rosters: the batch's answers are GetRoster's, day by day, and
  // reflect the batch just written (the cell's version moved).
  v1::BatchGetRostersRequest rr;
  rr.set_cell_id("cb-1");
  for (const char* day : {"2019-12-31", "2020-06-01", "2023-01-01"}) rr.add_dates(day);
  v1::BatchGetRostersResponse rosters;
  ASSERT_TRUE(h_->stub().BatchGetRosters(RegistryHarness::Ctx(admin_).get(), rr, &rosters).ok());
  ASSERT_EQ(rosters.rosters_size(), 3);
  EXPECT_EQ(rosters.rosters(0).expected(), 1);
  EXPECT_EQ(rosters.rosters(1).expected(), 2);
  EXPECT_EQ(rosters.rosters(2).expected(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(rosters.rosters(i).SerializeAsString(), RosterOn(*h_, admin_, "cb-1", rr.dates(i)).SerializeAsString());
  }
  rr.set_dates(1, "2020-02-30");
  s = h_->stub().BatchGetRosters(RegistryHarness::Ctx(admin_).get(), rr, &rosters);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"dates[1]"});
  rr.clear_dates();
  s = h_->stub().BatchGetRosters(RegistryHarness::Ctx(admin_).get(), rr, &rosters);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"dates"});
  rr.add_dates("2023-01-01");
  EXPECT_EQ(h_->stub().BatchGetRosters(RegistryHarness::Ctx(other).get(), rr, &rosters).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(RegistryFlowTest, RosterCountsFollowTransfersExemptionsAndStanding) {
  // cb-1: three official, two probationary (m4 becomes official 2024-05-01).
  MakeMember(*h_, admin_, "m1", "cb-1", "2010-03-02", "2011-03-02");
  MakeMember(*h_, admin_, "m2", "cb-1", "2012-05-19", "2013-05-19");
  MakeMember(*h_, admin_, "m3", "cb-1", "2015-09-02", "2016-09-02");
  MakeMember(*h_, admin_, "m4", "cb-1", "2023-05-01", "");
  MakeMember(*h_, admin_, "m5", "cb-1", "2023-11-07", "");
  MakeMember(*h_, admin_, "m6", "cb-2", "2018-01-01", "2019-01-01");
  MakeMember(*h_, admin_, "m7", "cb-2", "2018-01-01", "2019-01-01");

  v1::Roster before = RosterOn(*h_, admin_, "cb-1", "2024-02-01");
  EXPECT_EQ(before.total(), 5);
  EXPECT_EQ(before.official(), 3);
  EXPECT_EQ(before.probationary(), 2);
  EXPECT_EQ(before.expected(), 5);

  v1::Member out;
  // m2 exempted from 2024-03-01 (miễn sinh hoạt).
  auto exempt = Lifecycle("m2", "2024-03-01");
  exempt.set_reason("Tuổi cao, sức yếu");
  ASSERT_TRUE(h_->stub().StartExemption(RegistryHarness::Ctx(admin_).get(), exempt, &out).ok());
  EXPECT_EQ(out.status(), v1::EXEMPTED);
  // m4 becomes official on 2024-05-01.
  ASSERT_TRUE(h_->stub().MakeOfficial(RegistryHarness::Ctx(admin_).get(), Lifecycle("m4", "2024-05-01"), &out).ok());
  // m1 transferred officially to cb-2 on 2024-06-01.
  ASSERT_TRUE(h_->stub().TransferMember(RegistryHarness::Ctx(admin_).get(), Lifecycle("m1", "2024-06-01", "cb-2"), &out).ok());
  EXPECT_EQ(out.home_cell_id(), "cb-2");
  // m5 away to cb-b (another district) from 2024-08-01, back 2025-02-01.
  auto away = Lifecycle("m5", "2024-08-01", "cb-b");
  away.set_ends_on("2025-06-01");  // planned; it ends earlier
  ASSERT_TRUE(h_->stub().StartTemporaryTransfer(RegistryHarness::Ctx(admin_).get(), away, &out).ok());
  ASSERT_TRUE(h_->stub().EndTemporaryTransfer(RegistryHarness::Ctx(admin_).get(), Lifecycle("m5", "2025-02-01"), &out).ok());

  // Before every event: unchanged (the roster is computed from dated facts).
  v1::Roster feb = RosterOn(*h_, admin_, "cb-1", "2024-02-01");
  EXPECT_EQ(feb.total(), 5);
  EXPECT_EQ(feb.expected(), 5);
  EXPECT_EQ(feb.exempted(), 0);

  v1::Roster apr = RosterOn(*h_, admin_, "cb-1", "2024-04-01");
  EXPECT_EQ(apr.total(), 5);
  EXPECT_EQ(apr.exempted(), 1);
  EXPECT_EQ(apr.expected(), 4);
  EXPECT_EQ(apr.official(), 3);

  v1::Roster may = RosterOn(*h_, admin_, "cb-1", "2024-05-01");
  EXPECT_EQ(may.official(), 4);
  EXPECT_EQ(may.probationary(), 1);

  v1::Roster july = RosterOn(*h_, admin_, "cb-1", "2024-07-01");
  EXPECT_EQ(july.total(), 4);  // m1 left
  EXPECT_EQ(july.expected(), 3);
  v1::Roster cb2_before = RosterOn(*h_, admin_, "cb-2", "2024-05-31");
  v1::Roster cb2_after = RosterOn(*h_, admin_, "cb-2", "2024-06-01");
  EXPECT_EQ(cb2_before.total(), 2);
  EXPECT_EQ(cb2_after.total(), 3);
  EXPECT_EQ(cb2_after.expected(), 3);

  v1::Roster sept = RosterOn(*h_, admin_, "cb-1", "2024-09-01");
  EXPECT_EQ(sept.total(), 4);
  EXPECT_EQ(sept.temporarily_away(), 1);
  EXPECT_EQ(sept.expected(), 2);  // m3, m4 (m2 exempted, m5 away)
  v1::Roster host = RosterOn(*h_, admin_, "cb-b", "2024-09-01");
  EXPECT_EQ(host.total(), 0);
  EXPECT_EQ(host.visiting(), 1);
  EXPECT_EQ(host.expected(), 0);

  v1::Roster back = RosterOn(*h_, admin_, "cb-1", "2025-03-01");
  EXPECT_EQ(back.temporarily_away(), 0);
  EXPECT_EQ(back.expected(), 3);
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-b", "2025-03-01").visiting(), 0);

  // Ending the exemption brings m2 back into the expected count.
  ASSERT_TRUE(h_->stub().EndExemption(RegistryHarness::Ctx(admin_).get(), Lifecycle("m2", "2025-04-01"), &out).ok());
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-1", "2025-04-01").expected(), 4);
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-1", "2025-03-31").expected(), 3);

  // Removal (xóa tên) takes m3 out of the roll from its date.
  ASSERT_TRUE(h_->stub().RemoveMember(RegistryHarness::Ctx(admin_).get(), Lifecycle("m3", "2025-06-01"), &out).ok());
  EXPECT_EQ(out.status(), v1::REMOVED);
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-1", "2025-06-01").total(), 3);
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-1", "2025-05-31").total(), 4);

  // The events of m1, in order.
  v1::ListMemberEventsRequest er;
  er.set_member_id("m1");
  v1::ListMemberEventsResponse events;
  ASSERT_TRUE(h_->stub().ListMemberEvents(RegistryHarness::Ctx(admin_).get(), er, &events).ok());
  ASSERT_EQ(events.events_size(), 3);
  EXPECT_EQ(events.events(0).kind(), v1::ADMITTED);
  EXPECT_EQ(events.events(1).kind(), v1::BECAME_OFFICIAL);
  EXPECT_EQ(events.events(2).kind(), v1::OFFICIAL_TRANSFER);
  EXPECT_EQ(events.events(2).from_cell_id(), "cb-1");
  EXPECT_EQ(events.events(2).to_cell_id(), "cb-2");
}

TEST_P(RegistryFlowTest, RollReportCountsTheRollOnTheDayAndWhoJoinedAndLeftOnTheTreeAsItWas) {
  auto member = [&](const std::string& id, const std::string& cell, const std::string& admitted,
                    const std::string& official, v1::Sex sex, const std::string& birth) {
    v1::CreateMemberRequest r;
    auto* m = r.mutable_member();
    m->set_id(id);
    m->set_card_number("TD-" + id);
    m->set_full_name("Nguyễn Thị " + id);
    m->set_home_cell_id(cell);
    m->set_admitted_on(admitted);
    m->set_official_on(official);
    m->set_sex(sex);
    m->set_birth_date(birth);
    v1::Member out;
    grpc::Status st = h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(st.ok()) << id << ": " << st.error_message();
  };
  member("m1", "cb-1", "2010-03-02", "2011-03-02", v1::MALE, "1960-06-15");   // 65
  member("m2", "cb-1", "2025-03-10", "", v1::FEMALE, "2000-01-01");           // admitted in 2025
  member("m3", "cb-1", "2015-01-01", "2016-01-01", v1::MALE, "1985-12-31");   // 40 on 31 December
  member("m4", "cb-2", "2015-01-01", "2016-01-01", v1::FEMALE, "");           // exempted
  member("m5", "cb-2", "2015-01-01", "2016-01-01", v1::MALE, "1975-01-01");   // to cb-b in July
  member("m6", "cb-b", "2015-01-01", "2016-01-01", v1::MALE, "1950-05-05");   // died in September
  member("m7", "cb-1", "2015-01-01", "2016-01-01", v1::MALE, "1990-05-05");   // removed in October
  v1::Member out;
  auto ctx = [&] { return RegistryHarness::Ctx(admin_); };
  ASSERT_TRUE(h_->stub().StartExemption(ctx().get(), Lifecycle("m4", "2025-02-01"), &out).ok());
  ASSERT_TRUE(h_->stub().TransferMember(ctx().get(), Lifecycle("m5", "2025-07-01", "cb-b"), &out).ok());
  ASSERT_TRUE(h_->stub().RecordDeath(ctx().get(), Lifecycle("m6", "2025-09-01"), &out).ok());
  ASSERT_TRUE(h_->stub().RemoveMember(ctx().get(), Lifecycle("m7", "2025-10-01"), &out).ok());
  // cb-2 (with m4) moves to huyen-b on 1 November.
  MakeUnit(*h_, admin_, "xa-b1", v1::BASE_COMMITTEE, "huyen-b", "2000-01-01", v1::COMMUNE_WARD);
  {
    v1::MoveOrgUnitRequest r;
    r.set_id("cb-2");
    r.set_new_parent_id("xa-b1");
    r.set_effective_on("2025-11-01");
    v1::OrgUnit moved;
    grpc::Status st = h_->stub().MoveOrgUnit(ctx().get(), r, &moved);
    ASSERT_TRUE(st.ok()) << st.error_message();
  }
  auto roll = [&](const std::string& org, const std::string& period) {
    v1::GetRollReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    v1::RollReport report;
    grpc::Status st = h_->stub().GetRollReport(ctx().get(), r, &report);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return report;
  };
  v1::RollReport year = roll("tinh", "2025");
  EXPECT_EQ(year.as_of(), "2025-12-31");
  const v1::RollFigures& f = year.figures();
  EXPECT_EQ(f.members(), 5);  // m1 m2 m3 m4 m5
  EXPECT_EQ(f.official(), 4);
  EXPECT_EQ(f.probationary(), 1);
  EXPECT_EQ(f.exempted(), 1);
  EXPECT_EQ(f.active(), 4);
  EXPECT_EQ(f.male(), 3);
  EXPECT_EQ(f.female(), 2);
  std::vector<int> bands;
  for (const auto& b : f.age_bands()) bands.push_back(b.members());
  EXPECT_EQ(bands, (std::vector<int>{1, 1, 1, 0, 1, 0, 1}));
  ASSERT_EQ(f.age_bands_size(), 7);
  EXPECT_EQ(f.age_bands(0).label(), "≤ 30");
  EXPECT_EQ(f.joined(), 1);
  EXPECT_EQ(f.admitted(), 1);
  EXPECT_EQ(f.left(), 2);
  EXPECT_EQ(f.deceased(), 1);
  EXPECT_EQ(f.removed(), 1);
  EXPECT_EQ(f.transferred_out(), 0) << "m5 moved inside the province";

  ASSERT_EQ(year.children_size(), 2);
  const v1::RollFigures* a = nullptr;
  const v1::RollFigures* b = nullptr;
  for (const auto& c : year.children()) (c.org_unit_id() == "huyen-a" ? a : b) = &c.figures();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->members(), 3);  // m1 m2 m3
  EXPECT_EQ(a->joined(), 1);
  EXPECT_EQ(a->left(), 3);
  EXPECT_EQ(a->transferred_out(), 1);  // m5
  EXPECT_EQ(a->moved_out(), 1);        // m4, with cb-2
  EXPECT_EQ(a->removed(), 1);          // m7
  EXPECT_EQ(b->members(), 2);          // m4 m5
  EXPECT_EQ(b->joined(), 2);
  EXPECT_EQ(b->transferred_in(), 1);
  EXPECT_EQ(b->moved_in(), 1);
  EXPECT_EQ(b->left(), 1);
  EXPECT_EQ(b->deceased(), 1);

  // The first half: the roll on 30 June, before the transfer, death, removal and move.
  v1::RollReport h1 = roll("huyen-a", "2025-H1");
  EXPECT_EQ(h1.as_of(), "2025-06-30");
  EXPECT_EQ(h1.figures().members(), 6);  // m1 m2 m3 m4 m5 m7
  EXPECT_EQ(h1.figures().left(), 0);
  EXPECT_EQ(h1.figures().joined(), 1);

  // A period not begun; out of scope.
  v1::GetRollReportRequest r;
  r.set_org_unit_id("tinh");
  r.set_period("2099");
  v1::RollReport report;
  EXPECT_EQ(ViolatedFields(h_->stub().GetRollReport(ctx().get(), r, &report)), std::vector<std::string>{"period"});
  r.set_period("2025");
  const std::string secretary = h_->Token(auth::Role::kSecretary, "cb-1");
  EXPECT_EQ(h_->stub().GetRollReport(RegistryHarness::Ctx(secretary).get(), r, &report).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(RegistryFlowTest, MovedUnitShowsItsOldParentAsOfAnEarlierDate) {
  MakeMember(*h_, admin_, "m1", "cb-1", "2010-03-02", "2011-03-02");
  const std::string district_a = h_->Token(auth::Role::kAdmin, "huyen-a");
  v1::GetMemberRequest gm;
  gm.set_id("m1");
  v1::Member member;
  ASSERT_TRUE(h_->stub().GetMember(RegistryHarness::Ctx(district_a).get(), gm, &member).ok());

  // The 2025 reform: the commune moves from district a to district b.
  v1::MoveOrgUnitRequest move;
  move.set_id("xa-a1");
  move.set_new_parent_id("huyen-b");
  move.set_effective_on("2025-07-01");
  v1::OrgUnit moved;
  ASSERT_TRUE(h_->stub().MoveOrgUnit(RegistryHarness::Ctx(admin_).get(), move, &moved).ok());
  EXPECT_EQ(moved.parent_id(), "huyen-b");

  auto parent_on = [&](const std::string& date) {
    v1::GetOrgUnitRequest r;
    r.set_id("xa-a1");
    r.set_as_of(date);
    v1::OrgUnit u;
    EXPECT_TRUE(h_->stub().GetOrgUnit(RegistryHarness::Ctx(admin_).get(), r, &u).ok());
    return u;
  };
  EXPECT_EQ(parent_on("2025-06-30").parent_id(), "huyen-a");
  EXPECT_EQ(parent_on("2025-07-01").parent_id(), "huyen-b");
  v1::OrgUnit today = parent_on("");
  ASSERT_EQ(today.parent_history_size(), 2);
  EXPECT_EQ(today.parent_history(0).valid_to(), "2025-07-01");

  auto children_of = [&](const std::string& parent, const std::string& date) {
    v1::ListOrgUnitsRequest r;
    r.set_parent_id(parent);
    r.set_as_of(date);
    v1::ListOrgUnitsResponse resp;
    EXPECT_TRUE(h_->stub().ListOrgUnits(RegistryHarness::Ctx(admin_).get(), r, &resp).ok());
    std::vector<std::string> ids;
    for (const auto& u : resp.org_units()) ids.push_back(u.id());
    return ids;
  };
  EXPECT_EQ(children_of("huyen-a", "2025-01-01"), std::vector<std::string>{"xa-a1"});
  EXPECT_TRUE(children_of("huyen-a", "2025-08-01").empty());
  std::vector<std::string> b_after = children_of("huyen-b", "2025-08-01");
  EXPECT_NE(std::find(b_after.begin(), b_after.end(), "xa-a1"), b_after.end());

  // Members of district b's subtree as of after the move include cb-1's.
  v1::ListMembersRequest lm;
  lm.set_org_unit_id("huyen-b");
  lm.set_subtree(true);
  lm.set_as_of("2025-08-01");
  v1::ListMembersResponse members;
  ASSERT_TRUE(h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), lm, &members).ok());
  ASSERT_EQ(members.members_size(), 1);
  lm.set_org_unit_id("huyen-a");
  lm.set_as_of("2025-01-01");
  ASSERT_TRUE(h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), lm, &members).ok());
  EXPECT_EQ(members.members_size(), 1);

  // Scope follows the tree of today: district a no longer reaches m1.
  grpc::Status denied = h_->stub().GetMember(RegistryHarness::Ctx(district_a).get(), gm, &member);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << denied.error_message();
  const std::string district_b = h_->Token(auth::Role::kViewer, "huyen-b");
  EXPECT_TRUE(h_->stub().GetMember(RegistryHarness::Ctx(district_b).get(), gm, &member).ok());

  // A unit cannot move under its own descendant.
  v1::MoveOrgUnitRequest cycle;
  cycle.set_id("xa-a1");
  cycle.set_new_parent_id("cb-1");
  cycle.set_effective_on("2026-01-01");
  grpc::Status refused = h_->stub().MoveOrgUnit(RegistryHarness::Ctx(admin_).get(), cycle, &moved);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(RegistryFlowTest, SearchPagingMaskingAndAudit) {
  for (int i = 0; i < 7; ++i) {
    MakeMember(*h_, admin_, "p" + std::to_string(i), "cb-2", "2015-01-01", "2016-01-01");
  }
  v1::ListMembersRequest lm;
  lm.set_org_unit_id("cb-2");
  lm.set_page_size(3);
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    v1::ListMembersResponse resp;
    ASSERT_TRUE(h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), lm, &resp).ok());
    for (const auto& m : resp.members()) seen.push_back(m.id());
    if (resp.next_page_token().empty()) break;
    lm.set_page_token(resp.next_page_token());
  }
  EXPECT_EQ(seen.size(), 7u);

  // Search without diacritics finds "Nguyễn Văn p3".
  v1::ListMembersRequest search;
  search.set_org_unit_id("tinh");
  search.set_subtree(true);
  search.set_query("nguyen van p3");
  v1::ListMembersResponse found;
  ASSERT_TRUE(h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), search, &found).ok());
  ASSERT_EQ(found.members_size(), 1);
  EXPECT_EQ(found.members(0).id(), "p3");
  EXPECT_EQ(found.members(0).citizen_id(), "001203004567");

  // A viewer sees personal data masked.
  v1::GetMemberRequest gm;
  gm.set_id("p3");
  v1::Member masked;
  ASSERT_TRUE(h_->stub().GetMember(RegistryHarness::Ctx(h_->Token(auth::Role::kViewer, "tinh")).get(), gm, &masked).ok());
  EXPECT_EQ(masked.citizen_id(), "*********567");
  EXPECT_EQ(masked.phone(), "*******678");
  EXPECT_TRUE(masked.pii_masked());

  // Every write is audited with who and what.
  v1::ListAuditEntriesRequest ar;
  ar.set_org_unit_id("xa-a1");
  ar.set_resource_id("p3");
  v1::ListAuditEntriesResponse audit;
  ASSERT_TRUE(h_->stub().ListAuditEntries(RegistryHarness::Ctx(admin_).get(), ar, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 1);
  EXPECT_EQ(audit.entries(0).method(), "CreateMember");
  EXPECT_EQ(audit.entries(0).actor(), "tester");
  EXPECT_NE(audit.entries(0).after_json().find("Nguyễn Văn p3"), std::string::npos);
  // Only admins read the audit trail.
  grpc::Status viewer = h_->stub().ListAuditEntries(RegistryHarness::Ctx(h_->Token(auth::Role::kViewer, "tinh")).get(), ar, &audit);
  EXPECT_EQ(viewer.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_P(RegistryFlowTest, RulebookVersionInForceOnADate) {
  v1::GetRulebookRequest get;
  get.set_province_id("tinh");
  get.set_on_date("2024-01-01");
  v1::RulebookVersion rules;
  ASSERT_TRUE(h_->stub().GetRulebook(RegistryHarness::Ctx(admin_).get(), get, &rules).ok());
  EXPECT_TRUE(rules.is_default());
  EXPECT_EQ(rules.rules().regular_min_minutes(), 90);
  EXPECT_EQ(rules.rules().standard_attendance_percent(), 85);

  v1::PutRulebookRequest put;
  put.set_province_id("tinh");
  put.set_effective_from("2025-07-01");
  *put.mutable_rules() = rules.rules();
  put.mutable_rules()->set_district_member_visits_per_year(4);
  ASSERT_TRUE(h_->stub().PutRulebook(RegistryHarness::Ctx(admin_).get(), put, &rules).ok());

  get.set_on_date("2025-06-30");
  ASSERT_TRUE(h_->stub().GetRulebook(RegistryHarness::Ctx(admin_).get(), get, &rules).ok());
  EXPECT_TRUE(rules.is_default());
  EXPECT_EQ(rules.rules().district_member_visits_per_year(), 6);
  get.set_on_date("2025-07-01");
  ASSERT_TRUE(h_->stub().GetRulebook(RegistryHarness::Ctx(h_->Token(auth::Role::kViewer, "cb-1")).get(), get, &rules).ok());
  EXPECT_FALSE(rules.is_default());
  EXPECT_EQ(rules.effective_from(), "2025-07-01");
  EXPECT_EQ(rules.rules().district_member_visits_per_year(), 4);

  // A district admin may not change the province's rules.
  grpc::Status denied = h_->stub().PutRulebook(RegistryHarness::Ctx(h_->Token(auth::Role::kAdmin, "huyen-a")).get(), put, &rules);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

INSTANTIATE_TEST_SUITE_P(Engines, RegistryFlowTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& info) {
                           return info.param == Engine::kSqlite ? "SQLite" : "PostgreSQL";
                         });

}  // namespace
}  // namespace chibo::registry::testing
