#include "common/rpc/status_mapping.h"

#include "common/errors/errors.h"
#include "common/paging/page_token.h"
#include "gtest/gtest.h"

namespace chibo {
namespace {

TEST(StatusMappingTest, FieldViolationsSurviveTheTripThroughGrpc) {
  errors::FieldViolations v;
  v.Add("member.card_number", "bắt buộc / required");
  v.CheckDate("member.admitted_on", "2024-02-30", true);
  absl::Status original = errors::WithErrorInfo(v.ToStatus(), "BAD_MEMBER");

  grpc::Status wire = rpc::ToGrpcStatus(original);
  EXPECT_EQ(wire.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  absl::Status back = rpc::FromGrpcStatus(wire);
  EXPECT_EQ(back.code(), absl::StatusCode::kInvalidArgument);
  auto fields = errors::FieldViolationsOf(back);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].field, "member.card_number");
  EXPECT_EQ(fields[1].field, "member.admitted_on");
  EXPECT_EQ(errors::ErrorReasonOf(back), "BAD_MEMBER");
  EXPECT_NE(std::string(back.message()).find("member.card_number"), std::string::npos);
}

TEST(StatusMappingTest, OkStaysOk) {
  EXPECT_TRUE(rpc::ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(rpc::FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(PageTokenTest, TokenIsBoundToItsQuery) {
  std::string token = paging::EncodePageToken(200, "cell-1|members");
  EXPECT_EQ(*paging::DecodePageToken(token, "cell-1|members"), 200);
  EXPECT_FALSE(paging::DecodePageToken(token, "cell-2|members").ok());
  EXPECT_FALSE(paging::DecodePageToken("garbage!!", "x").ok());
  EXPECT_EQ(*paging::DecodePageToken("", "x"), 0);
  EXPECT_EQ(paging::EffectivePageSize(0), paging::kDefaultPageSize);
  EXPECT_EQ(paging::EffectivePageSize(5000), paging::kMaxPageSize);
}

}  // namespace
}  // namespace chibo
