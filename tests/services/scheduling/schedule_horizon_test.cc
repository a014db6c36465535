// The rolling horizon (issue 9, "schedules never run out"): the pass the
// service runs at start-up and daily extends every series materialized short
// of today + 13 months, on SQLite and PostgreSQL; twice is the same as once;
// meetings already materialized (moved, recorded) stay as they were; the
// per-cell folds are rewritten with the new meetings; two replicas running
// it at once on one PostgreSQL database write each series once.
#include <map>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "tests/services/scheduling/scheduling_test_util.h"
#include "tests/support/postgres_cluster.h"

namespace chibo::scheduling::testing {
namespace {

enum class Engine { kSqlite, kPostgres };

std::string Date(absl::CivilDay d) { return time::FormatDate(d); }
// The 10th of the month `months` from today's, the day the test's series meet.
absl::CivilDay Tenth(int months) {
  const absl::CivilMonth m = absl::CivilMonth(time::Today()) + months;
  return absl::CivilDay(m.year(), m.month(), 10);
}
// The last day of the month `months` from today's.
absl::CivilDay MonthEnd(int months) {
  return absl::CivilDay(absl::CivilMonth(time::Today()) + months + 1) - 1;
}

class ScheduleHorizonTest : public ::testing::TestWithParam<Engine> {
 protected:
  static void SetUpTestSuite() {
    auto pg = chibo::testing::PostgresCluster::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    postgres_ = pg->release();
  }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }

  void SetUp() override {
    SchedulingHarnessOptions options;
    if (GetParam() == Engine::kPostgres) {
      static int n = 0;
      ++n;
      auto reg = postgres_->CreateDatabase(absl::StrCat("hreg_", n));
      auto sch = postgres_->CreateDatabase(absl::StrCat("hsch_", n));
      ASSERT_TRUE(reg.ok() && sch.ok());
      options.registry_database_url = *reg;
      options.scheduling_database_url = *sch;
    }
    auto h = SchedulingHarness::Start(options);
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->registry().Token(auth::Role::kAdmin, "tinh");
    BuildTree(*h_, admin_);
  }

  // A monthly series of `cell` on the 10th from two months ago, materialized
  // to `until` (empty: the service's default).
  v1::MeetingSeries Series(const std::string& cell, const std::string& until,
                           v1::MeetingKind kind = v1::REGULAR) {
    v1::CreateSeriesRequest r;
    auto* s = r.mutable_series();
    s->set_id("ls-" + cell);
    s->set_cell_id(cell);
    s->set_kind(kind);
    s->set_rrule("FREQ=MONTHLY;BYMONTHDAY=10");
    s->set_first_start(Date(Tenth(-2)) + "T08:00");
    s->set_duration_minutes(120);
    s->set_place("Nhà văn hóa");
    r.set_materialize_until(until);
    v1::MeetingSeries out;
    grpc::Status st = h_->stub().CreateSeries(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    return out;
  }

  v1::MeetingSeries Get(const std::string& id) {
    v1::GetSeriesRequest r;
    r.set_id(id);
    v1::MeetingSeries out;
    EXPECT_TRUE(h_->stub().GetSeries(Ctx(admin_).get(), r, &out).ok());
    return out;
  }

  std::vector<v1::Meeting> All(const std::string& cell) {
    return MeetingsOf(*h_, admin_, cell, false, Date(Tenth(-3)), Date(MonthEnd(30)));
  }

  // Each (cell, year) fold row holds as many meetings as the table has.
  void ExpectFoldsMatchMeetings(const std::string& cell) {
    auto folds = h_->database().Query(
        "SELECT year, meetings FROM cell_year_facts WHERE cell_id = ?1 ORDER BY year", {cell});
    auto rows = h_->database().Query(
        "SELECT SUBSTR(starts_at, 1, 4), COUNT(*) FROM meetings WHERE cell_id = ?1"
        " GROUP BY SUBSTR(starts_at, 1, 4) ORDER BY 1",
        {cell});
    ASSERT_TRUE(folds.ok() && rows.ok());
    std::map<std::string, int64_t> folded, counted;
    for (const auto& r : folds->rows) folded[r.Text(0)] = r.Int(1);
    for (const auto& r : rows->rows) counted[r.Text(0)] = r.Int(1);
    EXPECT_EQ(folded, counted) << cell;
  }

  int64_t HorizonAuditRows() {
    auto n = h_->database().QueryOptionalRow(
        "SELECT COUNT(*) FROM journal_audit WHERE method = 'ExtendSeriesToHorizon'");
    return n.ok() && n->has_value() ? (**n).Int(0) : -1;
  }

  static chibo::testing::PostgresCluster* postgres_;
  std::unique_ptr<SchedulingHarness> h_;
  std::string admin_;
};

chibo::testing::PostgresCluster* ScheduleHorizonTest::postgres_ = nullptr;

// Occurrences on the 10th from two months ago to the end of `end`'s month.
size_t MonthsThrough(absl::CivilDay end) {
  return static_cast<size_t>(absl::CivilMonth(end) - absl::CivilMonth(Tenth(-2)) + 1);
}

TEST(ScheduleHorizonDaysTest, ThirteenMonthsAheadToTheEndOfThatMonth) {
  EXPECT_EQ(AddMonths(absl::CivilDay(2026, 12, 1), 13), absl::CivilDay(2028, 1, 1));
  EXPECT_EQ(AddMonths(absl::CivilDay(2027, 1, 31), 1), absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(AddMonths(absl::CivilDay(2027, 12, 31), 2), absl::CivilDay(2028, 2, 29));
  EXPECT_EQ(HorizonDay(absl::CivilDay(2026, 12, 1), 13), absl::CivilDay(2028, 1, 1));
  EXPECT_EQ(HorizonEnd(absl::CivilDay(2026, 12, 1), 13), absl::CivilDay(2028, 1, 31));
  EXPECT_EQ(HorizonEnd(absl::CivilDay(2026, 12, 31), 13), absl::CivilDay(2028, 1, 31));
  // Never past the 2-year planning limit.
  EXPECT_EQ(HorizonEnd(absl::CivilDay(2026, 12, 15), 24), absl::CivilDay(2026, 12, 15) + 730);
}

TEST_P(ScheduleHorizonTest, TheHorizonPassExtendsASeriesToThirteenMonthsAheadOnceOnly) {
  const absl::CivilDay today = time::Today();
  v1::MeetingSeries series = Series("cb-1", Date(AddMonths(today, 2)));
  const size_t before = All("cb-1").size();
  ASSERT_GE(before, 4u);  // two months back, this month, and ahead

  auto pass = h_->scheduling().ExtendSeriesToHorizon(today);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->series_short, 1);
  EXPECT_EQ(pass->extended, 1);
  EXPECT_EQ(pass->failed, 0);
  const absl::CivilDay horizon = HorizonEnd(today, 13);
  const v1::MeetingSeries extended = Get(series.id());
  EXPECT_EQ(extended.materialized_until(), Date(horizon));
  EXPECT_GE(extended.materialized_until(), Date(AddMonths(today, 13)));
  std::vector<v1::Meeting> meetings = All("cb-1");
  EXPECT_EQ(meetings.size(), MonthsThrough(horizon));
  EXPECT_EQ(pass->meetings_added, static_cast<int>(meetings.size() - before));
  EXPECT_EQ(meetings.back().starts_at(), Date(Tenth(13)) + "T08:00");
  ExpectFoldsMatchMeetings("cb-1");
  EXPECT_EQ(HorizonAuditRows(), 1);

  // Again (the next day, another replica): nothing to do, nothing written.
  auto again = h_->scheduling().ExtendSeriesToHorizon(today);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->series_short, 0);
  EXPECT_EQ(again->extended, 0);
  EXPECT_EQ(All("cb-1").size(), meetings.size());
  EXPECT_EQ(Get(series.id()).etag(), extended.etag());
  EXPECT_EQ(HorizonAuditRows(), 1);
  std::set<std::string> occurrences;
  for (const auto& m : All("cb-1")) EXPECT_TRUE(occurrences.insert(m.occurrence_start()).second) << m.occurrence_start();

  // A month later the horizon has moved a month: one more meeting.
  auto later = h_->scheduling().ExtendSeriesToHorizon(AddMonths(today, 1));
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->extended, 1);
  EXPECT_EQ(later->meetings_added, 1);
  EXPECT_EQ(Get(series.id()).materialized_until(), Date(HorizonEnd(AddMonths(today, 1), 13)));
  ExpectFoldsMatchMeetings("cb-1");
}

TEST_P(ScheduleHorizonTest, CreateSeriesMaterializesToTheHorizonByDefault) {
  v1::MeetingSeries series = Series("cb-1", "");
  EXPECT_EQ(series.materialized_until(), Date(HorizonEnd(time::Today(), 13)));
  EXPECT_EQ(All("cb-1").size(), MonthsThrough(HorizonEnd(time::Today(), 13)));
  auto pass = h_->scheduling().ExtendSeriesToHorizon(time::Today());
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->series_short, 0);
  // The flag's value is the default's.
  h_->scheduling().SetScheduleHorizonMonths(3);
  v1::MeetingSeries shorter = Series("cb-2", "");
  EXPECT_EQ(shorter.materialized_until(), Date(HorizonEnd(time::Today(), 3)));
}

TEST_P(ScheduleHorizonTest, MeetingsAlreadyMaterializedStayAsTheyWere) {
  const absl::CivilDay today = time::Today();
  v1::MeetingSeries series = Series("cb-1", Date(MonthEnd(2)));
  // Last month's meeting was held and recorded.
  v1::Meeting held = MeetingOn(*h_, admin_, "cb-1", Date(Tenth(-1)));
  v1::RecordMeetingRequest record;
  record.set_id(held.id());
  record.set_actual_start(held.starts_at());
  record.set_actual_end(held.ends_at());
  for (const char* m : {"m1", "m2", "m3", "m4"}) *record.add_attendance() = Mark(m, v1::PRESENT);
  record.set_speakers(2);
  record.set_opinions(3);
  v1::Meeting out;
  grpc::Status st = h_->stub().RecordMeeting(Ctx(admin_).get(), record, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  held = out;
  // Next month's is moved to the 12th in the afternoon.
  auto move = [&](const v1::Meeting& m, const std::string& starts, const std::string& ends) {
    v1::UpdateMeetingRequest r;
    r.mutable_meeting()->set_id(m.id());
    r.mutable_meeting()->set_starts_at(starts);
    r.mutable_meeting()->set_ends_at(ends);
    r.mutable_update_mask()->add_paths("starts_at");
    r.mutable_update_mask()->add_paths("ends_at");
    v1::Meeting moved;
    grpc::Status s = h_->stub().UpdateMeeting(Ctx(admin_).get(), r, &moved);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return moved;
  };
  const std::string next_day = Date(Tenth(1) + 2);
  v1::Meeting next = move(MeetingOn(*h_, admin_, "cb-1", Date(Tenth(1))), next_day + "T14:00", next_day + "T16:00");
  // The last one materialized is moved onto the first the pass would add:
  // the cell already meets then, so the pass leaves that occurrence out.
  const std::string clash = Date(Tenth(3));
  v1::Meeting last = move(MeetingOn(*h_, admin_, "cb-1", Date(Tenth(2))), clash + "T08:00", clash + "T10:00");

  auto pass = h_->scheduling().ExtendSeriesToHorizon(today);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->extended, 1);
  EXPECT_EQ(pass->failed, 0);
  EXPECT_EQ(pass->occurrences_skipped, 1);
  EXPECT_EQ(Get(series.id()).materialized_until(), Date(HorizonEnd(today, 13)));

  std::map<std::string, v1::Meeting> by_occurrence;
  for (const auto& m : All("cb-1")) {
    EXPECT_TRUE(by_occurrence.emplace(m.occurrence_start(), m).second) << "twice: " << m.occurrence_start();
  }
  EXPECT_EQ(by_occurrence.size(), MonthsThrough(HorizonEnd(today, 13)) - 1);
  EXPECT_FALSE(by_occurrence.count(clash + "T08:00")) << "the clashing occurrence was added";
  const v1::Meeting& held_after = by_occurrence.at(held.occurrence_start());
  EXPECT_EQ(held_after.status(), v1::HELD);
  EXPECT_EQ(held_after.etag(), held.etag());
  EXPECT_EQ(held_after.present(), 4);
  const v1::Meeting& next_after = by_occurrence.at(next.occurrence_start());
  EXPECT_EQ(next_after.starts_at(), next_day + "T14:00");
  EXPECT_EQ(next_after.etag(), next.etag());
  const v1::Meeting& last_after = by_occurrence.at(last.occurrence_start());
  EXPECT_EQ(last_after.starts_at(), clash + "T08:00");
  EXPECT_EQ(last_after.etag(), last.etag());
  // Every other occurrence is where the rule puts it.
  for (const auto& [occurrence, m] : by_occurrence) {
    if (m.id() != next.id() && m.id() != last.id()) EXPECT_EQ(m.starts_at(), occurrence);
  }
  ExpectFoldsMatchMeetings("cb-1");
}

TEST_P(ScheduleHorizonTest, TwoReplicasRunningThePassAtOnceWriteEachSeriesOnce) {
  if (GetParam() != Engine::kPostgres) GTEST_SKIP() << "replicas share a PostgreSQL database";
  const absl::CivilDay today = time::Today();
  const std::vector<std::string> units = {"cb-1", "cb-2", "cb-b", "xa-a1"};
  for (const auto& unit : units) {
    Series(unit, Date(MonthEnd(1)), unit == "xa-a1" ? v1::COMMITTEE : v1::REGULAR);
  }
  // A second replica: its own connections to the same database.
  auto database = db::OpenDatabase(h_->database_options());
  ASSERT_TRUE(database.ok()) << database.status();
  Scheduling replica(database->get(), nullptr, &h_->cache());

  absl::StatusOr<Scheduling::HorizonPass> a, b;
  std::thread other([&] { b = replica.ExtendSeriesToHorizon(today); });
  a = h_->scheduling().ExtendSeriesToHorizon(today);
  other.join();
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->failed + b->failed, 0);
  EXPECT_EQ(a->extended + b->extended, 4);
  EXPECT_EQ(HorizonAuditRows(), 4);
  for (const auto& unit : units) {
    EXPECT_EQ(Get("ls-" + unit).materialized_until(), Date(HorizonEnd(today, 13)));
    std::set<std::string> occurrences;
    for (const auto& m : All(unit)) EXPECT_TRUE(occurrences.insert(m.occurrence_start()).second);
    EXPECT_EQ(occurrences.size(), MonthsThrough(HorizonEnd(today, 13))) << unit;
    ExpectFoldsMatchMeetings(unit);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ScheduleHorizonTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& info) { return info.param == Engine::kSqlite ? "Sqlite" : "Postgres"; });

}  // namespace
}  // namespace chibo::scheduling::testing
