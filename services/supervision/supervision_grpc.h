// Supervision's gRPC adapter: registers each RPC, names the roles that may
// call it, and hands the work to the plain Supervision class through the
// CallRunner (auth, pool, status mapping, metrics, logs). No logic lives here.
#ifndef CHIBO_SERVICES_SUPERVISION_SUPERVISION_GRPC_H_
#define CHIBO_SERVICES_SUPERVISION_SUPERVISION_GRPC_H_

#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/rpc/unary_call.h"
#include "services/supervision/supervision.h"

namespace chibo::supervision {

class SupervisionGrpcService final : public v1::SupervisionService::CallbackService {
 public:
  SupervisionGrpcService(Supervision* supervision, rpc::CallRunner* runner)
      : supervision_(supervision), runner_(runner) {}

#define CHIBO_SUPERVISION_RPC(Method, Request, Response)                                   \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Request* req, \
                                   v1::Response* resp) override;
  CHIBO_SUPERVISION_RPC(CreateTeam, CreateTeamRequest, Team)
  CHIBO_SUPERVISION_RPC(GetTeam, GetTeamRequest, Team)
  CHIBO_SUPERVISION_RPC(ListTeams, ListTeamsRequest, ListTeamsResponse)
  CHIBO_SUPERVISION_RPC(UpdateTeam, UpdateTeamRequest, Team)
  CHIBO_SUPERVISION_RPC(AssignFollower, AssignFollowerRequest, FollowAssignment)
  CHIBO_SUPERVISION_RPC(ListFollowAssignments, ListFollowAssignmentsRequest, ListFollowAssignmentsResponse)
  CHIBO_SUPERVISION_RPC(RecordVisit, RecordVisitRequest, Visit)
  CHIBO_SUPERVISION_RPC(GetVisit, GetVisitRequest, Visit)
  CHIBO_SUPERVISION_RPC(ListVisits, ListVisitsRequest, ListVisitsResponse)
  CHIBO_SUPERVISION_RPC(UpdateRecommendation, UpdateRecommendationRequest, Visit)
  CHIBO_SUPERVISION_RPC(GetActivityReport, ReportRequest, ActivityReport)
  CHIBO_SUPERVISION_RPC(GetComplianceReport, ReportRequest, ComplianceReport)
  CHIBO_SUPERVISION_RPC(GetCoverageReport, ReportRequest, CoverageReport)
  CHIBO_SUPERVISION_RPC(GetQualityReport, ReportRequest, QualityReport)
  CHIBO_SUPERVISION_RPC(ProposeVisitPlan, ProposeVisitPlanRequest, VisitPlan)
  CHIBO_SUPERVISION_RPC(GetVisitPlan, GetVisitPlanRequest, VisitPlan)
  CHIBO_SUPERVISION_RPC(UpdateVisitPlan, UpdateVisitPlanRequest, VisitPlan)
  CHIBO_SUPERVISION_RPC(ApproveVisitPlan, ApproveVisitPlanRequest, VisitPlan)
  CHIBO_SUPERVISION_RPC(ListVisitPlans, ListVisitPlansRequest, ListVisitPlansResponse)
  CHIBO_SUPERVISION_RPC(GetTeamReport, GetTeamReportRequest, TeamReport)
  CHIBO_SUPERVISION_RPC(PutTeamReportProposals, PutTeamReportProposalsRequest, TeamReport)
  CHIBO_SUPERVISION_RPC(ListReminders, ListRemindersRequest, ListRemindersResponse)
  CHIBO_SUPERVISION_RPC(GetReminder, GetReminderRequest, Reminder)
#undef CHIBO_SUPERVISION_RPC

 private:
  Supervision* supervision_;
  rpc::CallRunner* runner_;
};

}  // namespace chibo::supervision

#endif  // CHIBO_SERVICES_SUPERVISION_SUPERVISION_GRPC_H_
