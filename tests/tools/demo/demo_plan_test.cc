// The demo province has seed 002's shape at full scale, the same seed and
// history give the same province and the same decisions in every process,
// and its dates fall in the history (January 2025 to the end month): no
// admission or exemption after it, probationary members official 12 months
// on when that has come.
#include "tools/demo/demo_plan.h"

#include <map>
#include <string>

#include "absl/strings/str_format.h"

#include "gtest/gtest.h"

namespace chibo::demo {
namespace {

namespace rv1 = ::chibo::registry::v1;

TEST(DemoPlanTest, FullScaleIsShapedLikeBacKanInSeed002) {
  const ProvincePlan plan = PlanProvince({.seed = 2023, .scale = 1.0, .last = absl::CivilMonth(2026, 12)});
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
  const PlanOptions seven{.seed = 7, .scale = 0.05, .last = absl::CivilMonth(2026, 12)};
  const ProvincePlan a = PlanProvince(seven);
  const ProvincePlan b = PlanProvince(seven);
  const ProvincePlan c = PlanProvince({.seed = 8, .scale = 0.05, .last = absl::CivilMonth(2026, 12)});
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

TEST(DemoPlanTest, DatesFallInTheHistory) {
  for (const absl::CivilMonth last : {absl::CivilMonth(2025, 12), absl::CivilMonth(2026, 12)}) {
    const ProvincePlan plan = PlanProvince({.seed = 2023, .scale = 0.2, .last = last});
    EXPECT_EQ(plan.first, absl::CivilMonth(2025, 1));
    EXPECT_EQ(plan.last, last);
    const std::string first_day = "2025-01-01";
    const std::string last_month = absl::StrFormat("%04d-%02d", last.year(), last.month());
    int probationary = 0, official_in_history = 0, exempted = 0, exempted_late = 0;
    for (const auto& p : plan.members) {
      const auto& m = p.member;
      EXPECT_LT(m.admitted_on().substr(0, 7), last_month) << m.id() << " admitted in the month in progress";
      if (m.admitted_on() >= first_day) {
        ++probationary;
        if (!m.official_on().empty()) {
          ++official_in_history;
          EXPECT_EQ(m.official_on(), absl::StrFormat("%04d-%s", std::stoi(m.admitted_on().substr(0, 4)) + 1,
                                                     m.admitted_on().substr(5)));
          EXPECT_LT(m.official_on().substr(0, 7), last_month);
        }
      } else {
        EXPECT_FALSE(m.official_on().empty()) << m.id();
        EXPECT_LE(m.admitted_on(), "2023-12-31") << m.id() << ": two years before the history";
      }
      // At least 18 when admitted.
      EXPECT_GE(std::stoi(m.admitted_on().substr(0, 4)) - std::stoi(m.birth_date().substr(0, 4)), 19) << m.id();
      if (!p.exempted_from.empty()) {
        ++exempted;
        EXPECT_LT(m.admitted_on(), first_day) << m.id() << ": exempted, so admitted long before";
        EXPECT_GT(p.exempted_from, "2025-01-31") << m.id();
        EXPECT_LE(p.exempted_from.substr(0, 7), last_month) << m.id();
        EXPECT_EQ(p.exempted_from.substr(7), "-01");
        if (p.exempted_from.substr(0, 4) == "2026") ++exempted_late;
      }
    }
    EXPECT_GT(probationary, 0);
    EXPECT_GT(exempted, 0);
    if (last.year() == 2026) {
      EXPECT_GT(official_in_history, 0) << "admitted in 2025, official in 2026";
      EXPECT_GT(exempted_late, 0) << "exemptions spread over both years";
    } else {
      EXPECT_EQ(official_in_history, 0);
      EXPECT_EQ(exempted_late, 0);
    }
  }
}

TEST(DemoPlanTest, TheEndMonthChangesOnlyTheDates) {
  const ProvincePlan a = PlanProvince({.seed = 2023, .scale = 0.05, .last = absl::CivilMonth(2026, 6)});
  const ProvincePlan b = PlanProvince({.seed = 2023, .scale = 0.05, .last = absl::CivilMonth(2026, 12)});
  ASSERT_EQ(a.units.size(), b.units.size());
  ASSERT_EQ(a.members.size(), b.members.size());
  for (size_t i = 0; i < a.members.size(); ++i) {
    EXPECT_EQ(a.members[i].member.full_name(), b.members[i].member.full_name());
    EXPECT_EQ(a.members[i].member.home_cell_id(), b.members[i].member.home_cell_id());
  }
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
