// Scheduling's contract at its edge, over real gRPC: authentication on every
// method of the service descriptor, validation naming fields on every
// method, scope through the registry, and request_id idempotency.

#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/support/raw_call.h"
#include "tests/services/scheduling/scheduling_test_util.h"

namespace chibo::scheduling::testing {
namespace {

class SchedulingContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = SchedulingHarness::Start();
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->registry().Token(auth::Role::kAdmin, "tinh");
    BuildTree(*h_, admin_);
  }

  grpc::Status CallRaw(const std::string& method, const std::string& token) {
    auto ctx = Ctx(token);
    return chibo::testing::CallRaw(h_->channel(), absl::StrCat("/chibo.scheduling.v1.SchedulingService/", method), "", ctx.get());
  }

  // The streaming method, with an empty request.
  grpc::Status CallStream(const std::string& token, const v1::StreamMeetingFactsRequest& r = {}) {
    auto ctx = Ctx(token);
    auto reader = h_->stub().StreamMeetingFacts(ctx.get(), r);
    for (v1::MeetingFact f; reader->Read(&f);) {
    }
    return reader->Finish();
  }

  static std::vector<const google::protobuf::MethodDescriptor*> AllMethods() {
    std::vector<const google::protobuf::MethodDescriptor*> out;
    const auto* service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
        "chibo.scheduling.v1.SchedulingService");
    for (int i = 0; service && i < service->method_count(); ++i) out.push_back(service->method(i));
    return out;
  }

  std::unique_ptr<SchedulingHarness> h_;
  std::string admin_;
};

TEST_F(SchedulingContractTest, EveryMethodRefusesMissingExpiredAndTamperedTokens) {
  const auto methods = AllMethods();
  ASSERT_EQ(methods.size(), 24u) << "a method was added: this test covers it automatically";
  const std::string expired = h_->registry().Token(auth::Role::kAdmin, "tinh", "old", -absl::Hours(2));
  std::string tampered = admin_;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  for (const auto* method : methods) {
    for (const std::string& token : {std::string(), expired, tampered}) {
      grpc::Status s = method->server_streaming() ? CallStream(token) : CallRaw(method->name(), token);
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << method->name();
    }
  }
}

TEST_F(SchedulingContractTest, EveryMethodNamesTheFieldsOfAMalformedRequest) {
  for (const auto* method : AllMethods()) {
    grpc::Status s = method->server_streaming() ? CallStream(admin_) : CallRaw(method->name(), admin_);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << method->name();
    EXPECT_FALSE(ViolatedFields(s).empty()) << method->name() << ": " << s.error_message();
  }
  v1::CreateMeetingRequest r;
  r.mutable_meeting()->set_cell_id("cb-1");
  r.mutable_meeting()->set_kind(v1::REGULAR);
  r.mutable_meeting()->set_starts_at("2026-03-03 08:00");
  r.mutable_meeting()->set_ends_at("2026-03-03T07:00");
  v1::Meeting m;
  grpc::Status s = h_->stub().CreateMeeting(Ctx(admin_).get(), r, &m);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"meeting.starts_at"});
  v1::CreateSeriesRequest cs;
  cs.mutable_series()->set_cell_id("cb-1");
  cs.mutable_series()->set_kind(v1::REGULAR);
  cs.mutable_series()->set_rrule("FREQ=FORTNIGHTLY");
  cs.mutable_series()->set_first_start("2026-01-06T08:00");
  cs.mutable_series()->set_duration_minutes(120);
  v1::MeetingSeries series;
  s = h_->stub().CreateSeries(Ctx(admin_).get(), cs, &series);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"series.rrule"});
}

TEST_F(SchedulingContractTest, ADistrictTokenCannotTouchAnotherDistrictsCells) {
  const std::string district_b = h_->registry().Token(auth::Role::kAdmin, "huyen-b");
  v1::CreateMeetingRequest r;
  r.mutable_meeting()->set_cell_id("cb-1");
  r.mutable_meeting()->set_kind(v1::REGULAR);
  r.mutable_meeting()->set_starts_at("2026-03-03T08:00");
  r.mutable_meeting()->set_ends_at("2026-03-03T10:00");
  v1::Meeting m;
  EXPECT_EQ(h_->stub().CreateMeeting(Ctx(district_b).get(), r, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(h_->stub().CreateMeeting(Ctx(admin_).get(), r, &m).ok());
  v1::GetMeetingRequest get;
  get.set_id(m.id());
  EXPECT_EQ(h_->stub().GetMeeting(Ctx(district_b).get(), get, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::StreamMeetingFactsRequest facts;
  facts.set_org_unit_id("huyen-a");
  facts.set_from("2026-01-01");
  facts.set_to("2026-12-31");
  EXPECT_EQ(CallStream(district_b, facts).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The same token reads its own district, where cb-1's meeting is not.
  facts.set_org_unit_id("huyen-b");
  EXPECT_TRUE(CallStream(district_b, facts).ok());
  // A viewer may read but not write.
  const std::string viewer = h_->registry().Token(auth::Role::kViewer, "tinh");
  EXPECT_TRUE(h_->stub().GetMeeting(Ctx(viewer).get(), get, &m).ok());
  r.mutable_meeting()->set_starts_at("2026-04-03T08:00");
  r.mutable_meeting()->set_ends_at("2026-04-03T10:00");
  EXPECT_EQ(h_->stub().CreateMeeting(Ctx(viewer).get(), r, &m).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SchedulingContractTest, RepeatedRequestIdCreatesOneMeetingAlsoUnderConcurrentRepeats) {
  v1::CreateMeetingRequest r;
  r.mutable_meeting()->set_cell_id("cb-1");
  r.mutable_meeting()->set_kind(v1::EXTRAORDINARY);
  r.mutable_meeting()->set_starts_at("2026-06-20T08:00");
  r.mutable_meeting()->set_ends_at("2026-06-20T09:30");
  r.set_request_id("tao-hop-bat-thuong-1");
  std::vector<std::thread> threads;
  std::vector<std::string> ids(8);
  std::vector<grpc::StatusCode> codes(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      v1::Meeting m;
      codes[i] = h_->stub().CreateMeeting(Ctx(admin_).get(), r, &m).error_code();
      ids[i] = m.id();
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(codes[i], grpc::StatusCode::OK);
    EXPECT_EQ(ids[i], ids[0]);
  }
  EXPECT_EQ(MeetingsOf(*h_, admin_, "cb-1", false, "2026-06-20", "2026-06-20").size(), 1u);
  // The same request_id with a different request is refused, naming it.
  r.mutable_meeting()->set_place("Hội trường");
  v1::Meeting m;
  grpc::Status s = h_->stub().CreateMeeting(Ctx(admin_).get(), r, &m);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"request_id"});
}

}  // namespace
}  // namespace chibo::scheduling::testing
