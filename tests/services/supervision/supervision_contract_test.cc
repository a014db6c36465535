// Supervision's contract at its edge, over real gRPC: authentication and
// validation on every method of the service descriptor, and scope.

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/raw_call.h"
#include "tests/services/scheduling/scheduling_test_util.h"
#include "tests/services/supervision/supervision_harness.h"

namespace chibo::supervision::testing {
namespace {

using scheduling::testing::Ctx;
using scheduling::testing::ViolatedFields;

class SupervisionContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = SupervisionHarness::Start();
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->registry().Token(auth::Role::kAdmin, "tinh");
    scheduling::testing::BuildTree(h_->scheduling(), admin_);
  }

  grpc::Status CallRaw(const std::string& method, const std::string& token) {
    auto ctx = Ctx(token);
    return chibo::testing::CallRaw(h_->channel(), absl::StrCat("/chibo.supervision.v1.SupervisionService/", method), "", ctx.get());
  }

  static std::vector<std::string> AllMethods() {
    std::vector<std::string> out;
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        "chibo.supervision.v1.SupervisionService");
    for (int i = 0; service && i < service->method_count(); ++i) out.push_back(service->method(i)->name());
    return out;
  }

  std::unique_ptr<SupervisionHarness> h_;
  std::string admin_;
};

TEST_F(SupervisionContractTest, EveryMethodRefusesMissingExpiredAndTamperedTokens) {
  const auto methods = AllMethods();
  ASSERT_EQ(methods.size(), 23u) << "a method was added: this test covers it automatically";
  const std::string expired = h_->registry().Token(auth::Role::kAdmin, "tinh", "old", -absl::Hours(2));
  std::string tampered = admin_;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  for (const auto& method : methods) {
    for (const std::string& token : {std::string(), expired, tampered}) {
      EXPECT_EQ(CallRaw(method, token).error_code(), grpc::StatusCode::UNAUTHENTICATED) << method;
    }
  }
}

TEST_F(SupervisionContractTest, EveryMethodNamesTheFieldsOfAMalformedRequest) {
  for (const auto& method : AllMethods()) {
    grpc::Status s = CallRaw(method, admin_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method;
    EXPECT_FALSE(ViolatedFields(s).empty()) << method << ": " << s.error_message();
  }
  v1::ReportRequest r;
  r.set_org_unit_id("tinh");
  r.set_period("2026-Q5");
  v1::ActivityReport a;
  EXPECT_EQ(ViolatedFields(h_->stub().GetActivityReport(Ctx(admin_).get(), r, &a)),
            std::vector<std::string>{"period"});
  v1::CreateTeamRequest t;
  t.mutable_team()->set_name("Tổ 1");
  t.mutable_team()->set_owner_org_id("cb-1");  // a cell is not a committee
  t.mutable_team()->set_leader_member_id("nobody");
  v1::Team team;
  EXPECT_EQ(ViolatedFields(h_->stub().CreateTeam(Ctx(admin_).get(), t, &team)),
            (std::vector<std::string>{"team.owner_org_id", "team.leader_member_id"}));
}

TEST_F(SupervisionContractTest, ReportsAndTeamsStayInsideTheCallersScope) {
  const std::string district_b = h_->registry().Token(auth::Role::kAdmin, "huyen-b");
  v1::ReportRequest r;
  r.set_org_unit_id("huyen-a");
  r.set_period("2026");
  v1::ComplianceReport c;
  EXPECT_EQ(h_->stub().GetComplianceReport(Ctx(district_b).get(), r, &c).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  r.set_org_unit_id("huyen-b");
  EXPECT_TRUE(h_->stub().GetComplianceReport(Ctx(district_b).get(), r, &c).ok());
  v1::CreateTeamRequest t;
  t.mutable_team()->set_name("Tổ 1");
  t.mutable_team()->set_owner_org_id("huyen-a");
  t.mutable_team()->set_leader_member_id("m1");
  v1::Team team;
  EXPECT_EQ(h_->stub().CreateTeam(Ctx(district_b).get(), t, &team).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::string viewer = h_->registry().Token(auth::Role::kViewer, "tinh");
  EXPECT_EQ(h_->stub().CreateTeam(Ctx(viewer).get(), t, &team).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace chibo::supervision::testing
