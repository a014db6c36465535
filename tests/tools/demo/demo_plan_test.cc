// The demo province has seed 002's shape at full scale, and the same seed
// gives the same province and the same decisions in every process.
#include "tools/demo/demo_plan.h"

#include <map>

#include "gtest/gtest.h"

namespace chibo::demo {
namespace {

namespace rv1 = ::chibo::registry::v1;

TEST(DemoPlanTest, FullScaleIsShapedLikeBacKanInSeed002) {
  const ProvincePlan plan = PlanProvince({.seed = 2023, .scale = 1.0}, 2025);
  std::map<rv1::OrgUnitKind, int> kinds;
  for (const auto& u : plan.units) ++kinds[u.unit.kind()];
  EXPECT_EQ(kinds[rv1::PROVINCE], 1);
  EXPECT_EQ(kinds[rv1::DIRECT_COMMITTEE], 11);
  EXPECT_EQ(kinds[rv1::BASE_COMMITTEE], 173);
  EXPECT_EQ(kinds[rv1::BASE_CELL], 259);
  EXPECT_EQ(kinds[rv1::BASE_COMMITTEE] + kinds[rv1::BASE_CELL], 432);
  EXPECT_EQ(kinds[rv1::SUBORDINATE_CELL], 1992);
  EXPECT_EQ(plan.members.size(), 36872u);
  // Parents come before children, and every cell has at least 3 members.
  std::map<std::string, int> seen, members;
  for (const auto& u : plan.units) {
    if (!u.unit.parent_id().empty()) EXPECT_TRUE(seen.count(u.unit.parent_id())) << u.unit.id();
    seen[u.unit.id()] = 1;
  }
  for (const auto& m : plan.members) ++members[m.member.home_cell_id()];
  for (const auto& u : plan.units) {
    if (u.unit.kind() == rv1::BASE_CELL || u.unit.kind() == rv1::SUBORDINATE_CELL) {
      EXPECT_GE(members[u.unit.id()], 3) << u.unit.id();
    }
  }
}

TEST(DemoPlanTest, TheSameSeedGivesTheSameProvince) {
  const ProvincePlan a = PlanProvince({.seed = 7, .scale = 0.05}, 2025);
  const ProvincePlan b = PlanProvince({.seed = 7, .scale = 0.05}, 2025);
  const ProvincePlan c = PlanProvince({.seed = 8, .scale = 0.05}, 2025);
  ASSERT_EQ(a.members.size(), b.members.size());
  bool differs_from_c = a.members.size() != c.members.size();
  for (size_t i = 0; i < a.members.size(); ++i) {
    EXPECT_EQ(a.members[i].member.SerializeAsString(), b.members[i].member.SerializeAsString());
    EXPECT_EQ(a.members[i].exempted_from, b.members[i].exempted_from);
    if (i < c.members.size()) differs_from_c |= a.members[i].member.full_name() != c.members[i].member.full_name();
  }
  for (size_t i = 0; i < a.units.size(); ++i) {
    EXPECT_EQ(a.units[i].unit.SerializeAsString(), b.units[i].unit.SerializeAsString());
  }
  EXPECT_TRUE(differs_from_c);
}

TEST(DemoPlanTest, DecisionsDoNotDependOnTheProcess) {
  // Fixed values: a salted hash (as absl::Hash is) would change them per run.
  auto rng = DecisionRng(2023, "attend/cb-00-000-00/2025-01-07T08:00");
  const uint64_t first = rng();
  EXPECT_EQ(first, 4622226571077597961ull);  // the value every process gets
  auto again = DecisionRng(2023, "attend/cb-00-000-00/2025-01-07T08:00");
  EXPECT_EQ(again(), first);
  EXPECT_NE(DecisionRng(2024, "attend/cb-00-000-00/2025-01-07T08:00")(), first);
  EXPECT_EQ(first, DecisionRng(2023, std::string("attend/cb-00-000-00/2025-01-07T08:00"))());
  EXPECT_EQ(DecisionRng(0, "")(), std::mt19937_64(14695981039346656037ull)());
}

}  // namespace
}  // namespace chibo::demo
