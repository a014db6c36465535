// Recording what happened at a meeting (ghi biên bản): times, attendance
// checked against the registry's roster for the meeting's date, guests,
// speakers and opinions, the resolution and its tasks, the review of earlier
// tasks, and the cell's self-grade.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/cell_facts.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {
namespace {

using errors::FieldViolations;
namespace rv1 = ::chibo::registry::v1;

// A meeting held up to a week off its planned day is recorded as is; further
// off, it is rescheduled first (UpdateMeeting), so the plan stays true.
constexpr int kMaxRecordShiftDays = 7;
// A resolution's task falls due within two years of the meeting.
constexpr int kMaxTaskYearsAhead = 2;

void CheckRecordShape(const v1::RecordMeetingRequest& r, FieldViolations& v) {
  v.RequireNonEmpty("id", r.id());
  const bool start_ok = time::IsValidLocalMinute(r.actual_start());
  const bool end_ok = time::IsValidLocalMinute(r.actual_end());
  if (!start_ok) v.Add("actual_start", "giờ địa phương YYYY-MM-DDTHH:MM / local time YYYY-MM-DDTHH:MM");
  if (!end_ok) v.Add("actual_end", "giờ địa phương YYYY-MM-DDTHH:MM / local time YYYY-MM-DDTHH:MM");
  if (start_ok && end_ok) {
    const int64_t minutes = MinutesBetween(r.actual_start(), r.actual_end());
    if (minutes <= 0) v.Add("actual_end", "phải sau actual_start / must be after actual_start");
    if (minutes > 24 * 60) v.Add("actual_end", "dài quá một ngày / longer than a day");
  }
  if (r.attendance().empty()) v.Add("attendance", "bắt buộc: điểm danh / required: the roll call");
  std::set<std::string> seen;
  for (int i = 0; i < r.attendance_size(); ++i) {
    const auto& a = r.attendance(i);
    const std::string f = absl::StrCat("attendance[", i, "]");
    if (a.member_id().empty()) v.Add(f + ".member_id", "bắt buộc / required");
    if (!seen.insert(a.member_id()).second) v.Add(f + ".member_id", "trùng / listed twice");
    if (a.mark() == v1::ATTENDANCE_MARK_UNSPECIFIED || !v1::AttendanceMark_IsValid(a.mark())) {
      v.Add(f + ".mark", "PRESENT, ABSENT_EXCUSED hoặc ABSENT_UNEXCUSED");
    }
    if (a.mark() == v1::ABSENT_EXCUSED && a.reason().empty()) {
      v.Add(f + ".reason", "vắng có lý do phải ghi lý do / an excused absence needs its reason");
    }
    v.CheckLength(f + ".reason", a.reason(), 500);
  }
  for (int i = 0; i < r.guests_size(); ++i) {
    v.RequireNonEmpty(absl::StrCat("guests[", i, "].name"), r.guests(i).name());
    v.CheckLength(absl::StrCat("guests[", i, "].name"), r.guests(i).name(), 300);
  }
  if (r.speakers() < 0) v.Add("speakers", "không âm / must be ≥ 0");
  if (r.opinions() < 0) v.Add("opinions", "không âm / must be ≥ 0");
  if (r.opinions() < r.speakers()) v.Add("opinions", "ít hơn số người phát biểu / fewer than speakers");
  if (r.self_score() < 0 || r.self_score() > 100) v.Add("self_score", "0..100");
  v.CheckLength("resolution", r.resolution(), 20000);
  for (int i = 0; i < r.tasks_size(); ++i) {
    const std::string f = absl::StrCat("tasks[", i, "]");
    v.RequireNonEmpty(f + ".assignee_member_id", r.tasks(i).assignee_member_id());
    v.RequireNonEmpty(f + ".description", r.tasks(i).description());
    v.CheckLength(f + ".description", r.tasks(i).description(), 2000);
    v.CheckDate(f + ".due_on", r.tasks(i).due_on(), false);
  }
  for (int i = 0; i < r.task_reviews_size(); ++i) {
    v.RequireNonEmpty(absl::StrCat("task_reviews[", i, "].task_id"), r.task_reviews(i).task_id());
  }
  if (!journal::IsValidRequestId(r.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
}

struct AttendanceCounts {
  int present = 0, absent_excused = 0, absent_unexcused = 0;
};

// The roll call against the roster: everyone marked must be on it, everyone
// it expects must be marked, assignees must be on it.
absl::StatusOr<AttendanceCounts> CheckAgainstRoster(const v1::RecordMeetingRequest& r,
                                                    const rv1::Roster& roster,
                                                    std::map<std::string, std::string>* names,
                                                    std::set<std::string>* expected_ids) {
  std::map<std::string, rv1::Presence> presence;
  for (const auto& e : roster.entries()) {
    presence[e.member_id()] = e.presence();
    (*names)[e.member_id()] = e.full_name();
    if (e.presence() == rv1::EXPECTED) expected_ids->insert(e.member_id());
  }
  FieldViolations v;
  AttendanceCounts counts;
  std::set<std::string> marked;
  for (int i = 0; i < r.attendance_size(); ++i) {
    const auto& a = r.attendance(i);
    auto it = presence.find(a.member_id());
    if (it == presence.end()) {
      v.Add(absl::StrCat("attendance[", i, "].member_id"),
            absl::StrCat("\"", errors::Echo(a.member_id()), "\" không có trong danh sách đảng viên của chi bộ ngày ",
                         roster.date(), " / is not on the cell's roster for ", roster.date()));
      continue;
    }
    marked.insert(a.member_id());
    if (it->second != rv1::EXPECTED) continue;  // exempted or away, attending anyway
    if (a.mark() == v1::PRESENT) ++counts.present;
    if (a.mark() == v1::ABSENT_EXCUSED) ++counts.absent_excused;
    if (a.mark() == v1::ABSENT_UNEXCUSED) ++counts.absent_unexcused;
  }
  std::vector<std::string> missing;
  for (const std::string& id : *expected_ids) {
    if (!marked.count(id)) missing.push_back(id);
  }
  if (!missing.empty()) {
    // The first few by id, then how many: the message stays short for a big cell.
    constexpr size_t kNamed = 10;
    std::vector<std::string> named(missing.begin(), missing.begin() + std::min(kNamed, missing.size()));
    v.Add("attendance", absl::StrCat("thiếu điểm danh ", missing.size(), " đảng viên / ", missing.size(),
                                     " not marked: ", absl::StrJoin(named, ", "),
                                     missing.size() > kNamed ? ", …" : ""));
  }
  for (int i = 0; i < r.tasks_size(); ++i) {
    if (!presence.count(r.tasks(i).assignee_member_id())) {
      v.Add(absl::StrCat("tasks[", i, "].assignee_member_id"),
            "không phải đảng viên của chi bộ / not a member of the cell");
    }
  }
  // Speakers are those present (members and guests): not more than them.
  int could_speak = counts.present + r.guests_size();
  for (const auto& a : r.attendance()) {  // exempted or away members who came
    auto it = presence.find(a.member_id());
    if (a.mark() == v1::PRESENT && it != presence.end() && it->second != rv1::EXPECTED) ++could_speak;
  }
  if (r.speakers() > could_speak) {
    v.Add("speakers", absl::StrCat("nhiều hơn số người có mặt (", could_speak, ") / more than the ",
                                   could_speak, " present"));
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  return counts;
}

// The record must fit the meeting: held already, near the planned day, its
// tasks due after it.
absl::Status CheckRecordDates(const v1::RecordMeetingRequest& r, const v1::Meeting& planned) {
  FieldViolations v;
  const absl::CivilMinute start = *time::ParseLocalMinute(r.actual_start());
  const absl::CivilMinute end = *time::ParseLocalMinute(r.actual_end());
  const absl::CivilMinute now = time::NowLocalMinute();
  if (start > now) v.Add("actual_start", "chưa đến giờ này: chỉ ghi biên bản buổi đã họp / in the future: record a meeting once held");
  if (end > now) v.Add("actual_end", "chưa đến giờ này / in the future");
  const absl::CivilDay planned_day = *time::ParseDate(planned.starts_at().substr(0, 10));
  const int64_t shift = absl::CivilDay(start) - planned_day;
  if (shift > kMaxRecordShiftDays || shift < -kMaxRecordShiftDays) {
    v.Add("actual_start", absl::StrCat("cách ngày dự kiến ", time::FormatDate(planned_day), " quá ", kMaxRecordShiftDays,
                                       " ngày: hãy dời lịch / more than ", kMaxRecordShiftDays,
                                       " days from the planned day: reschedule it"));
  }
  const std::string first_due = time::FormatDate(absl::CivilDay(start));
  const std::string last_due =
      time::FormatDate(absl::CivilDay(start.year() + kMaxTaskYearsAhead, start.month(), start.day()));
  for (int i = 0; i < r.tasks_size(); ++i) {
    const std::string& due = r.tasks(i).due_on();
    if (due.empty() || !time::IsValidDate(due)) continue;
    if (due < first_due || due > last_due) {
      v.Add(absl::StrCat("tasks[", i, "].due_on"), absl::StrCat("phải từ ", first_due, " đến ", last_due,
                                                               " / must be within ", first_due, "..", last_due));
    }
  }
  return v.ToStatus();
}

// The meeting as kUpdateMeetingRecord leaves its row (what MeetingFromRow
// would read back): `before`'s plan, the record's values, one version on.
v1::Meeting RecordedMeeting(const v1::Meeting& before, const v1::RecordMeetingRequest& r,
                            const rv1::Roster& roster, const AttendanceCounts& counts) {
  v1::Meeting m = before;
  m.clear_attendance();
  m.clear_tasks();
  m.clear_task_reviews();
  m.set_status(v1::HELD);
  m.set_actual_start(r.actual_start());
  m.set_actual_end(r.actual_end());
  *m.mutable_guests() = r.guests();
  m.set_speakers(r.speakers());
  m.set_opinions(r.opinions());
  m.set_resolution(r.resolution());
  m.set_self_score(r.self_score());
  m.set_roster_total(roster.total());
  m.set_expected(roster.expected());
  m.set_present(counts.present);
  m.set_absent_excused(counts.absent_excused);
  m.set_absent_unexcused(counts.absent_unexcused);
  m.set_attendance_rate(roster.expected() > 0 ? static_cast<double>(counts.present) / roster.expected() : 0);
  m.set_etag(resource::EtagOf(resource::VersionOfEtag(before.etag()) + 1));
  return m;
}

}  // namespace

struct Scheduling::CheckedRecord {
  v1::Meeting planned;
  rv1::Roster roster;
  std::map<std::string, std::string> names;  // member → name, from the roster
  std::set<std::string> expected_ids;
  AttendanceCounts counts;
};

absl::StatusOr<v1::Meeting> Scheduling::PlannedMeeting(const v1::RecordMeetingRequest& request,
                                                       absl::string_view of_cell) {
  auto planned = db_->QueryOptionalRow(sql::kSelectMeeting, {request.id()});
  if (!planned.ok()) return planned.status();
  if (!planned->has_value()) return NotFoundMeeting(request.id());
  v1::Meeting m = MeetingFromRow(**planned);
  if (!of_cell.empty() && m.cell_id() != of_cell) {
    return errors::InvalidArgument("id", absl::StrCat("không phải buổi của chi bộ ", errors::Echo(of_cell),
                                                      " / not a meeting of cell ", errors::Echo(of_cell)));
  }
  return m;
}

absl::StatusOr<Scheduling::CheckedRecord> Scheduling::CheckRecord(const auth::Claims& caller,
                                                                  const v1::RecordMeetingRequest& request,
                                                                  absl::string_view of_cell) {
  auto planned = PlannedMeeting(request, of_cell);
  if (!planned.ok()) return planned.status();
  // The registry answers the roster only inside the caller's scope (it
  // checks the cell against its own tree), so the roster call is the scope
  // check too: PERMISSION_DENIED comes from there, before anything is judged.
  auto roster = registry_->GetRoster(caller, planned->cell_id(), planned->starts_at().substr(0, 10));
  if (!roster.ok()) return roster.status();
  return CheckAgainst(request, *std::move(planned), *std::move(roster));
}

absl::StatusOr<Scheduling::CheckedRecord> Scheduling::CheckAgainst(const v1::RecordMeetingRequest& request,
                                                                   v1::Meeting planned, rv1::Roster roster) {
  CheckedRecord checked;
  checked.planned = std::move(planned);
  checked.roster = std::move(roster);
  if (absl::Status st = CheckRecordDates(request, checked.planned); !st.ok()) return st;
  auto counts = CheckAgainstRoster(request, checked.roster, &checked.names, &checked.expected_ids);
  if (!counts.ok()) return counts.status();
  checked.counts = *counts;
  return checked;
}

absl::Status Scheduling::RecordMeeting(const auth::Claims& caller,
                                       const v1::RecordMeetingRequest& request,
                                       v1::Meeting* response) {
  FieldViolations v;
  CheckRecordShape(request, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto checked = CheckRecord(caller, request);
  if (!checked.ok()) return checked.status();
  const std::string& cell = checked->planned.cell_id();
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "RecordMeeting", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (absl::Status st = LockCell(s, cell); !st.ok()) return st;
        if (absl::Status st = WriteRecord(s, request, *checked, response, &note); !st.ok()) return st;
        // This year's fold, and next year's when it has held meetings already:
        // absences running on from this meeting are judged there.
        const std::set<int> year = YearsOf({checked->planned.starts_at()});
        return FoldCellYears(s, cell, year, {*year.begin() + 1});
      });
}

absl::Status Scheduling::BatchRecordMeetings(const auth::Claims& caller,
                                             const v1::BatchRecordMeetingsRequest& request,
                                             v1::BatchRecordMeetingsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("cell_id", request.cell_id());
  if (request.requests().empty()) v.Add("requests", "bắt buộc: ít nhất một biên bản / required: at least one record");
  if (!journal::IsValidRequestId(request.request_id())) {
    v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  }
  std::set<std::string> ids;
  for (int i = 0; i < request.requests_size(); ++i) {
    const v1::RecordMeetingRequest& r = request.requests(i);
    const std::string item = absl::StrCat("requests[", i, "]");
    FieldViolations one;
    CheckRecordShape(r, one);
    if (!r.request_id().empty()) {
      one.Add("request_id", "để trống: request_id của cả lô / leave empty: the batch's request_id covers it");
    }
    if (!r.id().empty() && !ids.insert(r.id()).second) one.Add("id", "trùng / listed twice");
    for (const auto& fv : one.violations()) v.Add(absl::StrCat(item, ".", fv.field), fv.description);
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  // The meetings as planned, then their days' rosters in one registry call
  // (which is the scope check, as for RecordMeeting), then each record judged.
  std::vector<v1::Meeting> planned;
  std::vector<std::string> days;
  for (int i = 0; i < request.requests_size(); ++i) {
    auto one = PlannedMeeting(request.requests(i), request.cell_id());
    if (!one.ok()) return errors::AboutItem(one.status(), absl::StrCat("requests[", i, "]"));
    days.push_back(one->starts_at().substr(0, 10));
    planned.push_back(*std::move(one));
  }
  auto rosters = registry_->BatchGetRosters(caller, request.cell_id(), days);
  if (!rosters.ok()) return rosters.status();
  std::vector<CheckedRecord> checked;
  checked.reserve(request.requests_size());
  std::set<int> years, next_years;
  for (int i = 0; i < request.requests_size(); ++i) {
    const std::string item = absl::StrCat("requests[", i, "]");
    auto one = CheckAgainst(request.requests(i), std::move(planned[i]), std::move((*rosters)[i]));
    if (!one.ok()) return errors::AboutItem(one.status(), item);
    for (int year : YearsOf({one->planned.starts_at()})) {
      years.insert(year);
      next_years.insert(year + 1);
    }
    checked.push_back(*std::move(one));
  }
  return journal::RunJournaledWrites(
      *db_, {caller.subject, "BatchRecordMeetings", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, std::vector<journal::AuditNote>& notes) -> absl::Status {
        if (absl::Status st = LockCell(s, request.cell_id()); !st.ok()) return st;
        for (int i = 0; i < request.requests_size(); ++i) {
          absl::Status st = WriteRecord(s, request.requests(i), checked[i], response->add_meetings(),
                                        &notes.emplace_back());
          if (!st.ok()) return errors::AboutItem(st, absl::StrCat("requests[", i, "]"));
        }
        // Each year touched folded once, and the year after each when it has
        // held meetings already (RecordMeeting's rule, once per batch).
        return FoldCellYears(s, request.cell_id(), years, next_years);
      });
}

absl::Status Scheduling::WriteRecord(db::Session& s, const v1::RecordMeetingRequest& request,
                                     const CheckedRecord& checked, v1::Meeting* response,
                                     journal::AuditNote* note) {
  const std::string& cell = checked.planned.cell_id();
  const rv1::Roster& roster = checked.roster;
  const AttendanceCounts& counts = checked.counts;
  const std::set<std::string>& expected_ids = checked.expected_ids;
  auto name_of = [&](const std::string& id) -> std::string {
    auto it = checked.names.find(id);
    return it == checked.names.end() ? std::string() : it->second;
  };
  auto before = LoadMeeting(s, request.id());
  if (!before.ok()) return before.status();
  if (!EtagIsCurrent(request.etag(), before->etag())) return StaleEtag(request.id());
  // The roster was read (before the transaction) for the meeting's day as
  // it was then; rescheduled since, it was checked against the wrong day.
  if (before->starts_at() != checked.planned.starts_at() || before->cell_id() != cell) {
    return StaleEtag(request.id());
  }
  if (before->status() == v1::MINUTES_APPROVED) {
    return NotEditable(*before, "biên bản đã thông qua, không sửa được / the minutes are approved: read-only");
  }
  if (before->status() != v1::PLANNED && before->status() != v1::HELD) {
    return NotEditable(*before, "buổi đã hoãn hoặc hủy / the meeting was postponed or cancelled");
  }
  std::string guests_json = "{}";  // no guests: no JSON printer on the hot path
  if (request.guests_size() > 0) {
    v1::Meeting guests;
    *guests.mutable_guests() = request.guests();
    guests_json = journal::ToJson(guests);
  }
  std::string roll_call;  // the expected members' marks, what the fold reads (cell_facts.h)
  for (const auto& a : request.attendance()) {
    if (expected_ids.count(a.member_id()) > 0) AppendRollCall(a.member_id(), a.mark(), &roll_call);
  }
  // Its answer is not read: the row is known (read above under the cell's
  // lock, which every writer of a meeting takes), so the update goes to the
  // server with the fold's read, and the response is built from it below.
  if (absl::Status st = s.ExecuteLater(
          sql::kUpdateMeetingRecord,
          {request.id(), request.actual_start(), request.actual_end(),
           MinutesBetween(request.actual_start(), request.actual_end()), guests_json,
           static_cast<int64_t>(request.speakers()), static_cast<int64_t>(request.opinions()),
           request.resolution(), static_cast<int64_t>(request.self_score()),
           static_cast<int64_t>(roster.total()), static_cast<int64_t>(roster.expected()),
           static_cast<int64_t>(counts.present), static_cast<int64_t>(counts.absent_excused),
           static_cast<int64_t>(counts.absent_unexcused), NowText(), roll_call});
      !st.ok()) {
    return st;
  }
  // What the meeting held before is known (read under the cell's lock):
  // only what exists is deleted.
  if (before->attendance_size() > 0) {
    if (auto st = s.ExecuteLater(sql::kDeleteAttendance, {request.id()}); !st.ok()) return st;
  }
  // The roll call in one statement.
  if (request.attendance_size() > 0) {
    std::string insert = sql::kInsertAttendancePrefix;
    db::Params params;
    params.reserve(6 * request.attendance_size());
    for (int i = 0; i < request.attendance_size(); ++i) {
      const auto& a = request.attendance(i);
      const int p = 6 * i;
      absl::StrAppend(&insert, i ? ", " : "", "(?", p + 1, ", ?", p + 2, ", ?", p + 3, ", ?", p + 4,
                      ", ?", p + 5, ", ?", p + 6, ")");
      params.insert(params.end(), {request.id(), a.member_id(), static_cast<int64_t>(a.mark()),
                                   a.reason(), name_of(a.member_id()),
                                   expected_ids.count(a.member_id()) > 0});
    }
    if (auto st = s.ExecuteLater(insert, params); !st.ok()) return st;
  }
  if (before->tasks_size() > 0) {
    if (auto st = s.Execute(sql::kDeleteTasks, {request.id()}); !st.ok()) return st.status();
  }
  for (int i = 0; i < request.tasks_size(); ++i) {
    const auto& t = request.tasks(i);
    auto st = s.Execute(sql::kInsertTask,
                        {absl::StrCat(request.id(), "-t", i + 1), request.id(), cell,
                         static_cast<int64_t>(i), t.assignee_member_id(), t.description(),
                         t.due_on()});
    if (!st.ok()) return st.status();
  }
  if (before->task_reviews_size() > 0) {
    if (auto st = s.Execute(sql::kClearReviewsBy, {request.id()}); !st.ok()) return st.status();
  }
  const int64_t this_start = ToUnix(before->starts_at());
  for (int i = 0; i < request.task_reviews_size(); ++i) {
    const auto& tr = request.task_reviews(i);
    auto task = s.QueryOptionalRow(sql::kSelectTaskForReview, {tr.task_id()});
    if (!task.ok()) return task.status();
    if (!task->has_value() || (*task)->Text(0) != cell || (*task)->Int(1) >= this_start) {
      return errors::InvalidArgument(
          absl::StrCat("task_reviews[", i, "].task_id"),
          "không phải nhiệm vụ của buổi trước của chi bộ / not a task of an earlier meeting of this cell");
    }
    auto st = s.Execute(sql::kReviewTask, {tr.task_id(), tr.done(), tr.note(), request.id()});
    if (!st.ok()) return st.status();
  }
  // The answer: the meeting's row as the update stored it, the roll call
  // just written, and its tasks and reviews (read back only when there are some).
  *response = RecordedMeeting(*before, request, roster, counts);
  for (const auto& a : request.attendance()) {
    auto* out = response->add_attendance();
    out->set_member_id(a.member_id());
    out->set_mark(a.mark());
    out->set_reason(a.reason());
    out->set_member_name(name_of(a.member_id()));
  }
  SortAttendance(response);
  if (request.tasks_size() > 0 || request.task_reviews_size() > 0) {
    if (absl::Status st = LoadTasksAndReviews(s, response); !st.ok()) return st;
  }
  *note = {"Meeting", request.id(), cell, journal::ToJson(*before), journal::ToJson(*response)};
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
