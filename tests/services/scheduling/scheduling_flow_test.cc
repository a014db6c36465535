// Scheduling end to end over real gRPC, with the real registry behind it,
// on SQLite and on PostgreSQL: series from an RRULE, attendance checked
// against the roster as it changes, refusals that write nothing, one
// occurrence moved or cancelled, thematic plans, facts and the iCalendar.
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "services/scheduling/cell_facts.h"
#include "tests/services/scheduling/scheduling_test_util.h"
#include "tests/support/postgres_cluster.h"

namespace chibo::scheduling::testing {
namespace {

enum class Engine { kSqlite, kPostgres };

class SchedulingFlowTest : public ::testing::TestWithParam<Engine> {
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
      auto reg = postgres_->CreateDatabase(absl::StrCat("reg_", n));
      auto sch = postgres_->CreateDatabase(absl::StrCat("sch_", n));
      ASSERT_TRUE(reg.ok() && sch.ok());
      options.registry_database_url = *reg;
      options.scheduling_database_url = *sch;
    }
    auto h = SchedulingHarness::Start(options);
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->registry().Token(auth::Role::kAdmin, "tinh");
    secretary_ = h_->registry().Token(auth::Role::kSecretary, "cb-1", "bi-thu-cb1");
    BuildTree(*h_, admin_);
  }

  grpc::Status Record(const v1::RecordMeetingRequest& r, v1::Meeting* out) {
    return h_->stub().RecordMeeting(Ctx(secretary_).get(), r, out);
  }

  static v1::RecordMeetingRequest RecordOf(const v1::Meeting& m) {
    v1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_etag(m.etag());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(absl::StrCat(m.starts_at().substr(0, 11), "10:30"));
    r.set_speakers(1);  // never more than those present
    r.set_opinions(4);
    r.set_resolution("Nghị quyết tháng");
    r.set_self_score(85);
    return r;
  }

  // cb-1's series, and its meetings of January to June recorded with
  // absences (see the map below), plus a thematic meeting on 24 April.
  void RecordSpringAbsences() {
    MakeSeries(*h_, secretary_);
    // April also has a thematic meeting (after the regular one).
    v1::CreateMeetingRequest thematic;
    thematic.mutable_meeting()->set_cell_id("cb-1");
    thematic.mutable_meeting()->set_kind(v1::THEMATIC);
    thematic.mutable_meeting()->set_starts_at("2026-04-24T19:30");
    thematic.mutable_meeting()->set_ends_at("2026-04-24T21:30");
    v1::Meeting april_thematic;
    ASSERT_TRUE(h_->stub().CreateMeeting(Ctx(secretary_).get(), thematic, &april_thematic).ok());
    // m1 always there; m3 excused three times running (Jan–Mar); m2 absent
    // without reason in Feb, Apr, May, Jun but at April's thematic meeting
    // (so April does not count); m4 absent without reason twice only.
    const std::map<std::string, std::map<std::string, v1::AttendanceMark>> absent = {
        {"2026-01-06", {{"m3", v1::ABSENT_EXCUSED}, {"m4", v1::ABSENT_UNEXCUSED}}},
        {"2026-02-03", {{"m3", v1::ABSENT_EXCUSED}, {"m2", v1::ABSENT_UNEXCUSED}, {"m4", v1::ABSENT_UNEXCUSED}}},
        {"2026-03-03", {{"m3", v1::ABSENT_EXCUSED}}},
        {"2026-04-07", {{"m2", v1::ABSENT_UNEXCUSED}}},
        {"2026-05-05", {{"m2", v1::ABSENT_UNEXCUSED}}},
        {"2026-06-09", {{"m2", v1::ABSENT_UNEXCUSED}}},
    };
    auto record = [&](const v1::Meeting& m, const std::map<std::string, v1::AttendanceMark>& marks) {
      v1::RecordMeetingRequest r = RecordOf(m);
      r.set_actual_end(absl::StrCat(m.starts_at().substr(0, 11), m.starts_at().substr(11) < "12:00" ? "10:30" : "22:00"));
      for (const char* id : {"m1", "m2", "m3", "m4"}) {
        auto it = marks.find(id);
        const v1::AttendanceMark mark = it == marks.end() ? v1::PRESENT : it->second;
        *r.add_attendance() = Mark(id, mark, mark == v1::ABSENT_EXCUSED ? "ốm" : "");
      }
      v1::Meeting out;
      grpc::Status st = Record(r, &out);
      ASSERT_TRUE(st.ok()) << m.starts_at() << ": " << st.error_message();
    };
    for (const auto& [day, marks] : absent) record(MeetingOn(*h_, secretary_, "cb-1", day), marks);
    record(april_thematic, {});
  }

  // cb-1's fold of `year`: its meetings as the reports read them.
  std::vector<FoldedMeeting> FoldOf(int year) {
    auto row = h_->database().QueryOptionalRow("SELECT facts FROM cell_year_facts WHERE cell_id = 'cb-1' AND year = ?1",
                                               {int64_t{year}});
    EXPECT_TRUE(row.ok() && row->has_value());
    std::vector<FoldedMeeting> out;
    if (row.ok() && row->has_value()) EXPECT_TRUE(ParseFolded((**row).Text(0), &out));
    return out;
  }

  static chibo::testing::PostgresCluster* postgres_;
  std::unique_ptr<SchedulingHarness> h_;
  std::string admin_, secretary_;
};

chibo::testing::PostgresCluster* SchedulingFlowTest::postgres_ = nullptr;

TEST_P(SchedulingFlowTest, SeriesOnTheTuesdayOfTheSecondWeekMaterializesEveryMonth) {
  v1::MeetingSeries series = MakeSeries(*h_, secretary_);
  EXPECT_EQ(series.materialized_until(), "2026-12-31");
  std::vector<std::string> starts;
  for (const auto& m : MeetingsOf(*h_, secretary_, "cb-1")) {
    starts.push_back(m.starts_at());
    EXPECT_EQ(m.ends_at().substr(11), "10:00");
    EXPECT_EQ(m.status(), v1::PLANNED);
    EXPECT_EQ(m.series_id(), series.id());
  }
  EXPECT_EQ(starts, (std::vector<std::string>{
                        "2026-01-06T08:00", "2026-02-03T08:00", "2026-03-03T08:00",
                        "2026-04-07T08:00", "2026-05-05T08:00", "2026-06-09T08:00",
                        "2026-07-07T08:00", "2026-08-04T08:00", "2026-09-08T08:00",
                        "2026-10-06T08:00", "2026-11-03T08:00", "2026-12-08T08:00"}));
  // Extending to March 2027 adds exactly three, and repeating it adds none.
  v1::ExtendSeriesRequest extend;
  extend.set_id(series.id());
  extend.set_materialize_until("2027-03-31");
  v1::MeetingSeries extended;
  ASSERT_TRUE(h_->stub().ExtendSeries(Ctx(secretary_).get(), extend, &extended).ok());
  extend.set_request_id("again");
  ASSERT_TRUE(h_->stub().ExtendSeries(Ctx(secretary_).get(), extend, &extended).ok());
  EXPECT_EQ(MeetingsOf(*h_, secretary_, "cb-1", false, "2026-01-01", "2027-12-31").size(), 15u);
  // A first start that is not an occurrence of the rule is refused.
  v1::CreateSeriesRequest bad;
  *bad.mutable_series() = series;
  bad.mutable_series()->set_id("ls-bad");
  bad.mutable_series()->clear_materialized_until();
  bad.mutable_series()->clear_etag();
  bad.mutable_series()->set_first_start("2026-01-07T08:00");
  v1::MeetingSeries none;
  grpc::Status s = h_->stub().CreateSeries(Ctx(secretary_).get(), bad, &none);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"series.first_start"});
}

// A series is checked against the cell's meetings of its whole span (read
// once) and against its own occurrences; a refusal names the meeting and
// writes nothing.
TEST_P(SchedulingFlowTest, ASeriesOverlappingAMeetingIsRefusedAndWritesNothing) {
  v1::CreateMeetingRequest lone;
  lone.mutable_meeting()->set_cell_id("cb-1");
  lone.mutable_meeting()->set_kind(v1::THEMATIC);
  lone.mutable_meeting()->set_starts_at("2026-09-08T09:00");  // September's Tuesday of the second week
  lone.mutable_meeting()->set_ends_at("2026-09-08T11:00");
  v1::Meeting existing;
  ASSERT_TRUE(h_->stub().CreateMeeting(Ctx(secretary_).get(), lone, &existing).ok());

  v1::CreateSeriesRequest r;
  auto* series = r.mutable_series();
  series->set_cell_id("cb-1");
  series->set_kind(v1::REGULAR);
  series->set_rrule("FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9");
  series->set_first_start("2026-01-06T08:00");
  series->set_duration_minutes(120);
  r.set_materialize_until("2026-12-31");
  v1::MeetingSeries out;
  grpc::Status s = h_->stub().CreateSeries(Ctx(secretary_).get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), existing.id())) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "2026-09-08T09:00")) << s.error_message();
  ASSERT_EQ(MeetingsOf(*h_, secretary_, "cb-1").size(), 1u);  // none of January–August either

  // Daily for a week, a whole day each (the longest a meeting may be): each
  // ends as the next begins, which is no overlap.
  series->set_rrule("FREQ=DAILY;COUNT=7");
  series->set_first_start("2026-10-01T08:00");
  series->set_duration_minutes(24 * 60);
  ASSERT_TRUE(h_->stub().CreateSeries(Ctx(secretary_).get(), r, &out).ok());
  EXPECT_EQ(MeetingsOf(*h_, secretary_, "cb-1").size(), 8u);
}

TEST_P(SchedulingFlowTest, ABatchOfACellsRecordsCommitsWholeOrNotAtAllAndOnce) {
  MakeSeries(*h_, secretary_);
  MakeSeries(*h_, admin_, "cb-2");
  std::vector<v1::Meeting> planned;
  for (const char* day : {"2026-01-06", "2026-02-03", "2026-03-03"}) planned.push_back(MeetingOn(*h_, secretary_, "cb-1", day));
  // m3 absent without reason from all three: a run of three, found by the fold.
  v1::BatchRecordMeetingsRequest batch;
  batch.set_cell_id("cb-1");
  batch.set_request_id("q1-minutes");
  for (const v1::Meeting& m : planned) {
    v1::RecordMeetingRequest& r = *batch.add_requests();
    r = RecordOf(m);
    for (const char* id : {"m1", "m2", "m4"}) *r.add_attendance() = Mark(id, v1::PRESENT);
    *r.add_attendance() = Mark("m3", v1::ABSENT_UNEXCUSED);
  }
  v1::BatchRecordMeetingsResponse out;
  auto call = [&](const std::string& token, const v1::BatchRecordMeetingsRequest& b) {
    out.Clear();
    return h_->stub().BatchRecordMeetings(Ctx(token).get(), b, &out);
  };
  // One bad record (a member not on the roll, one left unmarked) refuses the
  // whole batch, naming it.
  v1::BatchRecordMeetingsRequest bad = batch;
  bad.mutable_requests(1)->mutable_attendance(3)->set_member_id("m5");
  grpc::Status s = call(secretary_, bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s),
            (std::vector<std::string>{"requests[1].attendance[3].member_id", "requests[1].attendance"}));
  EXPECT_EQ(MeetingOn(*h_, secretary_, "cb-1", "2026-01-06").status(), v1::PLANNED) << "nothing written";
  // A meeting of another cell, the same meeting twice, a record's own request_id.
  bad = batch;
  bad.mutable_requests(2)->set_id(MeetingOn(*h_, admin_, "cb-2", "2026-03-03").id());
  EXPECT_EQ(ViolatedFields(call(admin_, bad)), std::vector<std::string>{"requests[2].id"});
  bad = batch;
  bad.mutable_requests(2)->set_id(planned[0].id());
  bad.mutable_requests(1)->set_request_id("own");
  EXPECT_EQ(ViolatedFields(call(secretary_, bad)),
            (std::vector<std::string>{"requests[1].request_id", "requests[2].id"}));
  // A stale etag: FAILED_PRECONDITION, and still nothing written.
  bad = batch;
  bad.mutable_requests(2)->set_etag("\"stale\"");
  EXPECT_EQ(call(secretary_, bad).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(MeetingOn(*h_, secretary_, "cb-1", "2026-02-03").status(), v1::PLANNED);

  ASSERT_TRUE(call(secretary_, batch).ok());
  ASSERT_EQ(out.meetings_size(), 3);
  const v1::BatchRecordMeetingsResponse first = out;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(out.meetings(i).id(), planned[i].id());
    EXPECT_EQ(out.meetings(i).status(), v1::HELD);
    EXPECT_EQ(out.meetings(i).present(), 3);
    v1::GetMeetingRequest get;
    get.set_id(planned[i].id());
    v1::Meeting now;
    ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &now).ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(out.meetings(i), now))
        << out.meetings(i).DebugString() << "\n---\n" << now.DebugString();
  }
  // Retried: the first answer, nothing written again (the etags are unchanged).
  ASSERT_TRUE(call(secretary_, batch).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, out));
  EXPECT_EQ(MeetingOn(*h_, secretary_, "cb-1", "2026-03-03").etag(), first.meetings(2).etag());
  // The cell's fold saw all three: m3 missed three held meetings running.
  v1::ListMembersAtRiskRequest risk;
  risk.set_org_unit_id("cb-1");
  risk.set_year(2026);
  v1::ListMembersAtRiskResponse at_risk;
  ASSERT_TRUE(h_->stub().ListMembersAtRisk(Ctx(secretary_).get(), risk, &at_risk).ok());
  ASSERT_EQ(at_risk.members_size(), 1);
  EXPECT_EQ(at_risk.members(0).member_id(), "m3");
  EXPECT_EQ(at_risk.members(0).longest_absence_run(), 3);
  EXPECT_EQ(at_risk.members(0).run_from(), "2026-01-06");
  EXPECT_EQ(at_risk.members(0).run_to(), "2026-03-03");
}

// A cell's year of thematic meetings planned in one batch: every meeting
// checked as CreateMeeting checks it (the batch's own overlaps included),
// all or nothing, a retry harmless, another cell's secretary refused.
TEST_P(SchedulingFlowTest, ABatchOfACellsMeetingsIsWrittenWholeOrNotAtAllAndOnce) {
  v1::BatchCreateMeetingsRequest batch;
  batch.set_cell_id("cb-1");
  batch.set_request_id("chuyen-de-2026");
  for (const char* day : {"2026-02-24", "2026-05-24", "2026-08-24"}) {
    v1::Meeting& m = *batch.add_requests()->mutable_meeting();
    m.set_kind(v1::THEMATIC);
    m.set_title("Sinh hoạt chuyên đề");
    m.set_starts_at(absl::StrCat(day, "T19:30"));
    m.set_ends_at(absl::StrCat(day, "T21:30"));
  }
  v1::BatchCreateMeetingsResponse out;
  auto call = [&](const std::string& token, const v1::BatchCreateMeetingsRequest& b) {
    out.Clear();
    return h_->stub().BatchCreateMeetings(Ctx(token).get(), b, &out);
  };
  auto thematic = [&] {
    int n = 0;
    for (const auto& m : MeetingsOf(*h_, secretary_, "cb-1")) n += m.kind() == v1::THEMATIC ? 1 : 0;
    return n;
  };
  // Another cell's meeting in the batch, a meeting's own request_id: named.
  v1::BatchCreateMeetingsRequest bad = batch;
  bad.mutable_requests(1)->mutable_meeting()->set_cell_id("cb-2");
  bad.mutable_requests(2)->set_request_id("own");
  EXPECT_EQ(ViolatedFields(call(secretary_, bad)),
            (std::vector<std::string>{"requests[1].meeting.cell_id", "requests[2].request_id"}));
  // The third overlapping the first: refused at it, and nothing written.
  bad = batch;
  *bad.mutable_requests(2) = bad.requests(0);
  grpc::Status s = call(secretary_, bad);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "requests[2]")) << s.error_message();
  EXPECT_EQ(thematic(), 0);
  // cb-2's secretary cannot plan cb-1's meetings.
  EXPECT_EQ(call(h_->registry().Token(auth::Role::kSecretary, "cb-2"), batch).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(thematic(), 0);

  ASSERT_TRUE(call(secretary_, batch).ok());
  ASSERT_EQ(out.meetings_size(), 3);
  const v1::BatchCreateMeetingsResponse first = out;
  EXPECT_EQ(out.meetings(1).starts_at(), "2026-05-24T19:30");
  EXPECT_EQ(out.meetings(1).cell_id(), "cb-1");
  EXPECT_EQ(out.meetings(1).status(), v1::PLANNED);
  ASSERT_TRUE(call(secretary_, batch).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, out));
  EXPECT_EQ(thematic(), 3);
  // The cell's fold has them: the year's thematic meetings planned are counted.
  v1::GetMeetingRequest get;
  get.set_id(out.meetings(2).id());
  v1::Meeting now;
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &now).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(out.meetings(2), now));
}

TEST_P(SchedulingFlowTest, ASubtreesMeetingsPageInTimeOrderEachOnceWhateverThePageSize) {
  // Three cells' monthly series: cb-1 and cb-2 under xa-a1, cb-b elsewhere.
  MakeSeries(*h_, admin_, "cb-1");
  MakeSeries(*h_, admin_, "cb-2");
  MakeSeries(*h_, admin_, "cb-b");
  const std::vector<v1::Meeting> all = MeetingsOf(*h_, admin_, "xa-a1", true);  // pages of 100
  ASSERT_EQ(all.size(), 24u);  // 12 each for cb-1 and cb-2, none of cb-b
  for (const int page_size : {1, 2, 5, 23, 24, 1000}) {
    v1::ListMeetingsRequest r;
    r.set_org_unit_id("xa-a1");
    r.set_subtree(true);
    r.set_from("2026-01-01");
    r.set_to("2026-12-31");
    r.set_page_size(page_size);
    std::vector<std::string> ids;
    std::string last_start;
    int pages = 0;
    do {
      v1::ListMeetingsResponse page;
      grpc::Status st = h_->stub().ListMeetings(Ctx(admin_).get(), r, &page);
      ASSERT_TRUE(st.ok()) << st.error_message();
      ASSERT_LE(page.meetings_size(), page_size);
      for (const auto& m : page.meetings()) {
        EXPECT_NE(m.cell_id(), "cb-b");
        EXPECT_GE(m.starts_at(), last_start) << "page size " << page_size;
        last_start = m.starts_at();
        ids.push_back(m.id());
      }
      ++pages;
      r.set_page_token(page.next_page_token());
    } while (!r.page_token().empty());
    EXPECT_EQ(ids.size(), 24u) << "page size " << page_size;
    EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 24u) << "page size " << page_size;
    EXPECT_EQ(pages, (24 + page_size - 1) / page_size) << "page size " << page_size;
  }
  // A token is good for its own query only.
  v1::ListMeetingsRequest r;
  r.set_org_unit_id("xa-a1");
  r.set_subtree(true);
  r.set_from("2026-01-01");
  r.set_to("2026-12-31");
  r.set_page_size(5);
  v1::ListMeetingsResponse first;
  ASSERT_TRUE(h_->stub().ListMeetings(Ctx(admin_).get(), r, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  for (auto change : {+[](v1::ListMeetingsRequest& q) { q.set_to("2026-06-30"); },
                      +[](v1::ListMeetingsRequest& q) { q.set_subtree(false); },
                      +[](v1::ListMeetingsRequest& q) { q.set_page_token("bm90LWEtdG9rZW4"); }}) {
    v1::ListMeetingsRequest other = r;
    other.set_page_token(first.next_page_token());
    change(other);
    v1::ListMeetingsResponse out;
    grpc::Status st = h_->stub().ListMeetings(Ctx(admin_).get(), other, &out);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(ViolatedFields(st), std::vector<std::string>{"page_token"});
  }
}

TEST_P(SchedulingFlowTest, AttendanceFollowsTheRosterAndAnExemptionLowersTheExpectedCount) {
  MakeSeries(*h_, secretary_);
  // m4 is exempted (miễn sinh hoạt) from 2026-03-01.
  rv1::Member exempted;
  ASSERT_TRUE(h_->registry()
                  .stub()
                  .StartExemption(Ctx(admin_).get(), registry::testing::Lifecycle("m4", "2026-03-01"),
                                  &exempted)
                  .ok());

  // February: four expected; three present, one excused.
  v1::Meeting feb = MeetingOn(*h_, secretary_, "cb-1", "2026-02-03");
  v1::RecordMeetingRequest r = RecordOf(feb);
  *r.add_attendance() = Mark("m1", v1::PRESENT);
  *r.add_attendance() = Mark("m2", v1::PRESENT);
  *r.add_attendance() = Mark("m3", v1::PRESENT);
  *r.add_attendance() = Mark("m4", v1::ABSENT_EXCUSED, "ốm");
  auto* task = r.add_tasks();
  task->set_assignee_member_id("m2");
  task->set_description("Vận động hộ nghèo đóng góp quỹ khuyến học");
  task->set_due_on("2026-03-01");
  v1::Meeting recorded;
  ASSERT_TRUE(Record(r, &recorded).ok());
  EXPECT_EQ(recorded.status(), v1::HELD);
  EXPECT_EQ(recorded.roster_total(), 4);
  EXPECT_EQ(recorded.expected(), 4);
  EXPECT_EQ(recorded.present(), 3);
  EXPECT_EQ(recorded.absent_excused(), 1);
  EXPECT_DOUBLE_EQ(recorded.attendance_rate(), 0.75);
  ASSERT_EQ(recorded.tasks_size(), 1);
  EXPECT_EQ(recorded.attendance(0).member_name(), "Nguyễn Văn m1");

  // March: m4 is no longer expected; the roll call need not mark them.
  v1::Meeting mar = MeetingOn(*h_, secretary_, "cb-1", "2026-03-03");
  v1::RecordMeetingRequest r2 = RecordOf(mar);
  *r2.add_attendance() = Mark("m1", v1::PRESENT);
  *r2.add_attendance() = Mark("m2", v1::PRESENT);
  *r2.add_attendance() = Mark("m3", v1::ABSENT_UNEXCUSED);
  auto* review = r2.add_task_reviews();
  review->set_task_id(recorded.tasks(0).id());
  review->set_done(true);
  review->set_note("Đã hoàn thành");
  r2.add_guests()->set_name("Đồng chí Bí thư Đảng ủy xã");  // answered as stored, like the rest
  v1::Meeting mar_recorded;
  ASSERT_TRUE(Record(r2, &mar_recorded).ok());
  EXPECT_EQ(mar_recorded.guests_size(), 1);
  EXPECT_EQ(mar_recorded.roster_total(), 4);
  EXPECT_EQ(mar_recorded.expected(), 3);
  EXPECT_EQ(mar_recorded.present(), 2);
  EXPECT_EQ(mar_recorded.absent_unexcused(), 1);
  v1::GetMeetingRequest get;
  get.set_id(feb.id());
  v1::Meeting feb_now;
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &feb_now).ok());
  EXPECT_TRUE(feb_now.tasks(0).reviewed());
  EXPECT_TRUE(feb_now.tasks(0).done());
  EXPECT_EQ(feb_now.tasks(0).reviewed_in_meeting_id(), mar.id());
  // RecordMeeting answers what a read gives afterwards (the roll call in the
  // same order, the tasks and reviews) — first and when recorded again.
  get.set_id(mar.id());
  v1::Meeting mar_now;
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &mar_now).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(mar_recorded, mar_now))
      << mar_recorded.DebugString() << "\n---\n" << mar_now.DebugString();
  r2.set_etag(mar_recorded.etag());
  r2.clear_task_reviews();
  ASSERT_TRUE(Record(r2, &mar_recorded).ok());
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &mar_now).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(mar_recorded, mar_now))
      << mar_recorded.DebugString() << "\n---\n" << mar_now.DebugString();
  EXPECT_EQ(mar_now.task_reviews_size(), 0);
  EXPECT_EQ(mar_now.attendance_size(), 3);
  get.set_id(feb.id());
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &feb_now).ok());
  EXPECT_FALSE(feb_now.tasks(0).reviewed());  // the review was taken back

  // Facts for the base committee's subtree over the two months.
  v1::StreamMeetingFactsRequest fr;
  fr.set_org_unit_id("xa-a1");
  fr.set_from("2026-02-01");
  fr.set_to("2026-03-31");
  auto ctx = Ctx(admin_);
  auto reader = h_->stub().StreamMeetingFacts(ctx.get(), fr);
  std::vector<v1::MeetingFact> facts;
  for (v1::MeetingFact f; reader->Read(&f);) facts.push_back(f);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(facts.size(), 2u);
  EXPECT_EQ(facts[0].date(), "2026-02-03");
  EXPECT_EQ(facts[0].expected(), 4);
  EXPECT_EQ(facts[0].present(), 3);
  EXPECT_EQ(facts[0].actual_minutes(), 150);
  EXPECT_EQ(facts[0].planned_minutes(), 120);
  EXPECT_EQ(facts[1].expected(), 3);
  EXPECT_EQ(facts[1].absent_unexcused(), 1);
  EXPECT_EQ(facts[1].opinions(), 4);
  EXPECT_EQ(facts[1].self_score(), 85);
}

// The fold keeps, for each held meeting, the longest run of absences that
// ends there (excused ones count, a presence ends it), read from the
// meetings' roll_call columns; meetings recorded before that column
// existed fold alike once the start-up pass has filled it.
TEST_P(SchedulingFlowTest, FoldCarriesAbsenceRunsAndMeetingsRecordedBeforeTheRollCallColumnFoldAlike) {
  RecordSpringAbsences();
  std::vector<int> runs;
  for (const FoldedMeeting& m : FoldOf(2026)) {
    if (m.status == v1::HELD) runs.push_back(m.absence_run);
  }
  // 6 Jan, 3 Feb, 3 Mar (m3 excused a third time), 7 Apr, 24 Apr (everyone
  // there), 5 May, 9 Jun (m2's second since April's thematic meeting).
  EXPECT_EQ(runs, (std::vector<int>{1, 2, 3, 1, 0, 1, 2}));
  auto facts = [&] {
    auto row = h_->database().QueryOptionalRow("SELECT facts FROM cell_year_facts WHERE cell_id = 'cb-1' AND year = 2026");
    return row.ok() && row->has_value() ? (**row).Text(0) : std::string("(none)");
  };
  const std::string folded = facts();

  // As a database of an earlier version holds it: no roll calls, no folds.
  ASSERT_TRUE(h_->database().Execute("UPDATE meetings SET roll_call = NULL").ok());
  ASSERT_TRUE(h_->database().Execute("DELETE FROM cell_year_facts").ok());
  // A roll call a record wrote meanwhile (another replica, already upgraded)
  // is not overwritten by the fill.
  auto recorded = h_->database().QueryOptionalRow(
      "SELECT id FROM meetings WHERE status = 2 ORDER BY starts_unix DESC LIMIT 1");
  ASSERT_TRUE(recorded.ok() && recorded->has_value());
  const std::string newest = (**recorded).Text(0);
  auto newest_roll_call = [&] {
    auto row = h_->database().QueryOptionalRow("SELECT roll_call FROM meetings WHERE id = ?1", {newest});
    return row.ok() && row->has_value() ? (**row).Text(0) : std::string("(none)");
  };
  ASSERT_TRUE(h_->database().Execute("UPDATE meetings SET roll_call = 'kept:1;' WHERE id = ?1", {newest}).ok());
  ASSERT_TRUE(h_->scheduling().FillMissingRollCalls().ok());
  EXPECT_EQ(newest_roll_call(), "kept:1;");
  ASSERT_TRUE(h_->database().Execute("UPDATE meetings SET roll_call = NULL WHERE id = ?1", {newest}).ok());
  ASSERT_TRUE(h_->scheduling().FillMissingRollCalls().ok());
  EXPECT_NE(newest_roll_call(), "kept:1;");
  auto unfilled = h_->database().QueryOptionalRow(
      "SELECT COUNT(*) FROM meetings WHERE status IN (2, 3) AND roll_call IS NULL");
  ASSERT_TRUE(unfilled.ok() && unfilled->has_value());
  EXPECT_EQ((**unfilled).Int(0), 0);
  ASSERT_TRUE(h_->scheduling().FoldUnfoldedCellYears().ok());
  EXPECT_EQ(facts(), folded);
}

TEST_P(SchedulingFlowTest, MembersAbsentThreeTimesRunningOrThreeMonthsWithoutReasonAreListed) {
  RecordSpringAbsences();

  v1::ListMembersAtRiskRequest req;
  req.set_org_unit_id("huyen-a");
  req.set_year(2026);
  v1::ListMembersAtRiskResponse out;
  grpc::Status st = h_->stub().ListMembersAtRisk(Ctx(admin_).get(), req, &out);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(out.members_size(), 2) << out.DebugString();
  const v1::MemberAtRisk& m2 = out.members(0);  // by name: "Nguyễn Văn m2" before "… m3"
  EXPECT_EQ(m2.member_id(), "m2");
  EXPECT_EQ(m2.cell_id(), "cb-1");
  EXPECT_TRUE(m2.unexcused_three_months());
  EXPECT_FALSE(m2.absent_three_running());
  EXPECT_EQ(std::vector<std::string>(m2.unexcused_months().begin(), m2.unexcused_months().end()),
            (std::vector<std::string>{"2026-02", "2026-05", "2026-06"}));
  EXPECT_EQ(m2.longest_absence_run(), 2);  // May and June
  const v1::MemberAtRisk& m3 = out.members(1);
  EXPECT_EQ(m3.member_id(), "m3");
  EXPECT_TRUE(m3.absent_three_running());
  EXPECT_FALSE(m3.unexcused_three_months());
  EXPECT_EQ(m3.longest_absence_run(), 3);
  EXPECT_EQ(m3.run_from(), "2026-01-06");
  EXPECT_EQ(m3.run_to(), "2026-03-03");
  EXPECT_EQ(m3.unexcused_months_size(), 0);

  // Another district's cells, another year: nobody.
  req.set_org_unit_id("huyen-b");
  out.Clear();
  ASSERT_TRUE(h_->stub().ListMembersAtRisk(Ctx(admin_).get(), req, &out).ok());
  EXPECT_EQ(out.members_size(), 0);
  req.set_org_unit_id("cb-1");
  req.set_year(2025);
  out.Clear();
  ASSERT_TRUE(h_->stub().ListMembersAtRisk(Ctx(secretary_).get(), req, &out).ok());
  EXPECT_EQ(out.members_size(), 0);
  // Out of scope, and a year that cannot be.
  req.set_org_unit_id("huyen-a");
  req.set_year(2026);
  EXPECT_EQ(h_->stub().ListMembersAtRisk(Ctx(secretary_).get(), req, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  req.set_year(20260);
  EXPECT_EQ(ViolatedFields(h_->stub().ListMembersAtRisk(Ctx(admin_).get(), req, &out)),
            std::vector<std::string>{"year"});

  // A recorded change shows on the next read: m2 was at June's meeting after all.
  v1::Meeting june = MeetingOn(*h_, secretary_, "cb-1", "2026-06-09");
  v1::RecordMeetingRequest fix = RecordOf(june);
  for (const char* id : {"m1", "m2", "m3", "m4"}) *fix.add_attendance() = Mark(id, v1::PRESENT);
  v1::Meeting fixed;
  ASSERT_TRUE(Record(fix, &fixed).ok());
  req.set_org_unit_id("cb-1");
  req.set_year(2026);
  ASSERT_TRUE(h_->stub().ListMembersAtRisk(Ctx(secretary_).get(), req, &out).ok());
  ASSERT_EQ(out.members_size(), 1);
  EXPECT_EQ(out.members(0).member_id(), "m3");
}

TEST_P(SchedulingFlowTest, RefusalsAreClearAndWriteNothing) {
  MakeSeries(*h_, secretary_);
  v1::Meeting mar = MeetingOn(*h_, secretary_, "cb-1", "2026-03-03");
  v1::GetDataVersionRequest dv;
  dv.set_org_unit_id("xa-a1");
  v1::DataVersion v0, v1_;
  ASSERT_TRUE(h_->stub().GetDataVersion(Ctx(admin_).get(), dv, &v0).ok());

  // Someone not on the roster (m5 belongs to cb-2).
  v1::RecordMeetingRequest r = RecordOf(mar);
  for (const char* id : {"m1", "m2", "m3", "m4"}) *r.add_attendance() = Mark(id, v1::PRESENT);
  *r.add_attendance() = Mark("m5", v1::PRESENT);
  v1::Meeting out;
  grpc::Status s = Record(r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"attendance[4].member_id"});
  EXPECT_TRUE(absl::StrContains(s.error_message(), "m5")) << s.error_message();
  // A roll call that leaves out an expected member.
  r.mutable_attendance()->DeleteSubrange(3, 2);
  s = Record(r, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"attendance"});
  EXPECT_TRUE(absl::StrContains(s.error_message(), "m4")) << s.error_message();

  // A second meeting overlapping March's.
  v1::CreateMeetingRequest overlap;
  overlap.mutable_meeting()->set_cell_id("cb-1");
  overlap.mutable_meeting()->set_kind(v1::THEMATIC);
  overlap.mutable_meeting()->set_starts_at("2026-03-03T09:30");
  overlap.mutable_meeting()->set_ends_at("2026-03-03T11:00");
  s = h_->stub().CreateMeeting(Ctx(secretary_).get(), overlap, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_TRUE(absl::StrContains(s.error_message(), mar.id())) << s.error_message();
  EXPECT_EQ(MeetingsOf(*h_, secretary_, "cb-1", false, "2026-03-03", "2026-03-03").size(), 1u);
  // Right after it, it is fine.
  overlap.mutable_meeting()->set_starts_at("2026-03-03T10:00");
  overlap.mutable_meeting()->set_ends_at("2026-03-03T12:00");
  ASSERT_TRUE(h_->stub().CreateMeeting(Ctx(secretary_).get(), overlap, &out).ok());

  // Nothing the refusals tried was written: March is still planned and unchanged.
  v1::GetMeetingRequest get;
  get.set_id(mar.id());
  v1::Meeting now;
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &now).ok());
  EXPECT_EQ(now.status(), v1::PLANNED);
  EXPECT_EQ(now.etag(), mar.etag());
  EXPECT_EQ(now.attendance_size(), 0);

  // Held, then minutes approved: read-only from then on.
  v1::RecordMeetingRequest ok = RecordOf(now);
  for (const char* id : {"m1", "m2", "m3", "m4"}) *ok.add_attendance() = Mark(id, v1::PRESENT);
  ASSERT_TRUE(Record(ok, &now).ok());
  v1::ChangeMeetingStatusRequest approve;
  approve.set_id(mar.id());
  approve.set_etag(now.etag());
  ASSERT_TRUE(h_->stub().ApproveMinutes(Ctx(secretary_).get(), approve, &now).ok());
  EXPECT_EQ(now.status(), v1::MINUTES_APPROVED);
  ok.set_etag(now.etag());
  ok.set_opinions(9);
  s = Record(ok, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::UpdateMeetingRequest move;
  move.mutable_meeting()->set_id(mar.id());
  move.mutable_meeting()->set_place("Hội trường xã");
  move.mutable_update_mask()->add_paths("place");
  s = h_->stub().UpdateMeeting(Ctx(secretary_).get(), move, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::Meeting after;
  ASSERT_TRUE(h_->stub().GetMeeting(Ctx(secretary_).get(), get, &after).ok());
  EXPECT_EQ(after.etag(), now.etag());
  EXPECT_EQ(after.opinions(), 4);
  EXPECT_EQ(after.place(), "Nhà văn hóa thôn");

  // Every accepted write moved the subtree's data version; cb-b's did not.
  ASSERT_TRUE(h_->stub().GetDataVersion(Ctx(admin_).get(), dv, &v1_).ok());
  EXPECT_NE(v0.version(), v1_.version());
  dv.set_org_unit_id("huyen-b");
  v1::DataVersion b0, b1;
  ASSERT_TRUE(h_->stub().GetDataVersion(Ctx(admin_).get(), dv, &b0).ok());
  v1::CreateMeetingRequest elsewhere;  // a write in huyen-a's cb-2
  elsewhere.mutable_meeting()->set_cell_id("cb-2");
  elsewhere.mutable_meeting()->set_kind(v1::REGULAR);
  elsewhere.mutable_meeting()->set_starts_at("2026-03-10T08:00");
  elsewhere.mutable_meeting()->set_ends_at("2026-03-10T10:00");
  ASSERT_TRUE(h_->stub().CreateMeeting(Ctx(admin_).get(), elsewhere, &out).ok());
  ASSERT_TRUE(h_->stub().GetDataVersion(Ctx(admin_).get(), dv, &b1).ok());
  EXPECT_EQ(b0.version(), b1.version());
}

TEST_P(SchedulingFlowTest, OneOccurrenceMovedOrCancelledLeavesTheRestAndTheCalendarSaysSo) {
  MakeSeries(*h_, secretary_);
  v1::Meeting apr = MeetingOn(*h_, secretary_, "cb-1", "2026-04-07");
  v1::ChangeMeetingStatusRequest cancel;
  cancel.set_id(apr.id());
  v1::Meeting out;
  grpc::Status s = h_->stub().CancelMeeting(Ctx(secretary_).get(), cancel, &out);
  EXPECT_EQ(ViolatedFields(s), std::vector<std::string>{"reason"});
  cancel.set_reason("Trùng lịch bầu cử");
  ASSERT_TRUE(h_->stub().CancelMeeting(Ctx(secretary_).get(), cancel, &out).ok());
  EXPECT_EQ(out.status(), v1::CANCELLED);

  v1::Meeting may = MeetingOn(*h_, secretary_, "cb-1", "2026-05-05");
  v1::UpdateMeetingRequest move;
  move.mutable_meeting()->set_id(may.id());
  move.mutable_meeting()->set_etag(may.etag());
  move.mutable_meeting()->set_starts_at("2026-05-06T14:00");
  move.mutable_meeting()->set_ends_at("2026-05-06T16:00");
  move.mutable_update_mask()->add_paths("starts_at");
  move.mutable_update_mask()->add_paths("ends_at");
  ASSERT_TRUE(h_->stub().UpdateMeeting(Ctx(secretary_).get(), move, &out).ok());
  EXPECT_EQ(out.occurrence_start(), "2026-05-05T08:00");
  // The old etag is stale now.
  s = h_->stub().UpdateMeeting(Ctx(secretary_).get(), move, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  int planned = 0;
  for (const auto& m : MeetingsOf(*h_, secretary_, "cb-1")) {
    if (m.status() == v1::PLANNED) ++planned;
    if (m.id() != apr.id() && m.id() != may.id()) EXPECT_EQ(m.starts_at(), m.occurrence_start());
  }
  EXPECT_EQ(planned, 11);

  v1::ExportCalendarRequest ex;
  ex.set_cell_id("cb-1");
  v1::CalendarExport cal;
  ASSERT_TRUE(h_->stub().ExportCalendar(Ctx(secretary_).get(), ex, &cal).ok());
  EXPECT_EQ(cal.events(), 11);
  EXPECT_TRUE(absl::StrContains(cal.ics(), "BEGIN:VCALENDAR")) << cal.ics();
  EXPECT_TRUE(absl::StrContains(cal.ics(), "RRULE:FREQ=MONTHLY;UNTIL=20261231T165900Z")) << cal.ics();
  EXPECT_TRUE(absl::StrContains(cal.ics(), "EXDATE;TZID=Asia/Ho_Chi_Minh:20260407T080000")) << cal.ics();
  EXPECT_TRUE(absl::StrContains(cal.ics(), "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20260505T080000")) << cal.ics();
  EXPECT_TRUE(absl::StrContains(cal.ics(), "DTSTART;TZID=Asia/Ho_Chi_Minh:20260506T140000")) << cal.ics();
}

TEST_P(SchedulingFlowTest, ThematicPlanIsSubmittedAndReviewedByTheSuperiorCommittee) {
  v1::PutThematicPlanRequest put;
  put.mutable_plan()->set_cell_id("cb-1");
  put.mutable_plan()->set_year(2026);
  for (int q = 1; q <= 3; ++q) {
    auto* t = put.mutable_plan()->add_topics();
    t->set_quarter(q);
    t->set_title(absl::StrCat("Chuyên đề quý ", q));
  }
  v1::ThematicPlan plan;
  ASSERT_TRUE(h_->stub().PutThematicPlan(Ctx(secretary_).get(), put, &plan).ok());
  EXPECT_EQ(plan.status(), v1::DRAFT);
  v1::ThematicPlanActionRequest submit;
  submit.set_cell_id("cb-1");
  submit.set_year(2026);
  grpc::Status s = h_->stub().SubmitThematicPlan(Ctx(secretary_).get(), submit, &plan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // no topic in quarter 4
  auto* t = put.mutable_plan()->add_topics();
  t->set_quarter(4);
  t->set_title("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh");
  ASSERT_TRUE(h_->stub().PutThematicPlan(Ctx(secretary_).get(), put, &plan).ok());
  ASSERT_TRUE(h_->stub().SubmitThematicPlan(Ctx(secretary_).get(), submit, &plan).ok());
  EXPECT_EQ(plan.status(), v1::SUBMITTED);
  // The committee's list of plans waiting for review holds it; another
  // status, year or subtree does not.
  auto waiting = [&](const std::string& org, int year, v1::PlanStatus status) {
    v1::ListThematicPlansRequest list;
    list.set_org_unit_id(org);
    list.set_year(year);
    list.set_status(status);
    v1::ListThematicPlansResponse out;
    grpc::Status st = h_->stub().ListThematicPlans(Ctx(admin_).get(), list, &out);
    EXPECT_TRUE(st.ok()) << st.error_message();
    std::vector<std::string> cells;
    for (const auto& p : out.plans()) cells.push_back(p.cell_id());
    return cells;
  };
  EXPECT_EQ(waiting("xa-a1", 2026, v1::SUBMITTED), std::vector<std::string>{"cb-1"});
  EXPECT_EQ(waiting("tinh", 2026, v1::PLAN_STATUS_UNSPECIFIED), std::vector<std::string>{"cb-1"});
  EXPECT_TRUE(waiting("xa-a1", 2026, v1::APPROVED).empty());
  EXPECT_TRUE(waiting("xa-a1", 2027, v1::SUBMITTED).empty());
  EXPECT_TRUE(waiting("cb-2", 2026, v1::SUBMITTED).empty());
  v1::ListThematicPlansRequest bad;
  bad.set_org_unit_id("xa-a1");
  bad.set_year(1999);
  v1::ListThematicPlansResponse none;
  EXPECT_EQ(h_->stub().ListThematicPlans(Ctx(admin_).get(), bad, &none).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::ReviewThematicPlanRequest review;
  review.set_cell_id("cb-1");
  review.set_year(2026);
  review.set_approve(false);
  review.set_comment("Bổ sung chuyên đề về chuyển đổi số");
  // The cell cannot review itself, by role or by scope.
  s = h_->stub().ReviewThematicPlan(Ctx(secretary_).get(), review, &plan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const std::string own_supervisor = h_->registry().Token(auth::Role::kSupervisor, "cb-1");
  s = h_->stub().ReviewThematicPlan(Ctx(own_supervisor).get(), review, &plan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const std::string committee = h_->registry().Token(auth::Role::kSupervisor, "xa-a1", "dang-uy-xa");
  ASSERT_TRUE(h_->stub().ReviewThematicPlan(Ctx(committee).get(), review, &plan).ok());
  EXPECT_EQ(plan.status(), v1::RETURNED);
  EXPECT_EQ(plan.review_comment(), "Bổ sung chuyên đề về chuyển đổi số");
  EXPECT_EQ(plan.reviewed_by(), "dang-uy-xa");

  ASSERT_TRUE(h_->stub().PutThematicPlan(Ctx(secretary_).get(), put, &plan).ok());
  ASSERT_TRUE(h_->stub().SubmitThematicPlan(Ctx(secretary_).get(), submit, &plan).ok());
  review.set_approve(true);
  review.clear_comment();
  ASSERT_TRUE(h_->stub().ReviewThematicPlan(Ctx(committee).get(), review, &plan).ok());
  EXPECT_EQ(plan.status(), v1::APPROVED);
  s = h_->stub().PutThematicPlan(Ctx(secretary_).get(), put, &plan);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_P(SchedulingFlowTest, ACommitteeMeetingIsRecordedAgainstTheCommitteesMembers) {
  // m1 and m5 sit on the base committee xa-a1 (đảng ủy viên) from 2026.
  for (const char* id : {"m1", "m5"}) {
    rv1::AssignPositionRequest r;
    r.set_member_id(id);
    r.set_org_unit_id("xa-a1");
    r.set_position(rv1::COMMITTEE_MEMBER);
    r.set_effective_on("2026-01-01");
    rv1::Member out;
    grpc::Status s = h_->registry().stub().AssignPosition(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::CreateMeetingRequest create;
  create.mutable_meeting()->set_cell_id("xa-a1");
  create.mutable_meeting()->set_kind(v1::COMMITTEE);
  create.mutable_meeting()->set_starts_at("2026-02-10T14:00");
  create.mutable_meeting()->set_ends_at("2026-02-10T16:00");
  v1::Meeting meeting;
  ASSERT_TRUE(h_->stub().CreateMeeting(Ctx(admin_).get(), create, &meeting).ok());
  v1::RecordMeetingRequest r = RecordOf(meeting);
  r.set_actual_end("2026-02-10T16:00");
  *r.add_attendance() = Mark("m1", v1::PRESENT);
  *r.add_attendance() = Mark("m2", v1::PRESENT);  // a cell member, not on the committee
  v1::Meeting out;
  grpc::Status s = h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out);
  EXPECT_EQ(ViolatedFields(s), (std::vector<std::string>{"attendance[1].member_id", "attendance"}));
  r.mutable_attendance()->RemoveLast();
  *r.add_attendance() = Mark("m5", v1::ABSENT_EXCUSED, "họp huyện");
  ASSERT_TRUE(h_->stub().RecordMeeting(Ctx(admin_).get(), r, &out).ok());
  EXPECT_EQ(out.roster_total(), 2);
  EXPECT_EQ(out.expected(), 2);
  EXPECT_EQ(out.present(), 1);
  EXPECT_EQ(out.absent_excused(), 1);
  // m5 leaves the committee in March: April's committee meeting expects m1 alone.
  rv1::EndPositionRequest end;
  end.set_member_id("m5");
  end.set_org_unit_id("xa-a1");
  end.set_position(rv1::COMMITTEE_MEMBER);
  end.set_effective_on("2026-03-01");
  rv1::Member ended;
  ASSERT_TRUE(h_->registry().stub().EndPosition(Ctx(admin_).get(), end, &ended).ok());
  rv1::Roster april = registry::testing::RosterOn(h_->registry(), admin_, "xa-a1", "2026-04-14");
  EXPECT_EQ(april.expected(), 1);
  rv1::Roster february = registry::testing::RosterOn(h_->registry(), admin_, "xa-a1", "2026-02-10");
  EXPECT_EQ(february.expected(), 2);
}

INSTANTIATE_TEST_SUITE_P(Engines, SchedulingFlowTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& info) {
                           return info.param == Engine::kSqlite ? "SQLite" : "PostgreSQL";
                         });

}  // namespace
}  // namespace chibo::scheduling::testing
