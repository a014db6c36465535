#include "services/supervision/supervision_grpc.h"

namespace chibo::supervision {

// One line per RPC: its roles and the Supervision method doing the work.
#define CHIBO_RPC(Method, Request, Response, Roles)                                             \
  grpc::ServerUnaryReactor* SupervisionGrpcService::Method(                                     \
      grpc::CallbackServerContext* ctx, const v1::Request* req, v1::Response* resp) {           \
    return runner_->Unary(ctx, #Method, Roles, req, resp,                                       \
                          [this](const auth::Claims& c, const v1::Request& r, v1::Response* o) { \
                            return supervision_->Method(c, r, o);                               \
                          });                                                                   \
  }

CHIBO_RPC(CreateTeam, CreateTeamRequest, Team, kTeamWriters)
CHIBO_RPC(GetTeam, GetTeamRequest, Team, kReaders)
CHIBO_RPC(ListTeams, ListTeamsRequest, ListTeamsResponse, kReaders)
CHIBO_RPC(UpdateTeam, UpdateTeamRequest, Team, kTeamWriters)
CHIBO_RPC(AssignFollower, AssignFollowerRequest, FollowAssignment, kTeamWriters)
CHIBO_RPC(ListFollowAssignments, ListFollowAssignmentsRequest, ListFollowAssignmentsResponse, kReaders)
CHIBO_RPC(RecordVisit, RecordVisitRequest, Visit, kVisitWriters)
CHIBO_RPC(GetVisit, GetVisitRequest, Visit, kReaders)
CHIBO_RPC(ListVisits, ListVisitsRequest, ListVisitsResponse, kReaders)
CHIBO_RPC(UpdateRecommendation, UpdateRecommendationRequest, Visit, kFollowUpWriters)
CHIBO_RPC(GetActivityReport, ReportRequest, ActivityReport, kReaders)
CHIBO_RPC(GetComplianceReport, ReportRequest, ComplianceReport, kReaders)
CHIBO_RPC(GetCoverageReport, ReportRequest, CoverageReport, kReaders)
CHIBO_RPC(GetQualityReport, ReportRequest, QualityReport, kReaders)
CHIBO_RPC(ProposeVisitPlan, ProposeVisitPlanRequest, VisitPlan, kVisitWriters)
CHIBO_RPC(GetVisitPlan, GetVisitPlanRequest, VisitPlan, kReaders)
CHIBO_RPC(UpdateVisitPlan, UpdateVisitPlanRequest, VisitPlan, kVisitWriters)
CHIBO_RPC(ApproveVisitPlan, ApproveVisitPlanRequest, VisitPlan, kTeamWriters)
CHIBO_RPC(ListVisitPlans, ListVisitPlansRequest, ListVisitPlansResponse, kReaders)
CHIBO_RPC(GetTeamReport, GetTeamReportRequest, TeamReport, kReaders)
CHIBO_RPC(PutTeamReportProposals, PutTeamReportProposalsRequest, TeamReport, kVisitWriters)
CHIBO_RPC(ListReminders, ListRemindersRequest, ListRemindersResponse, kReaders)
CHIBO_RPC(GetReminder, GetReminderRequest, Reminder, kReaders)

#undef CHIBO_RPC

}  // namespace chibo::supervision
