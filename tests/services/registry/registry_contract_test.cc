// The registry's contract at its edge, over real gRPC: authentication on
// every method of the service descriptor, scope, validation naming fields on
// every method, stale etags, and request_id idempotency under concurrency.

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/raw_call.h"
#include "tests/services/registry/registry_test_util.h"

namespace chibo::registry::testing {
namespace {

class RegistryContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = RegistryHarness::Start({.with_redis = true});
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->Token(auth::Role::kAdmin, "tinh");
    MakeUnit(*h_, admin_, "tinh", v1::PROVINCE, "");
    MakeUnit(*h_, admin_, "huyen-a", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "huyen-b", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "cb-a", v1::BASE_CELL, "huyen-a");
    MakeUnit(*h_, admin_, "cb-b", v1::BASE_CELL, "huyen-b");
    MakeMember(*h_, admin_, "ma", "cb-a", "2015-01-01", "2016-01-01");
    MakeMember(*h_, admin_, "mb", "cb-b", "2015-01-01", "2016-01-01");
  }

  // Calls `method` with raw request bytes, bypassing the typed stub.
  grpc::Status CallRaw(const std::string& method, const std::string& request_bytes,
                       const std::string& token) {
    auto ctx = RegistryHarness::Ctx(token);
    return chibo::testing::CallRaw(h_->channel(), absl::StrCat("/chibo.registry.v1.RegistryService/", method), request_bytes,
                                   ctx.get());
  }

  static std::vector<std::string> AllMethods() {
    std::vector<std::string> names;
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        "chibo.registry.v1.RegistryService");
    for (int i = 0; service && i < service->method_count(); ++i) names.push_back(service->method(i)->name());
    return names;
  }

  std::unique_ptr<RegistryHarness> h_;
  std::string admin_;
};

TEST_F(RegistryContractTest, EveryMethodRefusesMissingExpiredAndTamperedTokens) {
  const std::vector<std::string> methods = AllMethods();
  ASSERT_EQ(methods.size(), 33u) << "a method was added: this test covers it automatically";
  const std::string expired = h_->Token(auth::Role::kAdmin, "tinh", "old", -absl::Hours(2));
  std::string tampered = admin_;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  for (const std::string& method : methods) {
    for (const std::string& token : {std::string(), expired, tampered, std::string("garbage")}) {
      grpc::Status s = CallRaw(method, "", token);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method << " with token '" << token.substr(0, 10) << "'";
    }
  }
}

TEST_F(RegistryContractTest, EveryMethodNamesTheFieldsOfAMalformedRequest) {
  for (const std::string& method : AllMethods()) {
    if (method == "GetTreeSnapshot") continue;  // every field optional: checked below
    grpc::Status s = CallRaw(method, "", admin_);  // the empty request: required fields missing
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_FALSE(ViolatedFields(s).empty()) << method << ": " << s.error_message();
  }
  // GetTreeSnapshot's empty request asks for the whole tree; a version no
  // server could have written is refused by name.
  v1::TreeSnapshot snapshot;
  v1::GetTreeSnapshotRequest ts;
  ASSERT_TRUE(h_->stub().GetTreeSnapshot(RegistryHarness::Ctx(admin_).get(), ts, &snapshot).ok());
  EXPECT_EQ(snapshot.province_id(), "tinh");
  EXPECT_GE(snapshot.units_size(), 5);
  ts.set_known_version(std::string(100, '9'));
  EXPECT_EQ(ViolatedFields(grpc::Status(h_->stub().GetTreeSnapshot(RegistryHarness::Ctx(admin_).get(), ts, &snapshot))),
            std::vector<std::string>{"known_version"});
  // And some specific malformations name exactly their field.
  v1::CreateMemberRequest cm;
  cm.mutable_member()->set_card_number("X1");
  cm.mutable_member()->set_full_name("Lò Văn Pọm");
  cm.mutable_member()->set_home_cell_id("cb-a");
  cm.mutable_member()->set_admitted_on("2024-02-30");
  cm.mutable_member()->set_phone("abc");
  v1::Member m;
  grpc::Status s = h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), cm, &m);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"member.admitted_on", "member.phone"}));

  v1::UpdateOrgUnitRequest uo;
  uo.mutable_org_unit()->set_id("cb-a");
  uo.mutable_update_mask()->add_paths("kind");
  v1::OrgUnit u;
  s = h_->stub().UpdateOrgUnit(RegistryHarness::Ctx(admin_).get(), uo, &u);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"update_mask.paths"});

  v1::ListMembersRequest lm;
  lm.set_org_unit_id("cb-a");
  lm.set_page_token("not-a-token");
  lm.set_page_size(-1);
  v1::ListMembersResponse lr;
  s = h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), lm, &lr);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"page_size", "page_token"}));

  // A subordinate cell may not sit directly under a district.
  v1::CreateOrgUnitRequest co;
  co.mutable_org_unit()->set_kind(v1::SUBORDINATE_CELL);
  co.mutable_org_unit()->set_name("Chi bộ 1");
  co.mutable_org_unit()->set_parent_id("huyen-a");
  co.mutable_org_unit()->set_opened_on("2024-01-01");
  s = h_->stub().CreateOrgUnit(RegistryHarness::Ctx(admin_).get(), co, &u);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"org_unit.parent_id"});

  // Unknown things are NOT_FOUND.
  v1::GetMemberRequest gm;
  gm.set_id("nobody");
  EXPECT_EQ(h_->stub().GetMember(RegistryHarness::Ctx(admin_).get(), gm, &m).error_code(), grpc::StatusCode::NOT_FOUND);
  v1::GetOrgUnitRequest go;
  go.set_id("nowhere");
  EXPECT_EQ(h_->stub().GetOrgUnit(RegistryHarness::Ctx(admin_).get(), go, &u).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(RegistryContractTest, ADistrictTokenCannotTouchAnotherDistrict) {
  const std::string district_a = h_->Token(auth::Role::kAdmin, "huyen-a");
  v1::Member m;
  v1::GetMemberRequest gm;
  gm.set_id("ma");
  EXPECT_TRUE(h_->stub().GetMember(RegistryHarness::Ctx(district_a).get(), gm, &m).ok());
  gm.set_id("mb");
  EXPECT_EQ(h_->stub().GetMember(RegistryHarness::Ctx(district_a).get(), gm, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::OrgUnit u;
  v1::GetOrgUnitRequest go;
  go.set_id("cb-b");
  EXPECT_EQ(h_->stub().GetOrgUnit(RegistryHarness::Ctx(district_a).get(), go, &u).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::UpdateMemberRequest um;
  um.mutable_member()->set_id("mb");
  um.mutable_member()->set_full_name("Kẻ lạ");
  um.mutable_update_mask()->add_paths("full_name");
  EXPECT_EQ(h_->stub().UpdateMember(RegistryHarness::Ctx(district_a).get(), um, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Transfer out of scope: the member is outside.
  EXPECT_EQ(h_->stub().StartExemption(RegistryHarness::Ctx(district_a).get(), Lifecycle("mb", "2024-01-01"), &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListMembersRequest lm;
  lm.set_org_unit_id("huyen-b");
  lm.set_subtree(true);
  v1::ListMembersResponse lr;
  EXPECT_EQ(h_->stub().ListMembers(RegistryHarness::Ctx(district_a).get(), lm, &lr).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::CreateOrgUnitRequest co;
  co.mutable_org_unit()->set_kind(v1::BASE_CELL);
  co.mutable_org_unit()->set_name("Chi bộ lạ");
  co.mutable_org_unit()->set_parent_id("huyen-b");
  co.mutable_org_unit()->set_opened_on("2024-01-01");
  EXPECT_EQ(h_->stub().CreateOrgUnit(RegistryHarness::Ctx(district_a).get(), co, &u).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(RosterOn(*h_, district_a, "cb-a", "2024-01-01").total(), 1);
  v1::GetRosterRequest gr;
  gr.set_cell_id("cb-b");
  gr.set_date("2024-01-01");
  v1::Roster roster;
  EXPECT_EQ(h_->stub().GetRoster(RegistryHarness::Ctx(district_a).get(), gr, &roster).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A viewer may read but not write, even in scope.
  const std::string viewer = h_->Token(auth::Role::kViewer, "huyen-a");
  um.mutable_member()->set_id("ma");
  EXPECT_EQ(h_->stub().UpdateMember(RegistryHarness::Ctx(viewer).get(), um, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(RegistryContractTest, EveryWriteMethodRefusesAViewer) {
  const std::string viewer = h_->Token(auth::Role::kViewer, "tinh");
  const std::set<std::string> reads = {"GetOrgUnit",  "ListOrgUnits", "GetMember",
                                       "ListMembers", "ListMemberEvents", "GetRoster", "BatchGetRosters",
                                       "GetRulebook", "ListRulebookVersions", "GetRollReport"};
  for (const std::string& method : AllMethods()) {
    grpc::Status s = CallRaw(method, "", viewer);
    if (method == "GetTreeSnapshot") {  // a read whose empty request is valid
      EXPECT_TRUE(s.ok()) << s.error_message();
      continue;
    }
    if (reads.count(method)) {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << method;
    }
  }
}

TEST_F(RegistryContractTest, StaleEtagIsFailedPreconditionAndWritesNothing) {
  v1::GetMemberRequest gm;
  gm.set_id("ma");
  v1::Member m;
  ASSERT_TRUE(h_->stub().GetMember(RegistryHarness::Ctx(admin_).get(), gm, &m).ok());
  const std::string etag = m.etag();

  v1::UpdateMemberRequest um;
  um.mutable_member()->set_id("ma");
  um.mutable_member()->set_etag(etag);
  um.mutable_member()->set_full_name("Nguyễn Thị Hoa");
  um.mutable_update_mask()->add_paths("full_name");
  ASSERT_TRUE(h_->stub().UpdateMember(RegistryHarness::Ctx(admin_).get(), um, &m).ok());
  EXPECT_NE(m.etag(), etag);

  um.mutable_member()->set_full_name("Tên cũ đè lên");
  grpc::Status stale = h_->stub().UpdateMember(RegistryHarness::Ctx(admin_).get(), um, &m);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  ASSERT_TRUE(h_->stub().GetMember(RegistryHarness::Ctx(admin_).get(), gm, &m).ok());
  EXPECT_EQ(m.full_name(), "Nguyễn Thị Hoa");

  v1::GetOrgUnitRequest go;
  go.set_id("cb-a");
  v1::OrgUnit u;
  ASSERT_TRUE(h_->stub().GetOrgUnit(RegistryHarness::Ctx(admin_).get(), go, &u).ok());
  v1::UpdateOrgUnitRequest uo;
  uo.mutable_org_unit()->set_id("cb-a");
  uo.mutable_org_unit()->set_etag("v999");
  uo.mutable_org_unit()->set_remote(true);
  uo.mutable_update_mask()->add_paths("remote");
  EXPECT_EQ(h_->stub().UpdateOrgUnit(RegistryHarness::Ctx(admin_).get(), uo, &u).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  uo.mutable_org_unit()->set_etag(u.etag());
  ASSERT_TRUE(h_->stub().UpdateOrgUnit(RegistryHarness::Ctx(admin_).get(), uo, &u).ok());
  EXPECT_TRUE(u.remote());
}

TEST_F(RegistryContractTest, RepeatedRequestIdReturnsTheFirstResultAndWritesOnce) {
  v1::CreateMemberRequest cm;
  cm.set_request_id("create-ma2-once");
  cm.mutable_member()->set_card_number("CARD-77");
  cm.mutable_member()->set_full_name("Hoàng Thị Mai");
  cm.mutable_member()->set_home_cell_id("cb-a");
  cm.mutable_member()->set_admitted_on("2020-02-03");

  // Sequential repeat: same server-assigned id, no second row.
  v1::Member first, second;
  ASSERT_TRUE(h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), cm, &first).ok());
  ASSERT_TRUE(h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), cm, &second).ok());
  EXPECT_EQ(first.id(), second.id());

  // Concurrent repeats of another request: all answer the same id.
  cm.set_request_id("create-concurrently");
  cm.mutable_member()->set_card_number("CARD-88");
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      v1::Member out;
      grpc::Status s = h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), cm, &out);
      if (!s.ok()) ++failures;
      ids[i] = out.id();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 1u);

  // One row each, and one audit entry each.
  v1::ListMembersRequest lm;
  lm.set_org_unit_id("cb-a");
  v1::ListMembersResponse lr;
  ASSERT_TRUE(h_->stub().ListMembers(RegistryHarness::Ctx(admin_).get(), lm, &lr).ok());
  EXPECT_EQ(lr.members_size(), 3);  // ma + two created once each
  v1::ListAuditEntriesRequest ar;
  ar.set_org_unit_id("cb-a");
  ar.set_resource_id(ids[0]);
  v1::ListAuditEntriesResponse audit;
  ASSERT_TRUE(h_->stub().ListAuditEntries(RegistryHarness::Ctx(admin_).get(), ar, &audit).ok());
  EXPECT_EQ(audit.entries_size(), 1);

  // The same request_id for a different request is refused.
  cm.mutable_member()->set_card_number("CARD-99");
  grpc::Status reused = h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), cm, &first);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(reused), std::vector<std::string>{"request_id"});

  // A lifecycle write repeated: one event.
  auto exempt = Lifecycle("ma", "2024-01-01");
  exempt.set_request_id("exempt-ma");
  v1::Member out;
  ASSERT_TRUE(h_->stub().StartExemption(RegistryHarness::Ctx(admin_).get(), exempt, &out).ok());
  ASSERT_TRUE(h_->stub().StartExemption(RegistryHarness::Ctx(admin_).get(), exempt, &out).ok());
  v1::ListMemberEventsRequest er;
  er.set_member_id("ma");
  v1::ListMemberEventsResponse events;
  ASSERT_TRUE(h_->stub().ListMemberEvents(RegistryHarness::Ctx(admin_).get(), er, &events).ok());
  int exemptions = 0;
  for (const auto& e : events.events()) exemptions += e.kind() == v1::EXEMPTION_STARTED;
  EXPECT_EQ(exemptions, 1);
  // Without a request_id the second exemption is a real second request: refused.
  exempt.clear_request_id();
  EXPECT_EQ(h_->stub().StartExemption(RegistryHarness::Ctx(admin_).get(), exempt, &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(RegistryContractTest, RefusedWritesLeaveNothingBehind) {
  // Transfer to a unit that is not a cell: refused, member unchanged, no event.
  v1::Member out;
  grpc::Status s = h_->stub().TransferMember(RegistryHarness::Ctx(admin_).get(), Lifecycle("ma", "2024-03-01", "huyen-b"), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"to_cell_id"});
  v1::ListMemberEventsRequest er;
  er.set_member_id("ma");
  v1::ListMemberEventsResponse events;
  ASSERT_TRUE(h_->stub().ListMemberEvents(RegistryHarness::Ctx(admin_).get(), er, &events).ok());
  EXPECT_EQ(events.events_size(), 2);  // admitted, official
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-a", "2024-06-01").total(), 1);

  // Closing a cell that still has members: refused.
  v1::CloseOrgUnitRequest close;
  close.set_id("cb-a");
  close.set_closed_on("2024-06-01");
  v1::OrgUnit u;
  EXPECT_EQ(h_->stub().CloseOrgUnit(RegistryHarness::Ctx(admin_).get(), close, &u).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // A duplicate card number: ALREADY_EXISTS, nothing written.
  v1::CreateMemberRequest dup;
  dup.mutable_member()->set_card_number("TD-ma");
  dup.mutable_member()->set_full_name("Trùng số thẻ");
  dup.mutable_member()->set_home_cell_id("cb-a");
  dup.mutable_member()->set_admitted_on("2020-01-01");
  EXPECT_EQ(h_->stub().CreateMember(RegistryHarness::Ctx(admin_).get(), dup, &out).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(RosterOn(*h_, admin_, "cb-a", "2024-06-01").total(), 1);
}

}  // namespace
}  // namespace chibo::registry::testing
