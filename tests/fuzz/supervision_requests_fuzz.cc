// Request validation of supervision: every SupervisionService request type
// into CheckRequestLimits, then into chibo::supervision::Supervision itself
// on a temp SQLite database, calling a seeded registry and scheduling served
// in this process (served_services.h; request_fuzz.h says what is checked).
// xa-a1 has a team (tm-1: m1 leading, m2) and m1 follows cb-1; the team
// visited cb-1's recorded meeting mt-past (visit vs-1).
#include "absl/time/clock.h"
#include "common/clients/scheduling_client.h"
#include "common/concurrency/call_deadline.h"
#include "common/journal/journaled_write.h"
#include "common/rpc/client.h"
#include "common/time/dates.h"
#include "migrations/supervision_migrations.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_grpc.h"
#include "tests/fuzz/request_fuzz.h"
#include "tests/fuzz/served_services.h"

namespace chibo::fuzz {
namespace {

namespace v1 = ::chibo::supervision::v1;
using auth::Role;

struct SupervisionWorld {
  std::unique_ptr<FuzzDatabase> database;
  std::unique_ptr<clients::RegistryClient> registry_client;
  std::unique_ptr<clients::SchedulingClient> scheduling_client;
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<supervision::Supervision> supervision;

  void Rebuild() {
    supervision.reset();
    cache.reset();
    cache::CacheOptions options;
    options.name = "supervision-fuzz";
    cache = std::make_unique<cache::Cache>(nullptr, options);
    supervision = std::make_unique<supervision::Supervision>(
        &database->db(), cache.get(), registry_client.get(), scheduling_client.get());
  }
};

}  // namespace

Service* MakeService() {
  static auto registry = StartSeededRegistry();
  static ServedScheduling scheduling(registry->port());
  static SupervisionWorld w;
  static std::vector<auth::Claims> callers = {
      Caller(Role::kAdmin, "tinh", "admin"), Caller(Role::kSupervisor, "huyen-a", "m1"),
      Caller(Role::kSecretary, "cb-1", "secretary-cb-1"),
      Caller(Role::kViewer, "xa-a1", "viewer-xa-a1"), Caller(Role::kAdmin, "huyen-b", "admin-huyen-b"),
      Caller(Role::kService, "tinh", "service")};
  w.database = std::make_unique<FuzzDatabase>(
      "supervision",
      FuzzDatabase::MigrationSet{{"journal", journal::JournalMigrations()},
                                 {"supervision", migrations::SupervisionMigrations()}});
  w.registry_client = std::make_unique<clients::RegistryClient>(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", registry->port()), "chibo.registry.v1.RegistryService"));
  w.scheduling_client = std::make_unique<clients::SchedulingClient>(scheduling.channel());
  w.Rebuild();

  {  // the seeded team, follower and visit
    v1::CreateTeamRequest team;
    team.mutable_team()->set_id("tm-1");
    team.mutable_team()->set_name("Tổ dự sinh hoạt xã");
    team.mutable_team()->set_owner_org_id("xa-a1");
    team.mutable_team()->set_leader_member_id("m1");
    team.mutable_team()->add_member_ids("m1");
    team.mutable_team()->add_member_ids("m2");
    v1::Team team_out;
    MustOk(w.supervision->CreateTeam(callers[0], team, &team_out), "team");
    v1::AssignFollowerRequest follow;
    follow.mutable_assignment()->set_member_id("m1");
    follow.mutable_assignment()->set_cell_id("cb-1");
    follow.mutable_assignment()->set_from_date("2020-01-01");
    v1::FollowAssignment follow_out;
    MustOk(w.supervision->AssignFollower(callers[0], follow, &follow_out), "follower");
    v1::RecordVisitRequest visit;
    visit.mutable_visit()->set_id("vs-1");
    visit.mutable_visit()->set_meeting_id("mt-past");
    visit.mutable_visit()->set_team_id(team_out.id());
    visit.mutable_visit()->add_attendee_member_ids("m1");
    auto* score = visit.mutable_visit()->add_scores();
    score->set_criterion("Tỷ lệ đảng viên dự họp");
    score->set_points(80);
    score->set_max_points(100);
    visit.mutable_visit()->add_recommendations()->set_text("Chuẩn bị nội dung kỹ hơn");
    v1::Visit visit_out;
    MustOk(w.supervision->RecordVisit(callers[0], visit, &visit_out), "visit");
  }
  w.database->Save();

  auto* s = new Service;
  s->descriptor = ServiceNamed("chibo.supervision.v1.SupervisionService");
  s->callers = {"admin", "supervisor", "secretary", "viewer", "other-admin", "service"};
  const std::string year = std::to_string(time::Today().year());
  s->words = {"tinh", "huyen-a", "xa-a1", "cb-1", "cb-2", "cb-b", "nope", "m1", "m2", "m3", "m5",
              "m6", "m7", "tm-1", "tm-2", "vs-1", "vs-2", "mt-past", "ls-cb-1", "req-1", "req-2",
              Day(-3), Day(-10), Day(0), Day(1), Day(30), Day(-400), year, year + "-Q1",
              year + "-H2", year + "-" + Day(0).substr(5, 2), "MIN_COST_FLOW", "GREEDY", "name", "leader_member_id",
              "member_ids"};
  s->reset = [] {
    w.database->Restore();
    w.Rebuild();
  };
  s->reset_every = 2000;

#define CHIBO_FUZZ_RPC(Method, Request, Response, Roles)                                      \
  s->methods.push_back({#Method, &v1::Request::default_instance(),                            \
                        [](int caller, const google::protobuf::Message& m) -> absl::Status {  \
                          const auth::Claims& c = callers[caller];                            \
                          if (!c.HasAnyRole(supervision::Roles)) {                            \
                            return absl::PermissionDeniedError("role");                       \
                          }                                                                   \
                          concurrency::ScopedDeadline deadline(absl::Now() + absl::Seconds(20)); \
                          v1::Response out;                                                   \
                          return w.supervision->Method(c, static_cast<const v1::Request&>(m), &out); \
                        }});
  CHIBO_FUZZ_RPC(CreateTeam, CreateTeamRequest, Team, kTeamWriters)
  CHIBO_FUZZ_RPC(GetTeam, GetTeamRequest, Team, kReaders)
  CHIBO_FUZZ_RPC(ListTeams, ListTeamsRequest, ListTeamsResponse, kReaders)
  CHIBO_FUZZ_RPC(UpdateTeam, UpdateTeamRequest, Team, kTeamWriters)
  CHIBO_FUZZ_RPC(AssignFollower, AssignFollowerRequest, FollowAssignment, kTeamWriters)
  CHIBO_FUZZ_RPC(ListFollowAssignments, ListFollowAssignmentsRequest, ListFollowAssignmentsResponse,
                 kReaders)
  CHIBO_FUZZ_RPC(RecordVisit, RecordVisitRequest, Visit, kVisitWriters)
  CHIBO_FUZZ_RPC(GetVisit, GetVisitRequest, Visit, kReaders)
  CHIBO_FUZZ_RPC(ListVisits, ListVisitsRequest, ListVisitsResponse, kReaders)
  CHIBO_FUZZ_RPC(UpdateRecommendation, UpdateRecommendationRequest, Visit, kFollowUpWriters)
  CHIBO_FUZZ_RPC(GetActivityReport, ReportRequest, ActivityReport, kReaders)
  CHIBO_FUZZ_RPC(GetComplianceReport, ReportRequest, ComplianceReport, kReaders)
  CHIBO_FUZZ_RPC(GetCoverageReport, ReportRequest, CoverageReport, kReaders)
  CHIBO_FUZZ_RPC(GetQualityReport, ReportRequest, QualityReport, kReaders)
  CHIBO_FUZZ_RPC(ProposeVisitPlan, ProposeVisitPlanRequest, VisitPlan, kVisitWriters)
  CHIBO_FUZZ_RPC(GetVisitPlan, GetVisitPlanRequest, VisitPlan, kReaders)
  CHIBO_FUZZ_RPC(UpdateVisitPlan, UpdateVisitPlanRequest, VisitPlan, kVisitWriters)
  CHIBO_FUZZ_RPC(ApproveVisitPlan, ApproveVisitPlanRequest, VisitPlan, kTeamWriters)
  CHIBO_FUZZ_RPC(ListVisitPlans, ListVisitPlansRequest, ListVisitPlansResponse, kReaders)
  CHIBO_FUZZ_RPC(GetTeamReport, GetTeamReportRequest, TeamReport, kReaders)
  CHIBO_FUZZ_RPC(PutTeamReportProposals, PutTeamReportProposalsRequest, TeamReport, kVisitWriters)
  CHIBO_FUZZ_RPC(ListReminders, ListRemindersRequest, ListRemindersResponse, kReaders)
  CHIBO_FUZZ_RPC(GetReminder, GetReminderRequest, Reminder, kReaders)
#undef CHIBO_FUZZ_RPC
  return s;
}

}  // namespace chibo::fuzz
