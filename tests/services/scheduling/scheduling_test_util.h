// Helpers shared by scheduling's tests: a small tree with members in the
// registry, and meetings built through the RPCs.
#ifndef CHIBO_TESTS_SERVICES_SCHEDULING_SCHEDULING_TEST_UTIL_H_
#define CHIBO_TESTS_SERVICES_SCHEDULING_SCHEDULING_TEST_UTIL_H_

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/services/registry/registry_test_util.h"
#include "tests/services/scheduling/scheduling_harness.h"

namespace chibo::scheduling::testing {

namespace rv1 = ::chibo::registry::v1;
using registry::testing::MakeMember;
using registry::testing::MakeUnit;
using registry::testing::ViolatedFields;

inline std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
  return RegistryHarness::Ctx(token);
}

// tinh → huyen-a → xa-a1 → cb-1 (m1..m4), cb-2 (m5); tinh → huyen-b → cb-b (m6).
inline void BuildTree(SchedulingHarness& h, const std::string& admin) {
  RegistryHarness& r = h.registry();
  MakeUnit(r, admin, "tinh", rv1::PROVINCE, "");
  MakeUnit(r, admin, "huyen-a", rv1::DIRECT_COMMITTEE, "tinh");
  MakeUnit(r, admin, "huyen-b", rv1::DIRECT_COMMITTEE, "tinh");
  MakeUnit(r, admin, "xa-a1", rv1::BASE_COMMITTEE, "huyen-a", "2000-01-01", rv1::COMMUNE_WARD);
  MakeUnit(r, admin, "cb-1", rv1::SUBORDINATE_CELL, "xa-a1", "2000-01-01", rv1::RESIDENTIAL);
  MakeUnit(r, admin, "cb-2", rv1::SUBORDINATE_CELL, "xa-a1", "2000-01-01", rv1::RESIDENTIAL);
  MakeUnit(r, admin, "cb-b", rv1::BASE_CELL, "huyen-b", "2000-01-01", rv1::SCHOOL);
  for (const char* id : {"m1", "m2", "m3", "m4"}) MakeMember(r, admin, id, "cb-1", "2015-01-01", "2016-01-01");
  MakeMember(r, admin, "m5", "cb-2", "2015-01-01", "2016-01-01");
  MakeMember(r, admin, "m6", "cb-b", "2015-01-01", "2016-01-01");
}

// The monthly series of cb-1 on the Tuesday of the second week, 2026.
inline v1::MeetingSeries MakeSeries(SchedulingHarness& h, const std::string& token,
                                    const std::string& cell = "cb-1") {
  v1::CreateSeriesRequest r;
  auto* s = r.mutable_series();
  s->set_id("ls-" + cell);
  s->set_cell_id(cell);
  s->set_kind(v1::REGULAR);
  s->set_rrule("FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9");
  s->set_first_start("2026-01-06T08:00");
  s->set_duration_minutes(120);
  s->set_place("Nhà văn hóa thôn");
  r.set_materialize_until("2026-12-31");
  v1::MeetingSeries out;
  grpc::Status st = h.stub().CreateSeries(Ctx(token).get(), r, &out);
  EXPECT_TRUE(st.ok()) << st.error_message();
  return out;
}

inline std::vector<v1::Meeting> MeetingsOf(SchedulingHarness& h, const std::string& token,
                                           const std::string& unit, bool subtree = false,
                                           const std::string& from = "2026-01-01",
                                           const std::string& to = "2026-12-31") {
  v1::ListMeetingsRequest r;
  r.set_org_unit_id(unit);
  r.set_subtree(subtree);
  r.set_from(from);
  r.set_to(to);
  std::vector<v1::Meeting> out;
  do {
    v1::ListMeetingsResponse page;
    grpc::Status st = h.stub().ListMeetings(Ctx(token).get(), r, &page);
    EXPECT_TRUE(st.ok()) << st.error_message();
    if (!st.ok()) break;
    out.insert(out.end(), page.meetings().begin(), page.meetings().end());
    r.set_page_token(page.next_page_token());
  } while (!r.page_token().empty());
  return out;
}

inline v1::Meeting MeetingOn(SchedulingHarness& h, const std::string& token,
                             const std::string& cell, const std::string& date) {
  for (const auto& m : MeetingsOf(h, token, cell, false, date, date)) return m;
  ADD_FAILURE() << "no meeting of " << cell << " on " << date;
  return {};
}

inline v1::AttendanceRecord Mark(const std::string& member, v1::AttendanceMark mark,
                                 const std::string& reason = "") {
  v1::AttendanceRecord a;
  a.set_member_id(member);
  a.set_mark(mark);
  a.set_reason(reason);
  return a;
}

}  // namespace chibo::scheduling::testing

#endif  // CHIBO_TESTS_SERVICES_SCHEDULING_SCHEDULING_TEST_UTIL_H_
