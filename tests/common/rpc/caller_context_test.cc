// Calls a service makes while serving another call end no later than the
// incoming call's deadline.
#include "common/rpc/client.h"

#include "gtest/gtest.h"

namespace chibo::rpc {
namespace {

absl::Time DeadlineOf(const grpc::ClientContext& ctx) { return absl::FromChrono(ctx.deadline()); }

TEST(CallerContextTest, TheIncomingDeadlineWinsWhenEarlier) {
  auth::Claims caller;
  caller.token = "t";
  caller.deadline = absl::Now() + absl::Milliseconds(300);
  auto ctx = MakeCallerContext(caller, absl::Seconds(30));
  EXPECT_LE(DeadlineOf(*ctx), caller.deadline);
  EXPECT_GT(DeadlineOf(*ctx), caller.deadline - absl::Milliseconds(1));
}

TEST(CallerContextTest, TheOwnTimeoutWinsWhenEarlierOrNoDeadlineCameIn) {
  auth::Claims caller;  // deadline: none
  const absl::Time before = absl::Now();
  auto ctx = MakeCallerContext(caller, absl::Seconds(2));
  EXPECT_GE(DeadlineOf(*ctx), before + absl::Seconds(2) - absl::Milliseconds(1));
  EXPECT_LE(DeadlineOf(*ctx), absl::Now() + absl::Seconds(2));
  caller.deadline = absl::Now() + absl::Hours(1);
  auto later = MakeCallerContext(caller, absl::Seconds(2));
  const absl::Time after = absl::Now();
  EXPECT_LE(DeadlineOf(*later), after + absl::Seconds(2));
}

}  // namespace
}  // namespace chibo::rpc
