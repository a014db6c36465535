// Scheduling's gRPC adapter: registers each RPC, names the roles that may
// call it, and hands the work to the plain Scheduling class through the
// CallRunner (auth, pool, status mapping, metrics, logs). No logic lives here.
#ifndef CHIBO_SERVICES_SCHEDULING_SCHEDULING_GRPC_H_
#define CHIBO_SERVICES_SCHEDULING_SCHEDULING_GRPC_H_

#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "common/rpc/unary_call.h"
#include "services/scheduling/scheduling.h"

namespace chibo::scheduling {

class SchedulingGrpcService final : public v1::SchedulingService::CallbackService {
 public:
  SchedulingGrpcService(Scheduling* scheduling, rpc::CallRunner* runner)
      : scheduling_(scheduling), runner_(runner) {}

#define CHIBO_SCHEDULING_RPC(Method, Request, Response)                                    \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Request* req, \
                                   v1::Response* resp) override;
  CHIBO_SCHEDULING_RPC(CreateSeries, CreateSeriesRequest, MeetingSeries)
  CHIBO_SCHEDULING_RPC(GetSeries, GetSeriesRequest, MeetingSeries)
  CHIBO_SCHEDULING_RPC(ListSeries, ListSeriesRequest, ListSeriesResponse)
  CHIBO_SCHEDULING_RPC(ExtendSeries, ExtendSeriesRequest, MeetingSeries)
  CHIBO_SCHEDULING_RPC(CreateMeeting, CreateMeetingRequest, Meeting)
  CHIBO_SCHEDULING_RPC(BatchCreateMeetings, BatchCreateMeetingsRequest, BatchCreateMeetingsResponse)
  CHIBO_SCHEDULING_RPC(GetMeeting, GetMeetingRequest, Meeting)
  CHIBO_SCHEDULING_RPC(ListMeetings, ListMeetingsRequest, ListMeetingsResponse)
  CHIBO_SCHEDULING_RPC(UpdateMeeting, UpdateMeetingRequest, Meeting)
  CHIBO_SCHEDULING_RPC(PostponeMeeting, ChangeMeetingStatusRequest, Meeting)
  CHIBO_SCHEDULING_RPC(CancelMeeting, ChangeMeetingStatusRequest, Meeting)
  CHIBO_SCHEDULING_RPC(RecordMeeting, RecordMeetingRequest, Meeting)
  CHIBO_SCHEDULING_RPC(BatchRecordMeetings, BatchRecordMeetingsRequest, BatchRecordMeetingsResponse)
  CHIBO_SCHEDULING_RPC(ApproveMinutes, ChangeMeetingStatusRequest, Meeting)
  CHIBO_SCHEDULING_RPC(PutThematicPlan, PutThematicPlanRequest, ThematicPlan)
  CHIBO_SCHEDULING_RPC(ListThematicPlans, ListThematicPlansRequest, ListThematicPlansResponse)
  CHIBO_SCHEDULING_RPC(ListMembersAtRisk, ListMembersAtRiskRequest, ListMembersAtRiskResponse)
  CHIBO_SCHEDULING_RPC(GetThematicPlan, GetThematicPlanRequest, ThematicPlan)
  CHIBO_SCHEDULING_RPC(SubmitThematicPlan, ThematicPlanActionRequest, ThematicPlan)
  CHIBO_SCHEDULING_RPC(ReviewThematicPlan, ReviewThematicPlanRequest, ThematicPlan)
  CHIBO_SCHEDULING_RPC(ExportCalendar, ExportCalendarRequest, CalendarExport)
  CHIBO_SCHEDULING_RPC(GetDataVersion, GetDataVersionRequest, DataVersion)
  CHIBO_SCHEDULING_RPC(SummarizeMeetings, SummarizeMeetingsRequest, MeetingSummary)
#undef CHIBO_SCHEDULING_RPC

  grpc::ServerWriteReactor<v1::MeetingFact>* StreamMeetingFacts(
      grpc::CallbackServerContext* ctx, const v1::StreamMeetingFactsRequest* req) override;

 private:
  Scheduling* scheduling_;
  rpc::CallRunner* runner_;
};

}  // namespace chibo::scheduling

#endif  // CHIBO_SERVICES_SCHEDULING_SCHEDULING_GRPC_H_
