// Input the registry refused only after issue #8: cycles made by
// future-dated moves, effective dates too far ahead, units deeper than the
// documented maximum, member dates that cannot be, temporary transfers out
// of the rulebook's bounds, transfers out of the caller's scope, and a
// history of moves that once made ListAuditEntries run for hours.
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "tests/services/registry/registry_test_util.h"

namespace chibo::registry::testing {
namespace {

class RegistryHardeningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = RegistryHarness::Start();
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->Token(auth::Role::kAdmin, "tinh");
    MakeUnit(*h_, admin_, "tinh", v1::PROVINCE, "");
    MakeUnit(*h_, admin_, "huyen-x", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "huyen-y", v1::DIRECT_COMMITTEE, "tinh");
  }

  grpc::Status Move(const std::string& id, const std::string& to, const std::string& on) {
    v1::MoveOrgUnitRequest r;
    r.set_id(id);
    r.set_new_parent_id(to);
    r.set_effective_on(on);
    v1::OrgUnit out;
    return h_->stub().MoveOrgUnit(RegistryHarness::Ctx(admin_).get(), r, &out);
  }

  // A day `days` from today.
  static std::string InDays(int days) { return time::FormatDate(time::Today() + days); }

  std::unique_ptr<RegistryHarness> h_;
  std::string admin_;
};

TEST_F(RegistryHardeningTest, TwoFutureMovesCannotMakeUnitsEachOthersAncestors) {
  // Y goes under X from +90 days; X under Y from +60 days would make each the
  // other's ancestor from +90 days on, though on +60 days itself all is well.
  ASSERT_TRUE(Move("huyen-y", "huyen-x", InDays(90)).ok());
  grpc::Status s = Move("huyen-x", "huyen-y", InDays(60));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"new_parent_id"});
  EXPECT_TRUE(absl::StrContains(s.error_message(), InDays(90))) << s.error_message();
  // The province still holds both, on every date.
  for (int days : {0, 60, 90, 200}) {
    v1::ListOrgUnitsRequest list;
    list.set_parent_id("tinh");
    list.set_subtree(true);
    list.set_as_of(InDays(days));
    v1::ListOrgUnitsResponse units;
    ASSERT_TRUE(h_->stub().ListOrgUnits(RegistryHarness::Ctx(admin_).get(), list, &units).ok());
    EXPECT_EQ(units.org_units_size(), 2) << "on " << InDays(days);
  }
}

TEST_F(RegistryHardeningTest, EffectiveDatesAreBoundedByTheRulebook) {
  // 9999-12-31 is no date chibo keeps; next year past the rulebook's 366 days
  // is too far ahead, and would have blocked every later move.
  grpc::Status s = Move("huyen-y", "huyen-x", "9999-12-31");
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"effective_on"});
  s = Move("huyen-y", "huyen-x", InDays(367));
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"effective_on"});
  EXPECT_TRUE(Move("huyen-y", "huyen-x", InDays(366)).ok());
  // A province that allows 30 days only.
  v1::PutRulebookRequest put;
  put.set_province_id("tinh");
  put.set_effective_from("2000-01-01");
  *put.mutable_rules() = v1::Rules();
  put.mutable_rules()->set_effective_max_days_ahead(30);
  put.mutable_rules()->set_temporary_transfer_min_months(3);
  v1::RulebookVersion version;
  ASSERT_TRUE(h_->stub().PutRulebook(RegistryHarness::Ctx(admin_).get(), put, &version).ok());
  v1::CloseOrgUnitRequest close;
  close.set_id("huyen-x");
  close.set_closed_on(InDays(31));
  v1::OrgUnit out;
  s = h_->stub().CloseOrgUnit(RegistryHarness::Ctx(admin_).get(), close, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"closed_on"});
}

TEST_F(RegistryHardeningTest, AMoveToTheParentItAlreadyHasIsRefused) {
  grpc::Status s = Move("huyen-x", "tinh", InDays(1));
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"new_parent_id"});
}

TEST_F(RegistryHardeningTest, NoUnitSitsDeeperThanTheDocumentedMaximum) {
  // Direct committees may nest; depth 8 is the deepest (the province is 0).
  std::string parent = "huyen-x";  // depth 1
  for (int depth = 2; depth <= 8; ++depth) {
    const std::string id = "d" + std::to_string(depth);
    MakeUnit(*h_, admin_, id, v1::DIRECT_COMMITTEE, parent);
    parent = id;
  }
  v1::CreateOrgUnitRequest r;
  r.mutable_org_unit()->set_id("d9");
  r.mutable_org_unit()->set_kind(v1::DIRECT_COMMITTEE);
  r.mutable_org_unit()->set_name("Quá sâu");
  r.mutable_org_unit()->set_parent_id("d8");
  r.mutable_org_unit()->set_opened_on("2000-01-01");
  v1::OrgUnit out;
  grpc::Status s = h_->stub().CreateOrgUnit(RegistryHarness::Ctx(admin_).get(), r, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"org_unit.parent_id"});
  // Nor may a move take a subtree below it: d4..d8 under huyen-y fits
  // (depths 2..6); huyen-y with them under d3 would reach depth 9.
  EXPECT_TRUE(Move("d4", "huyen-y", InDays(1)).ok());
  s = Move("huyen-y", "d3", InDays(2));
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"new_parent_id"});
  EXPECT_TRUE(absl::StrContains(s.error_message(), "level 9")) << s.error_message();
}

TEST_F(RegistryHardeningTest, AuditEntriesStayQuickAfterManyMovesBackAndForth) {
  MakeUnit(*h_, admin_, "xa", v1::BASE_COMMITTEE, "huyen-x");
  for (int i = 0; i < 6; ++i) MakeUnit(*h_, admin_, "cb-" + std::to_string(i), v1::SUBORDINATE_CELL, "xa");
  // Each move back and forth doubles the paths of an undated walk.
  for (int k = 1; k <= 8; ++k) {
    ASSERT_TRUE(Move("xa", k % 2 ? "huyen-y" : "huyen-x", InDays(k)).ok()) << k;
  }
  v1::ListAuditEntriesRequest r;
  r.set_org_unit_id("tinh");
  r.set_page_size(100);
  v1::ListAuditEntriesResponse out;
  auto ctx = RegistryHarness::Ctx(admin_);
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  grpc::Status s = h_->stub().ListAuditEntries(ctx.get(), r, &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(out.entries_size(), 3 + 7 + 8);  // the units, then the moves
  EXPECT_EQ(out.entries(0).method(), "MoveOrgUnit");
}

TEST_F(RegistryHardeningTest, MemberDatesThatCannotBeAreRefused) {
  MakeUnit(*h_, admin_, "cb", v1::BASE_CELL, "huyen-x", "2015-01-01");
  auto create = [&](const std::string& id, const std::string& born, const std::string& admitted,
                    const std::string& since = "") {
    v1::CreateMemberRequest r;
    r.mutable_member()->set_id(id);
    r.mutable_member()->set_card_number("C-" + id);
    r.mutable_member()->set_full_name("Lê Thị " + id);
    r.mutable_member()->set_home_cell_id("cb");
    r.mutable_member()->set_birth_date(born);
    r.mutable_member()->set_admitted_on(admitted);
    r.set_in_cell_since(since);
    v1::Member out;
    return h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), r, &out);
  };
  EXPECT_EQ(ViolatedFields(create("ma", "2001-05-01", "2000-03-02")), std::vector<std::string>{"member.birth_date"});
  EXPECT_EQ(ViolatedFields(create("mb", "2001-05-01", "2018-03-02")), std::vector<std::string>{"member.birth_date"});
  EXPECT_EQ(ViolatedFields(create("mc", "1980-05-01", InDays(1))), std::vector<std::string>{"member.admitted_on"});
  // Admitted in 1999, before the cell was founded in 2015: not into it then.
  EXPECT_EQ(ViolatedFields(create("md", "1970-05-01", "1999-03-02")), std::vector<std::string>{"member.admitted_on"});
  EXPECT_EQ(ViolatedFields(create("md", "1970-05-01", "1999-03-02", "2014-12-31")),
            std::vector<std::string>{"in_cell_since"});
  ASSERT_TRUE(create("md", "1970-05-01", "1999-03-02", "2015-01-01").ok());
  // …and such a member's later events work.
  v1::Member out;
  EXPECT_TRUE(h_->stub().MakeOfficial(RegistryHarness::Ctx(admin_).get(), Lifecycle("md", "2016-01-01"), &out).ok());
  EXPECT_TRUE(h_->stub().RecordDeath(RegistryHarness::Ctx(admin_).get(), Lifecycle("md", "2024-06-01"), &out).ok());
  EXPECT_EQ(out.status(), v1::DECEASED);
}

TEST_F(RegistryHardeningTest, AMemberWhoLeftGetsNoMoreEventsAndNoImpossibleBirthDate) {
  MakeUnit(*h_, admin_, "cb", v1::BASE_CELL, "huyen-x");
  MakeUnit(*h_, admin_, "cb-2", v1::BASE_CELL, "huyen-x");
  MakeMember(*h_, admin_, "mx", "cb", "2015-01-01", "2016-01-01");
  // Born after admission: refused on update as on creation.
  v1::UpdateMemberRequest update;
  update.mutable_member()->set_id("mx");
  update.mutable_member()->set_birth_date("2005-01-01");
  update.mutable_update_mask()->add_paths("birth_date");
  v1::Member out;
  EXPECT_EQ(ViolatedFields(h_->stub().UpdateMember(RegistryHarness::Ctx(admin_).get(), update, &out)),
            std::vector<std::string>{"member.birth_date"});
  ASSERT_TRUE(h_->stub().RecordDeath(RegistryHarness::Ctx(admin_).get(), Lifecycle("mx", "2024-06-01"), &out).ok());
  grpc::Status s = h_->stub().TransferMember(RegistryHarness::Ctx(admin_).get(), Lifecycle("mx", "2024-07-01", "cb-2"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  for (auto call : {&v1::RegistryService::Stub::StartExemption, &v1::RegistryService::Stub::RecordDeath}) {
    s = (h_->stub().*call)(RegistryHarness::Ctx(admin_).get(), Lifecycle("mx", "2024-07-01"), &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
    EXPECT_TRUE(absl::StrContains(s.error_message(), "2024-06-01")) << s.error_message();
  }
}

TEST_F(RegistryHardeningTest, TemporaryTransfersKeepToTheRulebooksLengths) {
  MakeUnit(*h_, admin_, "cb", v1::BASE_CELL, "huyen-x");
  MakeUnit(*h_, admin_, "host", v1::BASE_CELL, "huyen-y");
  MakeMember(*h_, admin_, "mx", "cb", "2015-01-01", "2016-01-01");
  auto away = [&](const std::string& from, const std::string& until, bool study = false) {
    v1::MemberLifecycleRequest r = Lifecycle("mx", from, "host");
    r.set_ends_on(until);
    r.set_for_study(study);
    v1::Member out;
    return h_->stub().StartTemporaryTransfer(RegistryHarness::Ctx(admin_).get(), r, &out);
  };
  EXPECT_EQ(ViolatedFields(away("2025-01-15", "")), std::vector<std::string>{"ends_on"});
  EXPECT_EQ(ViolatedFields(away("2025-01-15", "2025-04-14", false)), std::vector<std::string>{"ends_on"});
  EXPECT_EQ(ViolatedFields(away("2025-01-15", "2026-01-15", false)), std::vector<std::string>{"ends_on"});
  EXPECT_EQ(ViolatedFields(away("2025-01-15", "2027-01-16", true)), std::vector<std::string>{"ends_on"});
  EXPECT_TRUE(away("2025-01-15", "2027-01-15", true).ok());  // study: up to two years
}

TEST_F(RegistryHardeningTest, ASecretaryCannotTransferAMemberIntoAnotherOrganization) {
  MakeUnit(*h_, admin_, "cb-a", v1::BASE_CELL, "huyen-x");
  MakeUnit(*h_, admin_, "cb-b", v1::BASE_CELL, "huyen-y");
  MakeMember(*h_, admin_, "mx", "cb-a", "2015-01-01", "2016-01-01");
  const std::string secretary = h_->Token(auth::Role::kSecretary, "cb-a");
  v1::Member out;
  grpc::Status s = h_->stub().TransferMember(RegistryHarness::Ctx(secretary).get(),
                                             Lifecycle("mx", "2025-06-01", "cb-b"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  // The province's admin, whose scope holds both, may.
  EXPECT_TRUE(h_->stub().TransferMember(RegistryHarness::Ctx(admin_).get(),
                                        Lifecycle("mx", "2025-06-01", "cb-b"), &out).ok());
}

// Found by tests/fuzz/registry_requests_fuzz: the secretary check looked only
// at the assignment's own date, so a back-dated or earlier open-ended
// assignment overlapped another secretary's later period, and the next
// AssignPosition of that cell failed INTERNAL ("expected at most one row").
TEST_F(RegistryHardeningTest, ACellNeverHasTwoSecretariesOnAnyDate) {
  MakeUnit(*h_, admin_, "xa-s", v1::BASE_COMMITTEE, "huyen-x", "2000-01-01", v1::COMMUNE_WARD);
  MakeUnit(*h_, admin_, "cb-s", v1::SUBORDINATE_CELL, "xa-s", "2000-01-01", v1::RESIDENTIAL);
  for (const char* id : {"s1", "s2", "s3", "s4"}) MakeMember(*h_, admin_, id, "cb-s", "2015-01-01", "2016-01-01");
  auto assign = [&](const std::string& member, const std::string& on) {
    v1::AssignPositionRequest r;
    r.set_member_id(member);
    r.set_org_unit_id("cb-s");
    r.set_position(v1::SECRETARY);
    r.set_effective_on(on);
    v1::Member out;
    return h_->stub().AssignPosition(RegistryHarness::Ctx(admin_).get(), r, &out);
  };
  // s1 was secretary for ten days last month.
  ASSERT_TRUE(assign("s1", InDays(-30)).ok());
  v1::EndPositionRequest end;
  end.set_member_id("s1");
  end.set_org_unit_id("cb-s");
  end.set_position(v1::SECRETARY);
  end.set_effective_on(InDays(-20));
  v1::Member out;
  ASSERT_TRUE(h_->stub().EndPosition(RegistryHarness::Ctx(admin_).get(), end, &out).ok());
  // s2 from a year ago, with no end, would overlap those ten days.
  EXPECT_EQ(assign("s2", InDays(-365)).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // s3 from next month; s4 from today, with no end, would overlap it.
  ASSERT_TRUE(assign("s3", InDays(30)).ok());
  EXPECT_EQ(assign("s4", InDays(0)).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  // A secretary for the days between is still refused, clearly, not INTERNAL.
  EXPECT_EQ(assign("s4", InDays(-10)).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

}  // namespace
}  // namespace chibo::registry::testing
