// The RRULE expansion against dates computed independently with civil-time
// arithmetic, for both readings of "Tuesday of the second week".
#include "services/scheduling/recurrence.h"

#include "gtest/gtest.h"

namespace chibo::scheduling {
namespace {

// The Tuesday of the second Monday-start week of a month.
absl::CivilDay TuesdayOfSecondWeek(int year, int month) {
  absl::CivilDay first(year, month, 1);
  absl::CivilDay monday = first;
  while (absl::GetWeekday(monday) != absl::Weekday::monday) --monday;
  return monday + 8;
}

// The second Tuesday of a month.
absl::CivilDay SecondTuesday(int year, int month) {
  absl::CivilDay d(year, month, 1);
  while (absl::GetWeekday(d) != absl::Weekday::tuesday) ++d;
  return d + 7;
}

TEST(RecurrenceTest, BothReadingsOfTuesdayOfTheSecondWeek) {
  auto week_rule = ExpandRrule("FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9",
                               absl::CivilMinute(2026, 1, 6, 8, 0), absl::CivilDay(2026, 12, 31));
  auto second_rule = ExpandRrule("FREQ=MONTHLY;BYDAY=2TU", absl::CivilMinute(2026, 1, 13, 8, 0),
                                 absl::CivilDay(2026, 12, 31));
  ASSERT_TRUE(week_rule.ok()) << week_rule.status();
  ASSERT_TRUE(second_rule.ok()) << second_rule.status();
  ASSERT_EQ(week_rule->size(), 12u);
  ASSERT_EQ(second_rule->size(), 12u);
  int differ = 0;
  for (int month = 1; month <= 12; ++month) {
    EXPECT_EQ(absl::CivilDay((*week_rule)[month - 1]), TuesdayOfSecondWeek(2026, month)) << month;
    EXPECT_EQ(absl::CivilDay((*second_rule)[month - 1]), SecondTuesday(2026, month)) << month;
    EXPECT_EQ((*week_rule)[month - 1].hour(), 8);
    differ += TuesdayOfSecondWeek(2026, month) != SecondTuesday(2026, month);
  }
  // 2026: only June, September and December start on a Monday or Tuesday.
  EXPECT_EQ(differ, 9);
}

TEST(RecurrenceTest, RefusesWhatIsNotAMeetingSchedule) {
  EXPECT_FALSE(ValidateRrule("").ok());
  EXPECT_FALSE(ValidateRrule("RRULE:FREQ=MONTHLY").ok());
  EXPECT_FALSE(ValidateRrule("FREQ=SOMETIMES").ok());
  EXPECT_FALSE(ValidateRrule("FREQ=HOURLY").ok());
  EXPECT_TRUE(ValidateRrule("FREQ=WEEKLY;BYDAY=MO").ok());
  auto daily = ExpandRrule("FREQ=DAILY", absl::CivilMinute(2026, 1, 1, 7, 0),
                           absl::CivilDay(2036, 1, 1), 100);
  EXPECT_EQ(daily.status().code(), absl::StatusCode::kInvalidArgument);
}

// Found by tests/fuzz/rrule_fuzz: libical reads "BYMINUTE=44," as 44 and 0,
// and BYHOUR/BYMINUTE/BYSECOND give a day several occurrences, out of order
// (12:44, then 12:00 the next day) or the same minute twice.
TEST(RecurrenceTest, RefusesTimesOfDayInTheRule) {
  for (const char* rule : {"FREQ=DAILY;BYMINUTE=44,", "FREQ=DAILY;BYMINUTE=0,30", "FREQ=DAILY;BYHOUR=8,",
                           "FREQ=WEEKLY;BYHOUR=8,20", "FREQ=DAILY;BYSECOND=0,30",
                           "FREQ=MONTHLY;BYMONTHDAY=5;BYHOUR=19"}) {
    EXPECT_EQ(ValidateRrule(rule).code(), absl::StatusCode::kInvalidArgument) << rule;
    auto expanded = ExpandRrule(rule, absl::CivilMinute(2026, 12, 12, 12, 16), absl::CivilDay(2027, 6, 1));
    EXPECT_EQ(expanded.status().code(), absl::StatusCode::kInvalidArgument) << rule;
  }
  auto daily = ExpandRrule("FREQ=DAILY", absl::CivilMinute(2026, 12, 12, 12, 16), absl::CivilDay(2026, 12, 14));
  ASSERT_TRUE(daily.ok()) << daily.status();
  EXPECT_EQ(*daily, (std::vector<absl::CivilMinute>{absl::CivilMinute(2026, 12, 12, 12, 16),
                                                    absl::CivilMinute(2026, 12, 13, 12, 16),
                                                    absl::CivilMinute(2026, 12, 14, 12, 16)}));
}

TEST(RecurrenceTest, HonoursCountAndUntil) {
  auto counted = ExpandRrule("FREQ=MONTHLY;BYDAY=1MO;COUNT=3", absl::CivilMinute(2026, 1, 5, 7, 30),
                             absl::CivilDay(2030, 1, 1));
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(*counted, (std::vector<absl::CivilMinute>{absl::CivilMinute(2026, 1, 5, 7, 30),
                                                      absl::CivilMinute(2026, 2, 2, 7, 30),
                                                      absl::CivilMinute(2026, 3, 2, 7, 30)}));
}

}  // namespace
}  // namespace chibo::scheduling
