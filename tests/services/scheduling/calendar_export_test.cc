// The iCalendar export read back by an independent parser (ical.js under
// Node.js): its occurrences must equal the service's own meetings.
#include <fstream>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/services/scheduling/scheduling_test_util.h"
#include "tests/support/subprocess.h"

namespace chibo::scheduling::testing {
namespace {

TEST(CalendarExportTest, IcalJsSeesExactlyTheServicesOccurrences) {
  auto h = SchedulingHarness::Start();
  ASSERT_TRUE(h.ok()) << h.status();
  const std::string admin = (*h)->registry().Token(auth::Role::kAdmin, "tinh");
  BuildTree(**h, admin);
  MakeSeries(**h, admin);
  // Cancel April, move May to the next afternoon, postpone October, and add
  // a one-off thematic meeting.
  v1::Meeting out;
  v1::ChangeMeetingStatusRequest cancel;
  cancel.set_id(MeetingOn(**h, admin, "cb-1", "2026-04-07").id());
  cancel.set_reason("Trùng lịch");
  ASSERT_TRUE((*h)->stub().CancelMeeting(Ctx(admin).get(), cancel, &out).ok());
  cancel.set_id(MeetingOn(**h, admin, "cb-1", "2026-10-06").id());
  ASSERT_TRUE((*h)->stub().PostponeMeeting(Ctx(admin).get(), cancel, &out).ok());
  v1::UpdateMeetingRequest move;
  move.mutable_meeting()->set_id(MeetingOn(**h, admin, "cb-1", "2026-05-05").id());
  move.mutable_meeting()->set_starts_at("2026-05-06T14:00");
  move.mutable_meeting()->set_ends_at("2026-05-06T16:00");
  move.mutable_meeting()->set_place("Hội trường, ngõ 3; tầng 2");
  move.mutable_update_mask()->add_paths("starts_at");
  move.mutable_update_mask()->add_paths("ends_at");
  move.mutable_update_mask()->add_paths("place");
  ASSERT_TRUE((*h)->stub().UpdateMeeting(Ctx(admin).get(), move, &out).ok());
  v1::CreateMeetingRequest thematic;
  thematic.mutable_meeting()->set_cell_id("cb-1");
  thematic.mutable_meeting()->set_kind(v1::THEMATIC);
  thematic.mutable_meeting()->set_title("Chuyên đề: chuyển đổi số, \"Bình dân học vụ số\"");
  thematic.mutable_meeting()->set_starts_at("2026-08-20T19:30");
  thematic.mutable_meeting()->set_ends_at("2026-08-20T21:30");
  ASSERT_TRUE((*h)->stub().CreateMeeting(Ctx(admin).get(), thematic, &out).ok());

  std::vector<std::string> expected;
  for (const auto& m : MeetingsOf(**h, admin, "cb-1")) {
    if (m.status() != v1::CANCELLED && m.status() != v1::POSTPONED) expected.push_back(m.starts_at());
  }
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(expected.size(), 11u);

  v1::ExportCalendarRequest ex;
  ex.set_cell_id("cb-1");
  v1::CalendarExport cal;
  ASSERT_TRUE((*h)->stub().ExportCalendar(Ctx(admin).get(), ex, &cal).ok());
  EXPECT_EQ(cal.events(), 11);
  const std::string dir = chibo::testing::MakeTempDir("chibo-ics");
  const std::string file = dir + "/cb-1.ics";
  std::ofstream(file) << cal.ics();
  auto run = chibo::testing::RunCommand(
      {"node", std::string(CHIBO_SOURCE_DIR) + "/tests/e2e/ical_occurrences.mjs", file,
       "2026-01-01", "2026-12-31"});
  chibo::testing::RemoveTree(dir);
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_TRUE(run->ok()) << run->output;
  std::vector<std::string> parsed = absl::StrSplit(run->output, '\n', absl::SkipEmpty());
  EXPECT_EQ(parsed, expected) << cal.ics();
}

}  // namespace
}  // namespace chibo::scheduling::testing
