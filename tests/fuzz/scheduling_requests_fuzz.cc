// Request validation of scheduling: every SchedulingService request type
// into CheckRequestLimits, then into chibo::scheduling::Scheduling itself on
// a temp SQLite database, calling a seeded registry served in this process
// (served_services.h; request_fuzz.h says what is checked). cb-1 has a
// monthly series (ls-cb-1) and a meeting three days ago (mt-past).
#include "absl/time/clock.h"
#include "common/concurrency/call_deadline.h"
#include "common/time/dates.h"
#include "tests/fuzz/request_fuzz.h"
#include "tests/fuzz/served_services.h"

namespace chibo::fuzz {

namespace v1 = ::chibo::scheduling::v1;
using auth::Role;

Service* MakeService() {
  static auto registry = StartSeededRegistry();
  static SchedulingWorld w(registry->port());
  static std::vector<auth::Claims> callers = {
      Caller(Role::kAdmin, "tinh", "admin"), Caller(Role::kSecretary, "cb-1", "secretary-cb-1"),
      Caller(Role::kSupervisor, "huyen-a", "supervisor-huyen-a"),
      Caller(Role::kViewer, "xa-a1", "viewer-xa-a1"), Caller(Role::kAdmin, "huyen-b", "admin-huyen-b"),
      Caller(Role::kService, "tinh", "service")};
  w.Seed(/*record=*/false);
  w.database->Save();

  auto* s = new Service;
  s->descriptor = ServiceNamed("chibo.scheduling.v1.SchedulingService");
  s->callers = {"admin", "secretary", "supervisor", "viewer", "other-admin", "service"};
  s->words = {"tinh", "huyen-a", "xa-a1", "cb-1", "cb-2", "cb-b", "nope", "m1", "m2", "m3", "m5",
              "m6", "m7", "ls-cb-1", "ls-2", "mt-past", "mt-1", "req-1", "req-2", Day(-3),
              Day(-3) + "T19:00", Day(-3) + "T21:00", Day(-3) + "T18:00", Day(-10), Day(0),
              Day(1), Day(30), Day(400), Day(800), Day(-800), Day(5) + "T19:00",
              Day(5) + "T21:00", Day(-1) + "T08:00", std::to_string(time::Today().year()),
              std::to_string(time::Today().year() + 1)};
  s->reset = [] {
    w.database->Restore();
    w.Rebuild();
  };
  s->reset_every = 2000;

#define CHIBO_FUZZ_RPC(Method, Request, Response, Roles)                                      \
  s->methods.push_back({#Method, &v1::Request::default_instance(),                            \
                        [](int caller, const google::protobuf::Message& m) -> absl::Status {  \
                          const auth::Claims& c = callers[caller];                            \
                          if (!c.HasAnyRole(scheduling::Roles)) {                             \
                            return absl::PermissionDeniedError("role");                       \
                          }                                                                   \
                          concurrency::ScopedDeadline deadline(absl::Now() + absl::Seconds(20)); \
                          v1::Response out;                                                   \
                          return w.scheduling->Method(c, static_cast<const v1::Request&>(m), &out); \
                        }});
  CHIBO_FUZZ_RPC(CreateSeries, CreateSeriesRequest, MeetingSeries, kMeetingWriters)
  CHIBO_FUZZ_RPC(GetSeries, GetSeriesRequest, MeetingSeries, kReaders)
  CHIBO_FUZZ_RPC(ListSeries, ListSeriesRequest, ListSeriesResponse, kReaders)
  CHIBO_FUZZ_RPC(ExtendSeries, ExtendSeriesRequest, MeetingSeries, kMeetingWriters)
  CHIBO_FUZZ_RPC(CreateMeeting, CreateMeetingRequest, Meeting, kMeetingWriters)
  CHIBO_FUZZ_RPC(BatchCreateMeetings, BatchCreateMeetingsRequest, BatchCreateMeetingsResponse, kMeetingWriters)
  CHIBO_FUZZ_RPC(GetMeeting, GetMeetingRequest, Meeting, kReaders)
  CHIBO_FUZZ_RPC(ListMeetings, ListMeetingsRequest, ListMeetingsResponse, kReaders)
  CHIBO_FUZZ_RPC(UpdateMeeting, UpdateMeetingRequest, Meeting, kMeetingWriters)
  CHIBO_FUZZ_RPC(PostponeMeeting, ChangeMeetingStatusRequest, Meeting, kMeetingWriters)
  CHIBO_FUZZ_RPC(CancelMeeting, ChangeMeetingStatusRequest, Meeting, kMeetingWriters)
  CHIBO_FUZZ_RPC(RecordMeeting, RecordMeetingRequest, Meeting, kMeetingWriters)
  CHIBO_FUZZ_RPC(BatchRecordMeetings, BatchRecordMeetingsRequest, BatchRecordMeetingsResponse, kMeetingWriters)
  CHIBO_FUZZ_RPC(ApproveMinutes, ChangeMeetingStatusRequest, Meeting, kMeetingWriters)
  CHIBO_FUZZ_RPC(PutThematicPlan, PutThematicPlanRequest, ThematicPlan, kMeetingWriters)
  CHIBO_FUZZ_RPC(GetThematicPlan, GetThematicPlanRequest, ThematicPlan, kReaders)
  CHIBO_FUZZ_RPC(SubmitThematicPlan, ThematicPlanActionRequest, ThematicPlan, kMeetingWriters)
  CHIBO_FUZZ_RPC(ReviewThematicPlan, ReviewThematicPlanRequest, ThematicPlan, kPlanReviewers)
  CHIBO_FUZZ_RPC(ExportCalendar, ExportCalendarRequest, CalendarExport, kReaders)
  CHIBO_FUZZ_RPC(GetDataVersion, GetDataVersionRequest, DataVersion, kReaders)
  CHIBO_FUZZ_RPC(SummarizeMeetings, SummarizeMeetingsRequest, MeetingSummary, kReaders)
#undef CHIBO_FUZZ_RPC
  // Server streaming (kReaders): the facts it would stream.
  s->methods.push_back({"StreamMeetingFacts", &v1::StreamMeetingFactsRequest::default_instance(),
                        [](int caller, const google::protobuf::Message& m) -> absl::Status {
                          concurrency::ScopedDeadline deadline(absl::Now() + absl::Seconds(20));
                          return w.scheduling
                              ->CollectMeetingFacts(
                                  callers[caller],
                                  static_cast<const v1::StreamMeetingFactsRequest&>(m))
                              .status();
                        }});
  return s;
}

}  // namespace chibo::fuzz
