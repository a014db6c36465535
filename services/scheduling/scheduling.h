// Meeting scheduling's business logic (lịch và nội dung sinh hoạt chi bộ): a
// plain class that knows nothing of gRPC. Every method validates its request
// (INVALID_ARGUMENT naming the fields), checks through the registry that the
// cell lies in the caller's scope, and answers. Writes go through the journal
// (one transaction, idempotent on request_id, audited), lock the cell's own
// version row (serializing writers of one cell, never of two cells) and
// rewrite the cell's fold rows of the years they touch (cell_facts.h), from
// which SummarizeMeetings computes report figures (docs/reports.md).
#ifndef CHIBO_SERVICES_SCHEDULING_SCHEDULING_H_
#define CHIBO_SERVICES_SCHEDULING_SCHEDULING_H_

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "chibo/scheduling/v1/scheduling.pb.h"
#include "common/auth/claims.h"
#include "common/cache/cache.h"
#include "common/clients/registry_client.h"
#include "common/db/change_stamp.h"
#include "common/db/database.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"

namespace chibo::scheduling {

// Who may call what.
inline constexpr auth::RoleSet kReaders = auth::kAllRoles;
// The cell's own officers and administrators keep its schedule and records.
inline constexpr auth::RoleSet kMeetingWriters =
    auth::RoleBit(auth::Role::kAdmin) | auth::RoleBit(auth::Role::kSecretary) |
    auth::RoleBit(auth::Role::kService);
// The superior committee reviews thematic plans.
inline constexpr auth::RoleSet kPlanReviewers =
    auth::RoleBit(auth::Role::kAdmin) | auth::RoleBit(auth::Role::kSupervisor);

// Series are kept materialized this many months ahead of today.
inline constexpr int kDefaultScheduleHorizonMonths = 13;

// `day` plus `months` months, on the same day of the month or the month's
// last day when it has fewer (31 January + 1 month = 28/29 February).
absl::CivilDay AddMonths(absl::CivilDay day, int months);
// The horizon: series materialized up to a day before
// HorizonDay(today, months) = AddMonths(today, months) are extended, to
// HorizonEnd = the last day of that month (so a daily pass extends a series
// about once a month), never past the planning limit (kMaxPlanYearsAhead).
absl::CivilDay HorizonDay(absl::CivilDay today, int months);
absl::CivilDay HorizonEnd(absl::CivilDay today, int months);

class Scheduling {
 public:
  // `cache` keeps meeting summaries, each checked against the folds'
  // change stamps on every read.
  Scheduling(db::Database* db, clients::RegistryClient* registry, cache::Cache* cache);

  // cell_facts.cc: folds every (unit, year) that has meetings but no fold
  // row yet — once, at start-up after an upgrade.
  absl::Status FoldUnfoldedCellYears();
  // cell_facts.cc: fills the roll_call column of held meetings recorded
  // before it existed (migration 0006) from their attendance rows — once, at
  // start-up after the upgrade, before anything is folded.
  absl::Status FillMissingRollCalls();

  // meeting_summary.cc
  absl::Status SummarizeMeetings(const auth::Claims& caller,
                                 const v1::SummarizeMeetingsRequest& request,
                                 v1::MeetingSummary* response);

  // series.cc
  absl::Status CreateSeries(const auth::Claims& caller, const v1::CreateSeriesRequest& request,
                            v1::MeetingSeries* response);
  absl::Status GetSeries(const auth::Claims& caller, const v1::GetSeriesRequest& request,
                         v1::MeetingSeries* response);
  absl::Status ListSeries(const auth::Claims& caller, const v1::ListSeriesRequest& request,
                          v1::ListSeriesResponse* response);
  absl::Status ExtendSeries(const auth::Claims& caller, const v1::ExtendSeriesRequest& request,
                            v1::MeetingSeries* response);

  // series.cc: the rolling horizon (--schedule_horizon_months). Series are
  // kept materialized `months` months ahead of today without anyone asking
  // (0 turns the pass off; CreateSeries' default materialize_until is the
  // horizon whatever it is).
  void SetScheduleHorizonMonths(int months) { horizon_months_ = months; }
  int schedule_horizon_months() const { return horizon_months_; }
  struct HorizonPass {
    int series_short = 0;          // materialized short of the horizon when the pass began
    int extended = 0;              // moved to the horizon by this pass
    int meetings_added = 0;
    int occurrences_skipped = 0;   // left out: the cell already has a meeting at that time
    std::vector<std::pair<std::string, absl::Status>> failures;  // series, why (the first 20)
    int failed = 0;
  };
  // Extends every series whose materialized_until is before HorizonDay(today)
  // to HorizonEnd(today): one transaction per series that takes the cell's
  // lock, re-reads the series and materializes only the occurrences after
  // its materialized_until that do not exist yet, folding the years they
  // fall in. Meetings already materialized (moved, postponed, recorded) are
  // never touched. Safe to run at once on several replicas: the second to
  // take a cell's lock finds the series at the horizon and writes nothing.
  // `stopping`, asked between two series, ends the pass early.
  absl::StatusOr<HorizonPass> ExtendSeriesToHorizon(absl::CivilDay today,
                                                    const std::function<bool()>& stopping = nullptr);

  // meetings.cc
  absl::Status BatchCreateMeetings(const auth::Claims& caller, const v1::BatchCreateMeetingsRequest& request,
                                   v1::BatchCreateMeetingsResponse* response);
  absl::Status CreateMeeting(const auth::Claims& caller, const v1::CreateMeetingRequest& request,
                             v1::Meeting* response);
  absl::Status GetMeeting(const auth::Claims& caller, const v1::GetMeetingRequest& request,
                          v1::Meeting* response);
  absl::Status ListMeetings(const auth::Claims& caller, const v1::ListMeetingsRequest& request,
                            v1::ListMeetingsResponse* response);
  absl::Status UpdateMeeting(const auth::Claims& caller, const v1::UpdateMeetingRequest& request,
                             v1::Meeting* response);
  absl::Status PostponeMeeting(const auth::Claims& caller,
                               const v1::ChangeMeetingStatusRequest& request,
                               v1::Meeting* response);
  absl::Status CancelMeeting(const auth::Claims& caller,
                             const v1::ChangeMeetingStatusRequest& request, v1::Meeting* response);
  absl::Status ApproveMinutes(const auth::Claims& caller,
                              const v1::ChangeMeetingStatusRequest& request,
                              v1::Meeting* response);

  // recording.cc
  absl::Status RecordMeeting(const auth::Claims& caller, const v1::RecordMeetingRequest& request,
                             v1::Meeting* response);
  absl::Status BatchRecordMeetings(const auth::Claims& caller, const v1::BatchRecordMeetingsRequest& request,
                                   v1::BatchRecordMeetingsResponse* response);

  // thematic_plans.cc
  absl::Status PutThematicPlan(const auth::Claims& caller,
                               const v1::PutThematicPlanRequest& request,
                               v1::ThematicPlan* response);
  // members_at_risk.cc
  absl::Status ListMembersAtRisk(const auth::Claims& caller, const v1::ListMembersAtRiskRequest& request,
                                 v1::ListMembersAtRiskResponse* response);
  absl::Status ListThematicPlans(const auth::Claims& caller,
                                 const v1::ListThematicPlansRequest& request,
                                 v1::ListThematicPlansResponse* response);
  absl::Status GetThematicPlan(const auth::Claims& caller,
                               const v1::GetThematicPlanRequest& request,
                               v1::ThematicPlan* response);
  absl::Status SubmitThematicPlan(const auth::Claims& caller,
                                  const v1::ThematicPlanActionRequest& request,
                                  v1::ThematicPlan* response);
  absl::Status ReviewThematicPlan(const auth::Claims& caller,
                                  const v1::ReviewThematicPlanRequest& request,
                                  v1::ThematicPlan* response);

  // calendar_export.cc
  absl::Status ExportCalendar(const auth::Claims& caller, const v1::ExportCalendarRequest& request,
                              v1::CalendarExport* response);

  // meeting_facts.cc
  absl::StatusOr<std::vector<v1::MeetingFact>> CollectMeetingFacts(
      const auth::Claims& caller, const v1::StreamMeetingFactsRequest& request);
  absl::Status GetDataVersion(const auth::Claims& caller, const v1::GetDataVersionRequest& request,
                              v1::DataVersion* response);

 private:
  // recording.cc: a record checked before its transaction (the planned
  // meeting, its day's roster, the roll call's counts), then written.
  struct CheckedRecord;
  // With `of_cell`, a meeting of another cell is refused (INVALID_ARGUMENT on "id").
  absl::StatusOr<CheckedRecord> CheckRecord(const auth::Claims& caller, const v1::RecordMeetingRequest& request,
                                            absl::string_view of_cell = "");
  // The meeting recorded, as planned (NOT_FOUND, or another cell's with `of_cell`).
  absl::StatusOr<v1::Meeting> PlannedMeeting(const v1::RecordMeetingRequest& request, absl::string_view of_cell);
  // The record judged against the roster of the meeting's day.
  absl::StatusOr<CheckedRecord> CheckAgainst(const v1::RecordMeetingRequest& request, v1::Meeting planned,
                                             registry::v1::Roster roster);
  // Everything but the cell's lock and fold, which the caller takes and folds.
  absl::Status WriteRecord(db::Session& s, const v1::RecordMeetingRequest& request,
                           const CheckedRecord& checked, v1::Meeting* response, journal::AuditNote* note);
  // meetings.cc: CreateMeeting's checks of one meeting (no I/O), and its row
  // written (the caller locks the cell before and folds its years after).
  void CheckNewMeeting(const v1::CreateMeetingRequest& request, errors::FieldViolations& v) const;
  absl::Status WriteNewMeeting(db::Session& s, const v1::Meeting& in, v1::Meeting* response,
                               journal::AuditNote* note);
  // meetings.cc: the meeting row and its record, read inside `s`.
  absl::StatusOr<v1::Meeting> LoadMeeting(db::Session& s, absl::string_view id);
  // The meeting's own tasks and its reviews of earlier ones, appended to `m`.
  absl::Status LoadTasksAndReviews(db::Session& s, v1::Meeting* m);
  // A planned meeting of the same cell overlapping [starts, ends), other
  // than `except_id`: FAILED_PRECONDITION naming it.
  absl::Status CheckNoOverlap(db::Session& s, absl::string_view cell_id, int64_t starts_unix,
                              int64_t ends_unix, absl::string_view except_id);
  // The cell's live meetings (planned, held, approved) overlapping
  // [from, to), in one read: a series' occurrences are checked against them
  // in memory, not with one query each.
  absl::Status ForEachLiveMeetingBetween(db::Session& s, absl::string_view cell_id, int64_t from_unix,
                                         int64_t to_unix,
                                         const std::function<void(const db::Row&)>& each);
  // The first statement of a write to a cell's meetings: writers of one
  // cell queue on its own row.
  absl::Status LockCell(db::Session& s, absl::string_view cell_id);
  // cell_facts.cc: rewrites the cell's fold row of each of `years` from its
  // meetings, inside the write; and of each of `if_held` that has a held
  // meeting (a later year whose absence runs a roll call may change).
  absl::Status FoldCellYears(db::Session& s, absl::string_view cell_id, const std::set<int>& years,
                             const std::set<int>& if_held = {});
  // The same for the years from `from` to `to` in which the cell has
  // meetings (a series' materialized span).
  absl::Status FoldCellYearsWithMeetings(db::Session& s, absl::string_view cell_id, int from, int to);
  // meeting_summary.cc
  // Figures that depend on the day (months begun, meetings overdue) are as of `on`.
  absl::StatusOr<v1::MeetingSummary> BuildSummary(const clients::OrgTree& tree, int root,
                                                  absl::CivilMonth first, int months, absl::CivilDay on);
  absl::Status ChangeStatus(const auth::Claims& caller, absl::string_view method,
                            const v1::ChangeMeetingStatusRequest& request,
                            v1::MeetingStatus to, v1::Meeting* response);
  // The cell a meeting belongs to (NOT_FOUND when there is no such meeting).
  absl::StatusOr<std::string> CellOfMeeting(absl::string_view meeting_id);
  // The registry's current tree, once the caller's scope holds `cell_id` on
  // it: a write's scope check and its meeting-day checks share it (one
  // version check a request, not one a meeting).
  absl::StatusOr<clients::RegistryClient::TreePtr> TreeInScope(const auth::Claims& caller,
                                                               absl::string_view cell_id);
  // Refuses, naming `field`, a meeting day on which the cell is not open on
  // `tree` (before it was founded, from its closing on), or past CheckPlanHorizon.
  absl::Status CheckMeetingDay(const clients::OrgTree& tree, absl::string_view cell_id,
                               absl::CivilDay day, const std::string& field);
  // The ids of the cells (and committees) of a subtree on a date.
  absl::StatusOr<std::vector<std::string>> UnitsOfSubtree(const auth::Claims& caller,
                                                          absl::string_view org_id,
                                                          absl::string_view date);

  db::Database* db_;
  clients::RegistryClient* registry_;
  cache::Cache* cache_;
  db::ChangeStamps fold_stamps_;  // cell_year_facts, by year
  std::string upsert_fold_sql_;
  int horizon_months_ = kDefaultScheduleHorizonMonths;
};

// Minutes between two local times "YYYY-MM-DDTHH:MM" (both valid).
int64_t MinutesBetween(absl::string_view from, absl::string_view to);

}  // namespace chibo::scheduling

#endif  // CHIBO_SERVICES_SCHEDULING_SCHEDULING_H_
