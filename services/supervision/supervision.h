// Supervision's business logic (dự sinh hoạt chi bộ): a plain class that
// knows nothing of gRPC. Teams and visits live in its own database; meetings
// come from scheduling and the tree, members and rulebook from the registry,
// over gRPC with the caller's token (so their scope rules apply too).
// Reports are computed over the tree as it was in each month (a local copy,
// checked against the registry's tree version on every use): the activity
// report from the visits here, the compliance report from scheduling's
// meeting summary. Cached reports carry the watermark of the data they came
// from and are checked against it on every read (docs/reports.md).
#ifndef CHIBO_SERVICES_SUPERVISION_SUPERVISION_H_
#define CHIBO_SERVICES_SUPERVISION_SUPERVISION_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "chibo/supervision/v1/supervision.pb.h"
#include "common/auth/claims.h"
#include "common/cache/cache.h"
#include "common/cache/near_cache.h"
#include "common/clients/registry_client.h"
#include "common/clients/scheduling_client.h"
#include "common/db/change_stamp.h"
#include "common/db/database.h"
#include "common/time/period.h"

namespace chibo::supervision {

// Report periods (common/time/period.h).
using time::ParsePeriod;
using time::Period;

inline constexpr auth::RoleSet kReaders = auth::kAllRoles;
// Committees form teams and assign followers.
inline constexpr auth::RoleSet kTeamWriters =
    auth::RoleBit(auth::Role::kAdmin) | auth::RoleBit(auth::Role::kService);
// Supervisors record their visits.
inline constexpr auth::RoleSet kVisitWriters = auth::RoleBit(auth::Role::kAdmin) |
                                               auth::RoleBit(auth::Role::kSupervisor) |
                                               auth::RoleBit(auth::Role::kService);
// The cell reports its follow-up of recommendations.
inline constexpr auth::RoleSet kFollowUpWriters =
    kVisitWriters | auth::RoleBit(auth::Role::kSecretary);

// One visit as reports see it.
struct VisitFact {
  std::string id, team_id, owner_org_id, unit_id, date, meeting_id;
  std::string supervisor_member_id, supervisor_name;  // when one supervisor went alone
  v1::SupervisionLevel level = v1::SUPERVISION_LEVEL_UNSPECIFIED;
  registry::v1::OrgUnitKind unit_kind = registry::v1::ORG_UNIT_KIND_UNSPECIFIED;
  scheduling::v1::MeetingKind meeting_kind = scheduling::v1::MEETING_KIND_UNSPECIFIED;
  bool remote = false;
  int score = 0;  // out of 100
  v1::Grade grade = v1::GRADE_UNSPECIFIED;  // unspecified: not scored
};

// A report request checked: its period, the local tree and the unit in it.
struct ReportScope {
  Period period;
  clients::RegistryClient::TreePtr tree;
  int root = clients::OrgTree::kNone;
};

// Names of teams and of their owning committees (for "the most by one" lines).
struct TeamDirectory {
  std::map<std::string, std::string> team_names, owner_names;
  std::map<std::string, std::string> team_owners;  // team id → owning committee's id
};

struct PlanInputs;  // visit_plans.cc

class Supervision {
 public:
  Supervision(db::Database* db, cache::Cache* report_cache, clients::RegistryClient* registry,
              clients::SchedulingClient* scheduling);

  // teams.cc
  absl::Status CreateTeam(const auth::Claims& caller, const v1::CreateTeamRequest& request,
                          v1::Team* response);
  absl::Status GetTeam(const auth::Claims& caller, const v1::GetTeamRequest& request,
                       v1::Team* response);
  absl::Status ListTeams(const auth::Claims& caller, const v1::ListTeamsRequest& request,
                         v1::ListTeamsResponse* response);
  absl::Status UpdateTeam(const auth::Claims& caller, const v1::UpdateTeamRequest& request,
                          v1::Team* response);
  absl::Status AssignFollower(const auth::Claims& caller, const v1::AssignFollowerRequest& request,
                              v1::FollowAssignment* response);
  absl::Status ListFollowAssignments(const auth::Claims& caller,
                                     const v1::ListFollowAssignmentsRequest& request,
                                     v1::ListFollowAssignmentsResponse* response);

  // visits.cc
  absl::Status RecordVisit(const auth::Claims& caller, const v1::RecordVisitRequest& request,
                           v1::Visit* response);
  absl::Status GetVisit(const auth::Claims& caller, const v1::GetVisitRequest& request,
                        v1::Visit* response);
  absl::Status ListVisits(const auth::Claims& caller, const v1::ListVisitsRequest& request,
                          v1::ListVisitsResponse* response);
  absl::Status UpdateRecommendation(const auth::Claims& caller,
                                    const v1::UpdateRecommendationRequest& request,
                                    v1::Visit* response);

  // activity_report.cc, compliance_report.cc
  absl::Status GetActivityReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                 v1::ActivityReport* response);
  absl::Status GetComplianceReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                   v1::ComplianceReport* response);
  // The compliance report, and the registry tree version it was computed on
  // (confirmed current by scheduling while it answered). `meanwhile` runs
  // once while scheduling's answer travels (unless the request is invalid),
  // for the caller's own lookups.
  absl::StatusOr<std::string> ComplianceAndTreeVersion(
      const auth::Claims& caller, const v1::ReportRequest& request, v1::ComplianceReport* response,
      absl::FunctionRef<void()> meanwhile = [] {});
  // report_keys.cc: validates `request` (org_unit_id, period), checks the
  // caller's scope on the local tree and finds the unit in it. With
  // `tree_version`, a copy in hand at least that new is used without asking
  // the registry (see RegistryClient::TreeAtLeast).
  absl::StatusOr<ReportScope> OpenReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                         absl::string_view tree_version = "");
  // coverage_report.cc
  absl::Status GetCoverageReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                 v1::CoverageReport* response);
  // quality_report.cc
  absl::Status GetQualityReport(const auth::Claims& caller, const v1::ReportRequest& request,
                                v1::QualityReport* response);

  // visit_plans.cc
  absl::Status ProposeVisitPlan(const auth::Claims& caller, const v1::ProposeVisitPlanRequest& request,
                                v1::VisitPlan* response);
  absl::Status GetVisitPlan(const auth::Claims& caller, const v1::GetVisitPlanRequest& request,
                            v1::VisitPlan* response);
  absl::Status ListVisitPlans(const auth::Claims& caller, const v1::ListVisitPlansRequest& request,
                              v1::ListVisitPlansResponse* response);
  absl::Status UpdateVisitPlan(const auth::Claims& caller, const v1::UpdateVisitPlanRequest& request,
                               v1::VisitPlan* response);
  absl::Status ApproveVisitPlan(const auth::Claims& caller, const v1::ApproveVisitPlanRequest& request,
                                v1::VisitPlan* response);

  // team_report.cc
  absl::Status GetTeamReport(const auth::Claims& caller, const v1::GetTeamReportRequest& request,
                             v1::TeamReport* response);
  absl::Status PutTeamReportProposals(const auth::Claims& caller,
                                      const v1::PutTeamReportProposalsRequest& request,
                                      v1::TeamReport* response);

  // reminders.cc. ScanReminders raises what is late in the caller's province
  // on `today` and resolves what no longer is; the service runs it on a
  // timer with a service token (main.cc), tests call it directly.
  struct ReminderScan {
    int outstanding = 0;  // items late today
    int raised = 0;       // reminders raised by this scan
    int resolved = 0;     // reminders whose item is no longer late
  };
  absl::StatusOr<ReminderScan> ScanReminders(const auth::Claims& service_caller, absl::CivilDay today);
  absl::Status ListReminders(const auth::Claims& caller, const v1::ListRemindersRequest& request,
                             v1::ListRemindersResponse* response);
  absl::Status GetReminder(const auth::Claims& caller, const v1::GetReminderRequest& request,
                           v1::Reminder* response);

 private:
  absl::Status BuildTeamReport(const auth::Claims& caller, const std::string& team_id, const Period& period,
                               v1::TeamReport* out);
  absl::StatusOr<v1::Team> ReadTeam(db::Session& s, absl::string_view id);
  // Who a visit is by: a team, or one supervisor on behalf of a committee.
  struct Visitor {
    std::string owner_org_id, name;
    v1::SupervisionLevel level = v1::SUPERVISION_LEVEL_UNSPECIFIED;
    std::set<std::string> members;  // who may be listed as attending
  };
  absl::StatusOr<Visitor> ResolveVisitor(const auth::Claims& caller, const v1::Visit& visit);
  absl::Status CheckLoneSupervisor(const auth::Claims& caller, const v1::Visit& in,
                                   absl::string_view cell_id, absl::string_view date);
  absl::StatusOr<v1::Visit> ReadVisit(db::Session& s, absl::string_view id);
  // Appends the visit's recommendations (in the order they were made).
  absl::Status AddRecommendations(db::Session& s, v1::Visit* visit);
  // Visits dated in [from, to], every one (filtered by the caller).
  absl::StatusOr<std::vector<VisitFact>> VisitsInPeriod(absl::string_view from,
                                                        absl::string_view to);
  absl::StatusOr<TeamDirectory> Teams();
  // What a plan of `owner` for `period` is made from, fresh: its teams,
  // the meetings they may attend from `from_date`, what is taken already
  // (recorded visits, other approved plans but `plan_id`), the priorities.
  absl::Status LoadPlanInputs(const auth::Claims& caller, const std::string& owner, const Period& period,
                              const std::string& from_date, int max_visits_per_team,
                              const std::string& plan_id, PlanInputs* out);
  // Moves with every team write (their names appear in reports).
  absl::StatusOr<std::string> TeamsVersion();

  db::Database* db_;
  cache::Cache* report_cache_;
  clients::RegistryClient* registry_;
  clients::SchedulingClient* scheduling_;
  db::ChangeStamps visit_stamps_;  // visits, by visit_year
  std::string insert_visit_sql_, touch_visit_sql_;
  // Compliance reports built here, as "<summary data version>\n<report>",
  // by unit and period: served again while scheduling answers that data
  // version "not modified" (checked on every read, so never stale).
  cache::NearCache built_compliance_{1000};
};

// The coverage report of `root`'s subtree over `period` from its visits
// (coverage_report.cc; the activity report's paragraph uses it too).
void CoverageOf(const clients::OrgTree& t, int root, const Period& period, const std::vector<VisitFact>& visits,
                v1::CoverageReport* out);
// A team from its row (id, name, owner_org_id, level, leader_member_id,
// member_ids_json, version: sql::kSelectTeam, kSelectAllTeams).
v1::Team TeamFromRow(const db::Row& row);
// The grade of a score by the rulebook's cut-offs.
v1::Grade GradeOf(int score, const registry::v1::Rules& rules);
// The supervising level of a committee of this kind.
v1::SupervisionLevel LevelOfOwner(registry::v1::OrgUnitKind kind);

}  // namespace chibo::supervision

#endif  // CHIBO_SERVICES_SUPERVISION_SUPERVISION_H_
