// The local tree and the month rule every report uses (docs/reports.md): a
// cell's month goes where it stood on the month's reference day.
#include "common/clients/org_tree.h"

#include "gtest/gtest.h"

namespace chibo::clients {
namespace {

namespace rv1 = ::chibo::registry::v1;

void Add(rv1::TreeSnapshot& s, const std::string& id, rv1::OrgUnitKind kind, const std::string& name,
         std::vector<std::tuple<std::string, std::string, std::string>> parents,
         const std::string& opened = "2020-01-01", const std::string& closed = "") {
  rv1::OrgUnit* u = s.add_units();
  u->set_id(id);
  u->set_kind(kind);
  u->set_name(name);
  u->set_opened_on(opened);
  u->set_closed_on(closed);
  for (const auto& [parent, from, to] : parents) {
    auto* p = u->add_parent_history();
    p->set_parent_id(parent);
    p->set_valid_from(from);
    p->set_valid_to(to);
  }
}

// tinh → a → x → c1; c2 under x until 15 March 2026, then under b; c3 opened
// 15 April 2026 under x; c4 under x, closed 1 May 2026. From 1 April 2026 a
// regular meeting must last 130 minutes.
OrgTree Province() {
  rv1::TreeSnapshot s;
  s.set_version("7");
  s.set_province_id("tinh");
  Add(s, "tinh", rv1::PROVINCE, "Tỉnh", {{"", "2020-01-01", ""}});
  Add(s, "a", rv1::DIRECT_COMMITTEE, "Huyện A", {{"tinh", "2020-01-01", ""}});
  Add(s, "b", rv1::DIRECT_COMMITTEE, "Huyện B", {{"tinh", "2020-01-01", ""}});
  Add(s, "x", rv1::BASE_COMMITTEE, "Xã X", {{"a", "2020-01-01", ""}});
  Add(s, "y", rv1::BASE_COMMITTEE, "Xã Y", {{"b", "2020-01-01", ""}});
  Add(s, "c1", rv1::SUBORDINATE_CELL, "Chi bộ 1", {{"x", "2020-01-01", ""}});
  Add(s, "c2", rv1::SUBORDINATE_CELL, "Chi bộ 2", {{"x", "2020-01-01", "2026-03-15"}, {"y", "2026-03-15", ""}});
  Add(s, "c3", rv1::SUBORDINATE_CELL, "Chi bộ 3", {{"x", "2026-04-15", ""}}, "2026-04-15");
  Add(s, "c4", rv1::SUBORDINATE_CELL, "Chi bộ 4", {{"x", "2020-01-01", ""}}, "2020-01-01", "2026-05-01");
  s.mutable_default_rules()->set_regular_min_minutes(90);
  auto* v = s.add_rulebooks();
  v->set_effective_from("2026-04-01");
  v->mutable_rules()->set_regular_min_minutes(130);
  return OrgTree(s);
}

OrgTree::Day D(int y, int m, int d) { return OrgTree::DayOf(absl::CivilDay(y, m, d)); }

TEST(OrgTreeTest, PathsFollowTheParentOfTheDay) {
  const OrgTree t = Province();
  EXPECT_EQ(t.PathOn("c2", D(2026, 3, 14)), (std::vector<std::string>{"tinh", "a", "x", "c2"}));
  EXPECT_EQ(t.PathOn("c2", D(2026, 3, 15)), (std::vector<std::string>{"tinh", "b", "y", "c2"}));
  EXPECT_TRUE(t.PathOn("nowhere", D(2026, 1, 1)).empty());
  EXPECT_TRUE(t.UnderOn(t.Find("a"), t.Find("c2"), D(2026, 1, 1)));
  EXPECT_FALSE(t.UnderOn(t.Find("a"), t.Find("c2"), D(2026, 6, 1)));
}

TEST(OrgTreeTest, TheRulesInForceOnEachDay) {
  const OrgTree t = Province();
  EXPECT_EQ(t.RulesOn(D(2026, 3, 31)).regular_min_minutes(), 90);
  EXPECT_EQ(t.RulesOn(D(2026, 4, 1)).regular_min_minutes(), 130);
}

TEST(OrgTreeTest, ReferenceDaysOfOpeningsAndClosings) {
  const OrgTree t = Province();
  const int c3 = t.Find("c3"), c4 = t.Find("c4");
  EXPECT_FALSE(t.ReferenceDay(c3, absl::CivilMonth(2026, 3)).has_value());
  EXPECT_EQ(*t.ReferenceDay(c3, absl::CivilMonth(2026, 4)), D(2026, 4, 15));
  EXPECT_EQ(*t.ReferenceDay(c3, absl::CivilMonth(2026, 5)), D(2026, 5, 1));
  EXPECT_EQ(*t.ReferenceDay(c4, absl::CivilMonth(2026, 4)), D(2026, 4, 1));
  EXPECT_FALSE(t.ReferenceDay(c4, absl::CivilMonth(2026, 5)).has_value());
}

TEST(OrgTreeTest, EachMonthGoesWhereTheCellStoodOnItsReferenceDay) {
  const OrgTree t = Province();
  const int a = t.Find("a"), b = t.Find("b");
  const std::vector<int> some = {t.Find("c2"), t.Find("c3"), t.Find("c4")};
  const std::vector<const std::vector<int>*> modes = {nullptr, &some};
  for (const std::vector<int>* only : modes) {
    const PeriodAttribution p(t, t.Find("tinh"), absl::CivilMonth(2026, 1), 6, only);
    const int c2 = t.Find("c2"), c3 = t.Find("c3"), c4 = t.Find("c4");
    // Moved on 15 March: March stays with the old parent.
    EXPECT_EQ(p.ChildOf(c2, 0), a);
    EXPECT_EQ(p.ChildOf(c2, 2), a);
    EXPECT_EQ(p.ChildOf(c2, 3), b);
    // Opened 15 April: from April, with that day as April's reference day.
    EXPECT_EQ(p.ChildOf(c3, 2), OrgTree::kNone);
    EXPECT_EQ(p.ChildOf(c3, 3), a);
    EXPECT_EQ(p.ReferenceDayOf(c3, 3), D(2026, 4, 15));
    // Closed 1 May: through April.
    EXPECT_EQ(p.ChildOf(c4, 3), a);
    EXPECT_EQ(p.ChildOf(c4, 4), OrgTree::kNone);
    ASSERT_EQ(p.children().size(), 2u);
    EXPECT_EQ(t.unit(p.children()[0]).id(), "a");  // by name
    EXPECT_EQ(p.MonthIndexOf(absl::CivilDay(2026, 6, 30)), 5);
    EXPECT_EQ(p.MonthIndexOf(absl::CivilDay(2026, 7, 1)), -1);
  }
  // A report on one cell: its months are the root's own.
  const PeriodAttribution own(t, t.Find("c1"), absl::CivilMonth(2026, 1), 12);
  EXPECT_EQ(own.ChildOf(t.Find("c1"), 11), OrgTree::kRoot);
  EXPECT_EQ(own.ChildOf(t.Find("c2"), 0), OrgTree::kNone);
}

}  // namespace
}  // namespace chibo::clients
