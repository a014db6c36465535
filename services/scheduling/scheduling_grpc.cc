#include "services/scheduling/scheduling_grpc.h"

#include "common/rpc/server_stream.h"

namespace chibo::scheduling {

// One line per RPC: its roles and the Scheduling method doing the work.
#define CHIBO_RPC(Method, Request, Response, Roles)                                             \
  grpc::ServerUnaryReactor* SchedulingGrpcService::Method(                                      \
      grpc::CallbackServerContext* ctx, const v1::Request* req, v1::Response* resp) {           \
    return runner_->Unary(ctx, #Method, Roles, req, resp,                                       \
                          [this](const auth::Claims& c, const v1::Request& r, v1::Response* o) { \
                            return scheduling_->Method(c, r, o);                                \
                          });                                                                   \
  }

CHIBO_RPC(CreateSeries, CreateSeriesRequest, MeetingSeries, kMeetingWriters)
CHIBO_RPC(GetSeries, GetSeriesRequest, MeetingSeries, kReaders)
CHIBO_RPC(ListSeries, ListSeriesRequest, ListSeriesResponse, kReaders)
CHIBO_RPC(ExtendSeries, ExtendSeriesRequest, MeetingSeries, kMeetingWriters)
CHIBO_RPC(CreateMeeting, CreateMeetingRequest, Meeting, kMeetingWriters)
CHIBO_RPC(BatchCreateMeetings, BatchCreateMeetingsRequest, BatchCreateMeetingsResponse, kMeetingWriters)
CHIBO_RPC(GetMeeting, GetMeetingRequest, Meeting, kReaders)
CHIBO_RPC(ListMeetings, ListMeetingsRequest, ListMeetingsResponse, kReaders)
CHIBO_RPC(UpdateMeeting, UpdateMeetingRequest, Meeting, kMeetingWriters)
CHIBO_RPC(PostponeMeeting, ChangeMeetingStatusRequest, Meeting, kMeetingWriters)
CHIBO_RPC(CancelMeeting, ChangeMeetingStatusRequest, Meeting, kMeetingWriters)
CHIBO_RPC(RecordMeeting, RecordMeetingRequest, Meeting, kMeetingWriters)
CHIBO_RPC(BatchRecordMeetings, BatchRecordMeetingsRequest, BatchRecordMeetingsResponse, kMeetingWriters)
CHIBO_RPC(ApproveMinutes, ChangeMeetingStatusRequest, Meeting, kMeetingWriters)
CHIBO_RPC(PutThematicPlan, PutThematicPlanRequest, ThematicPlan, kMeetingWriters)
CHIBO_RPC(ListThematicPlans, ListThematicPlansRequest, ListThematicPlansResponse, kReaders)
CHIBO_RPC(ListMembersAtRisk, ListMembersAtRiskRequest, ListMembersAtRiskResponse, kReaders)
CHIBO_RPC(GetThematicPlan, GetThematicPlanRequest, ThematicPlan, kReaders)
CHIBO_RPC(SubmitThematicPlan, ThematicPlanActionRequest, ThematicPlan, kMeetingWriters)
CHIBO_RPC(ReviewThematicPlan, ReviewThematicPlanRequest, ThematicPlan, kPlanReviewers)
CHIBO_RPC(ExportCalendar, ExportCalendarRequest, CalendarExport, kReaders)
CHIBO_RPC(GetDataVersion, GetDataVersionRequest, DataVersion, kReaders)
CHIBO_RPC(SummarizeMeetings, SummarizeMeetingsRequest, MeetingSummary, kReaders)

#undef CHIBO_RPC

grpc::ServerWriteReactor<v1::MeetingFact>* SchedulingGrpcService::StreamMeetingFacts(
    grpc::CallbackServerContext* ctx, const v1::StreamMeetingFactsRequest* req) {
  return new rpc::ServerStream<v1::StreamMeetingFactsRequest, v1::MeetingFact>(
      runner_, ctx, "StreamMeetingFacts", kReaders, req,
      [this](const auth::Claims& c, const v1::StreamMeetingFactsRequest& r) {
        return scheduling_->CollectMeetingFacts(c, r);
      });
}

}  // namespace chibo::scheduling
