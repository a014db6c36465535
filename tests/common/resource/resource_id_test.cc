// Resource ids: random ones, and the time-ordered ones meetings use, which
// must sort by creation (what keeps a cell's meetings side by side in the
// indexes), stay valid ids, and not collide when made in bulk.
#include <set>
#include <string>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/resource/resource.h"
#include "gtest/gtest.h"

namespace chibo::resource {
namespace {

TEST(ResourceIdTest, TimeOrderedIdsSortByCreationAndAreValidIds) {
  const std::string first = NewTimeOrderedId("mt");
  absl::SleepFor(absl::Milliseconds(3));
  const std::string later = NewTimeOrderedId("mt");
  EXPECT_LT(first, later);
  EXPECT_EQ(first.size(), 2u + 20u) << first;
  EXPECT_TRUE(IsValidId(first)) << first;
  EXPECT_TRUE(IsValidId(later)) << later;
  // Made now: the time in it is today's, not some other field.
  const std::string now_ms = absl::StrFormat("%011x", absl::ToUnixMillis(absl::Now()));
  EXPECT_EQ(later.substr(2, 8), now_ms.substr(0, 8)) << later;
}

TEST(ResourceIdTest, TimeOrderedIdsMadeInBulkAreDistinct) {
  // A province's series made at once: many in the same millisecond.
  std::set<std::string> ids;
  for (int i = 0; i < 200000; ++i) ids.insert(NewTimeOrderedId("mt"));
  EXPECT_EQ(ids.size(), 200000u);
}

TEST(ResourceIdTest, RandomIdsStayRandom) {
  // Sessions and tokens take NewId: nothing in it tells when it was made.
  EXPECT_NE(NewId("ss-").substr(3, 8), NewId("ss-").substr(3, 8));
  EXPECT_EQ(NewId("mb-").size(), 3u + 16u);
}

}  // namespace
}  // namespace chibo::resource
