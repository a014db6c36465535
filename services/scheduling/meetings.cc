// Meetings (buổi sinh hoạt): one-off creation, reads, moving one meeting,
// postponing, cancelling, and approving the minutes.
#include <algorithm>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/paging/page_token.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/cell_facts.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {

using errors::FieldViolations;

int64_t MinutesBetween(absl::string_view from, absl::string_view to) {
  return (time::LocalMinuteToUnix(*time::ParseLocalMinute(to)) -
          time::LocalMinuteToUnix(*time::ParseLocalMinute(from))) /
         60;
}

absl::Status Scheduling::LockCell(db::Session& s, absl::string_view cell_id) {
  // Sent with the next statement: it still runs (and locks) before it.
  return s.ExecuteLater(sql::kBumpUnitVersion, {cell_id});
}

absl::Status Scheduling::CheckNoOverlap(db::Session& s, absl::string_view cell_id,
                                        int64_t starts_unix, int64_t ends_unix,
                                        absl::string_view except_id) {
  auto other = s.QueryOptionalRow(sql::kSelectOverlap, {cell_id, starts_unix, ends_unix, except_id});
  if (!other.ok()) return other.status();
  if (!other->has_value()) return absl::OkStatus();
  const db::Row& row = **other;
  return OverlapsMeeting(cell_id, row.Text(0), row.Text(1), row.Text(2));
}

absl::Status Scheduling::ForEachLiveMeetingBetween(db::Session& s, absl::string_view cell_id, int64_t from_unix,
                                                   int64_t to_unix,
                                                   const std::function<void(const db::Row&)>& each) {
  auto rows = s.Query(sql::kSelectLiveMeetingsBetween, {cell_id, from_unix, to_unix});
  if (!rows.ok()) return rows.status();
  for (const db::Row& row : rows->rows) each(row);
  return absl::OkStatus();
}

absl::Status OverlapsMeeting(absl::string_view cell_id, const std::string& id, absl::string_view starts_at,
                             absl::string_view ends_at) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat("trùng buổi sinh hoạt \"", id, "\" (", starts_at, "–", ends_at,
                                                 ") / overlaps meeting \"", id, "\" of the same cell")),
      "MEETING_OVERLAP", {{"meeting_id", id}, {"cell_id", std::string(cell_id)}});
}

absl::StatusOr<v1::Meeting> Scheduling::LoadMeeting(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectMeeting, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundMeeting(id);
  v1::Meeting m = MeetingFromRow(**row);
  // Only RecordMeeting writes a roll call, tasks and reviews, and it makes
  // the meeting HELD, which never goes back (ChangeStatus and UpdateMeeting
  // take a planned or postponed meeting only): a meeting not held has none.
  if (m.status() != v1::HELD && m.status() != v1::MINUTES_APPROVED) return m;
  // Its roll call, tasks and reviews in one round trip.
  auto answers = s.QueryAll({{sql::kSelectAttendance, {id}}, {sql::kSelectTasks, {id}}, {sql::kSelectReviewsBy, {id}}});
  if (!answers.ok()) return answers.status();
  for (const db::Row& r : (*answers)[0].rows) {
    auto* a = m.add_attendance();
    a->set_member_id(r.Text(0));
    a->set_mark(static_cast<v1::AttendanceMark>(r.Int(1)));
    a->set_reason(r.Text(2));
    a->set_member_name(r.Text(3));
  }
  SortAttendance(&m);
  AddTasksAndReviews((*answers)[1], (*answers)[2], &m);
  return m;
}

absl::Status Scheduling::LoadTasksAndReviews(db::Session& s, v1::Meeting* m) {
  auto answers = s.QueryAll({{sql::kSelectTasks, {m->id()}}, {sql::kSelectReviewsBy, {m->id()}}});
  if (!answers.ok()) return answers.status();
  AddTasksAndReviews((*answers)[0], (*answers)[1], m);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Scheduling::CellOfMeeting(absl::string_view meeting_id) {
  auto row = db_->QueryOptionalRow(sql::kSelectCellOfMeeting, {meeting_id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundMeeting(meeting_id);
  return (*row)->Text(0);
}

absl::StatusOr<clients::RegistryClient::TreePtr> Scheduling::TreeInScope(const auth::Claims& caller,
                                                                         absl::string_view cell_id) {
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  if (absl::Status st = clients::RegistryClient::CheckScopeIn(**tree, caller, cell_id); !st.ok()) return st;
  return tree;
}

absl::Status Scheduling::CheckMeetingDay(const clients::OrgTree& tree, absl::string_view cell_id,
                                         absl::CivilDay day, const std::string& field) {
  if (absl::Status st = CheckPlanHorizon(day, field); !st.ok()) return st;
  const int u = tree.Find(cell_id);
  if (u == clients::OrgTree::kNone) return absl::OkStatus();  // the scope check answers NOT_FOUND
  const registry::v1::OrgUnit& unit = tree.unit(u);
  if (!tree.OpenOn(u, clients::OrgTree::DayOf(day))) {
    return errors::InvalidArgument(
        field, absl::StrCat("chi bộ không hoạt động ngày ", time::FormatDate(day), " (thành lập ", unit.opened_on(),
                            unit.closed_on().empty() ? "" : absl::StrCat(", giải thể ", unit.closed_on()),
                            ") / the unit is not open on that day"));
  }
  return absl::OkStatus();
}

void Scheduling::CheckNewMeeting(const v1::CreateMeetingRequest& request, FieldViolations& v) const {
  const v1::Meeting& in = request.meeting();
  if (!in.id().empty() && !resource::IsValidId(in.id())) {
    v.Add("meeting.id", "2–63 ký tự a-z, 0-9, - / 2..63 of [a-z0-9-]");
  }
  v.RequireNonEmpty("meeting.cell_id", in.cell_id());
  CheckKind(v, "meeting.kind", in.kind());
  CheckPlannedTimes(v, "meeting.", in.starts_at(), in.ends_at());
  v.CheckLength("meeting.title", in.title(), 300);
  v.CheckLength("meeting.place", in.place(), 300);
  if (!in.series_id().empty()) v.Add("meeting.series_id", "chỉ đọc / output only");
}

absl::Status Scheduling::WriteNewMeeting(db::Session& s, const v1::Meeting& in, v1::Meeting* response,
                                         journal::AuditNote* note) {
  const std::string id = in.id().empty() ? resource::NewTimeOrderedId("mt") : in.id();
  auto inserted = InsertMeeting(s, id, in.cell_id(), "", "", in.kind(),
                                in.title().empty() ? DefaultTitle(in.kind()) : in.title(),
                                in.starts_at(), in.ends_at(), in.place());
  if (!inserted.ok()) {
    return absl::IsAlreadyExists(inserted) ? errors::InvalidArgument("meeting.id", "đã tồn tại / already exists")
                                           : inserted;
  }
  if (absl::Status st = CheckNoOverlap(s, in.cell_id(), ToUnix(in.starts_at()), ToUnix(in.ends_at()), id);
      !st.ok()) {
    return st;
  }
  auto loaded = LoadMeeting(s, id);
  if (!loaded.ok()) return loaded.status();
  *response = *loaded;
  *note = {"Meeting", id, in.cell_id(), "", journal::ToJson(*response)};
  return absl::OkStatus();
}

absl::Status Scheduling::CreateMeeting(const auth::Claims& caller,
                                       const v1::CreateMeetingRequest& request,
                                       v1::Meeting* response) {
  const v1::Meeting& in = request.meeting();
  FieldViolations v;
  CheckNewMeeting(request, v);
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto tree = TreeInScope(caller, in.cell_id());
  if (!tree.ok()) return tree.status();
  if (absl::Status st = CheckMeetingDay(**tree, in.cell_id(), absl::CivilDay(*time::ParseLocalMinute(in.starts_at())),
                                        "meeting.starts_at");
      !st.ok()) {
    return st;
  }

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "CreateMeeting", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (absl::Status st = LockCell(s, in.cell_id()); !st.ok()) return st;
        if (absl::Status st = WriteNewMeeting(s, in, response, &note); !st.ok()) return st;
        return FoldCellYears(s, in.cell_id(), YearsOf({in.starts_at()}));
      });
}

absl::Status Scheduling::BatchCreateMeetings(const auth::Claims& caller,
                                             const v1::BatchCreateMeetingsRequest& request,
                                             v1::BatchCreateMeetingsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("cell_id", request.cell_id());
  if (request.requests().empty()) v.Add("requests", "bắt buộc: ít nhất một buổi / required: at least one meeting");
  if (!journal::IsValidRequestId(request.request_id())) {
    v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  }
  // Each meeting is the batch's cell's (an empty cell_id is taken as it).
  std::vector<v1::Meeting> meetings;
  std::set<std::string> ids;
  for (int i = 0; i < request.requests_size(); ++i) {
    v1::CreateMeetingRequest one = request.requests(i);
    if (one.meeting().cell_id().empty()) one.mutable_meeting()->set_cell_id(request.cell_id());
    FieldViolations checks;
    CheckNewMeeting(one, checks);
    if (one.meeting().cell_id() != request.cell_id()) {
      checks.Add("meeting.cell_id", "khác chi bộ của lô / not the batch's cell");
    }
    if (!one.request_id().empty()) {
      checks.Add("request_id", "để trống: request_id của cả lô / leave empty: the batch's request_id covers it");
    }
    if (!one.meeting().id().empty() && !ids.insert(one.meeting().id()).second) checks.Add("meeting.id", "trùng / listed twice");
    for (const auto& fv : checks.violations()) v.Add(absl::StrCat("requests[", i, "].", fv.field), fv.description);
    meetings.push_back(one.meeting());
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto tree = TreeInScope(caller, request.cell_id());
  if (!tree.ok()) return tree.status();
  std::set<int> years;
  for (size_t i = 0; i < meetings.size(); ++i) {
    const std::string item = absl::StrCat("requests[", i, "]");
    if (absl::Status st = CheckMeetingDay(**tree, request.cell_id(),
                                          absl::CivilDay(*time::ParseLocalMinute(meetings[i].starts_at())),
                                          "meeting.starts_at");
        !st.ok()) {
      return errors::AboutItem(st, item);
    }
    for (int year : YearsOf({meetings[i].starts_at()})) years.insert(year);
  }
  return journal::RunJournaledWrites(
      *db_, {caller.subject, "BatchCreateMeetings", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, std::vector<journal::AuditNote>& notes) -> absl::Status {
        if (absl::Status st = LockCell(s, request.cell_id()); !st.ok()) return st;
        for (size_t i = 0; i < meetings.size(); ++i) {
          absl::Status st = WriteNewMeeting(s, meetings[i], response->add_meetings(), &notes.emplace_back());
          if (!st.ok()) return errors::AboutItem(st, absl::StrCat("requests[", i, "]"));
        }
        // Each year touched folded once for the batch.
        return FoldCellYears(s, request.cell_id(), years);
      });
}

absl::Status Scheduling::GetMeeting(const auth::Claims& caller,
                                    const v1::GetMeetingRequest& request, v1::Meeting* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto cell = CellOfMeeting(request.id());
  if (!cell.ok()) return cell.status();
  if (absl::Status s = registry_->CheckScope(caller, *cell); !s.ok()) return s;
  db::AutocommitSession s(*db_);
  auto m = LoadMeeting(s, request.id());
  if (!m.ok()) return m.status();
  *response = *std::move(m);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> Scheduling::UnitsOfSubtree(const auth::Claims& caller,
                                                                    absl::string_view org_id,
                                                                    absl::string_view date) {
  // The ids straight from the local tree (no unit copies).
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  const int root = (*tree)->Find(org_id);
  auto day = clients::OrgTree::ParseDay(date);
  if (root == clients::OrgTree::kNone || !day) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", org_id, "\""));
  }
  std::vector<std::string> ids;
  for (int u : (*tree)->SubtreeOn(root, *day)) ids.push_back((*tree)->unit(u).id());
  return ids;
}

absl::Status Scheduling::ListMeetings(const auth::Claims& caller,
                                      const v1::ListMeetingsRequest& request,
                                      v1::ListMeetingsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  v.CheckDate("from", request.from(), true);
  v.CheckDate("to", request.to(), true);
  if (v.empty() && request.to() < request.from()) v.Add("to", "trước from / before from");
  if (!v1::MeetingStatus_IsValid(request.status())) v.Add("status", "không hợp lệ / unknown");
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const std::string filter_key =
      absl::StrCat(request.org_unit_id(), "|", request.subtree(), "|", request.from(), "|",
                   request.to(), "|", request.status());
  // A cell's meetings page by offset; a subtree's, read from the whole
  // period's meetings in (start, id) order, page by the last one returned
  // (a seek: page k does not re-read the k pages before it).
  absl::StatusOr<int64_t> offset = int64_t{0};
  absl::StatusOr<std::string> after = std::string();
  if (request.subtree()) {
    after = paging::DecodeKeysetToken(request.page_token(), filter_key);
  } else {
    offset = paging::DecodePageToken(request.page_token(), filter_key);
  }
  if (!offset.ok() || !after.ok()) return errors::InvalidArgument("page_token", "không hợp lệ / not valid for this request");
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  const int size = paging::EffectivePageSize(request.page_size());
  const int64_t from = DayStartUnix(request.from());
  const int64_t to = DayStartUnix(request.to()) + 24 * 3600;

  std::vector<v1::Meeting> page;
  bool more = false;
  if (!request.subtree()) {
    auto rows = db_->Query(sql::kListMeetingsOfCell,
                           {request.org_unit_id(), from, to, static_cast<int64_t>(request.status()),
                            static_cast<int64_t>(size + 1), *offset});
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) page.push_back(MeetingFromRow(r));
  } else {
    auto units = UnitsOfSubtree(caller, request.org_unit_id(), request.to());
    if (!units.ok()) return units.status();
    const absl::flat_hash_set<std::string> in_subtree(units->begin(), units->end());
    // Where the last page stopped: "<starts_unix>/<id>".
    int64_t last_unix = from - 1;
    std::string last_id;
    if (!after->empty()) {
      const size_t slash = after->find('/');
      if (slash == std::string::npos || !absl::SimpleAtoi(after->substr(0, slash), &last_unix)) {
        return errors::InvalidArgument("page_token", "không hợp lệ / not valid for this request");
      }
      last_id = after->substr(slash + 1);
    }
    // In batches: the subtree's meetings are found without holding the
    // province's year in memory.
    constexpr int64_t kBatch = 2000;
    for (bool more_rows = true; more_rows && static_cast<int>(page.size()) <= size;) {
      auto rows = db_->Query(request.status() == 0 ? sql::kListMeetingsInPeriodAfter
                                                   : sql::kListMeetingsOfStatusInPeriodAfter,
                             {from, to, static_cast<int64_t>(request.status()), last_unix, last_id, kBatch});
      if (!rows.ok()) return rows.status();
      more_rows = static_cast<int64_t>(rows->rows.size()) == kBatch;
      for (const db::Row& r : rows->rows) {
        last_unix = r.Int(24);
        last_id = r.Text(0);
        if (!in_subtree.contains(r.Text(1))) continue;
        page.push_back(MeetingFromRow(r));
        if (static_cast<int>(page.size()) > size) break;
      }
    }
  }
  if (static_cast<int>(page.size()) > size) {
    more = true;
    page.pop_back();
  }
  if (more) {
    response->set_next_page_token(
        request.subtree()
            ? paging::EncodeKeysetToken(absl::StrCat(ToUnix(page.back().starts_at()), "/", page.back().id()), filter_key)
            : paging::EncodePageToken(*offset + size, filter_key));
  }
  for (auto& m : page) *response->add_meetings() = std::move(m);
  return absl::OkStatus();
}

absl::Status Scheduling::UpdateMeeting(const auth::Claims& caller,
                                       const v1::UpdateMeetingRequest& request,
                                       v1::Meeting* response) {
  const v1::Meeting& in = request.meeting();
  FieldViolations v;
  v.RequireNonEmpty("meeting.id", in.id());
  if (request.update_mask().paths().empty()) v.Add("update_mask", "bắt buộc / required");
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "starts_at" || path == "ends_at") {
      if (!time::IsValidLocalMinute(path == "starts_at" ? in.starts_at() : in.ends_at())) {
        v.Add(absl::StrCat("meeting.", path), "YYYY-MM-DDTHH:MM");
      }
    } else if (path == "title" || path == "place") {
      v.CheckLength(absl::StrCat("meeting.", path), path == "title" ? in.title() : in.place(), 300);
    } else {
      v.Add("update_mask.paths", absl::StrCat("không sửa được \"", path,
                                              "\" / not updatable (starts_at, ends_at, place, title)"));
    }
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto cell = CellOfMeeting(in.id());
  if (!cell.ok()) return cell.status();
  auto tree = TreeInScope(caller, *cell);
  if (!tree.ok()) return tree.status();
  for (const std::string& path : request.update_mask().paths()) {
    if (path != "starts_at") continue;
    if (absl::Status st = CheckMeetingDay(**tree, *cell, absl::CivilDay(*time::ParseLocalMinute(in.starts_at())),
                                          "meeting.starts_at");
        !st.ok()) {
      return st;
    }
  }

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "UpdateMeeting", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (absl::Status st = LockCell(s, *cell); !st.ok()) return st;
        auto before = LoadMeeting(s, in.id());
        if (!before.ok()) return before.status();
        if (!EtagIsCurrent(in.etag(), before->etag())) return StaleEtag(in.id());
        if (before->status() != v1::PLANNED && before->status() != v1::POSTPONED) {
          return NotEditable(*before, "chỉ dời được buổi chưa họp / only a planned or postponed meeting can be moved");
        }
        v1::Meeting after = *before;
        for (const std::string& path : request.update_mask().paths()) {
          if (path == "starts_at") after.set_starts_at(in.starts_at());
          if (path == "ends_at") after.set_ends_at(in.ends_at());
          if (path == "title") after.set_title(in.title());
          if (path == "place") after.set_place(in.place());
        }
        if (after.ends_at() <= after.starts_at()) {
          return errors::InvalidArgument("meeting.ends_at", "phải sau starts_at / must be after starts_at");
        }
        // A postponed meeting given a new time is planned again.
        const bool moved = after.starts_at() != before->starts_at() || after.ends_at() != before->ends_at();
        const v1::MeetingStatus status =
            before->status() == v1::POSTPONED && moved ? v1::PLANNED : before->status();
        auto done = s.Execute(sql::kUpdateMeetingPlan,
                              {in.id(), after.title(), after.starts_at(), after.ends_at(),
                               ToUnix(after.starts_at()), ToUnix(after.ends_at()), after.place(),
                               static_cast<int64_t>(status), NowText()});
        if (!done.ok()) return done.status();
        if (status == v1::PLANNED) {
          if (absl::Status st = CheckNoOverlap(s, *cell, ToUnix(after.starts_at()),
                                               ToUnix(after.ends_at()), in.id());
              !st.ok()) {
            return st;
          }
        }
        if (absl::Status st = FoldCellYears(s, *cell, YearsOf({before->starts_at(), after.starts_at()})); !st.ok()) return st;
        auto loaded = LoadMeeting(s, in.id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"Meeting", in.id(), *cell, journal::ToJson(*before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Scheduling::ChangeStatus(const auth::Claims& caller, absl::string_view method,
                                      const v1::ChangeMeetingStatusRequest& request,
                                      v1::MeetingStatus to, v1::Meeting* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (to != v1::MINUTES_APPROVED) v.RequireNonEmpty("reason", request.reason());
  v.CheckLength("reason", request.reason(), 2000);
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto cell = CellOfMeeting(request.id());
  if (!cell.ok()) return cell.status();
  if (absl::Status st = registry_->CheckScope(caller, *cell); !st.ok()) return st;

  return journal::RunJournaledWrite(
      *db_, {caller.subject, std::string(method), request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (absl::Status st = LockCell(s, *cell); !st.ok()) return st;
        auto before = LoadMeeting(s, request.id());
        if (!before.ok()) return before.status();
        if (!EtagIsCurrent(request.etag(), before->etag())) return StaleEtag(request.id());
        const v1::MeetingStatus from = before->status();
        if (to == v1::MINUTES_APPROVED && from != v1::HELD) {
          return NotEditable(*before, "chỉ thông qua biên bản của buổi đã họp và đã ghi / only a held, recorded meeting's minutes can be approved");
        }
        if ((to == v1::POSTPONED || to == v1::CANCELLED) && from != v1::PLANNED &&
            !(to == v1::CANCELLED && from == v1::POSTPONED)) {
          return NotEditable(*before, "chỉ hoãn hoặc hủy được buổi chưa họp / only a planned meeting can be postponed or cancelled");
        }
        auto done = s.Execute(sql::kUpdateMeetingStatus,
                              {request.id(), static_cast<int64_t>(to),
                               to == v1::MINUTES_APPROVED ? before->status_reason() : request.reason(),
                               NowText()});
        if (!done.ok()) return done.status();
        if (absl::Status st = FoldCellYears(s, *cell, YearsOf({before->starts_at()})); !st.ok()) return st;
        auto loaded = LoadMeeting(s, request.id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"Meeting", request.id(), *cell, journal::ToJson(*before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Scheduling::PostponeMeeting(const auth::Claims& caller,
                                         const v1::ChangeMeetingStatusRequest& request,
                                         v1::Meeting* response) {
  return ChangeStatus(caller, "PostponeMeeting", request, v1::POSTPONED, response);
}

absl::Status Scheduling::CancelMeeting(const auth::Claims& caller,
                                       const v1::ChangeMeetingStatusRequest& request,
                                       v1::Meeting* response) {
  return ChangeStatus(caller, "CancelMeeting", request, v1::CANCELLED, response);
}

absl::Status Scheduling::ApproveMinutes(const auth::Claims& caller,
                                        const v1::ChangeMeetingStatusRequest& request,
                                        v1::Meeting* response) {
  return ChangeStatus(caller, "ApproveMinutes", request, v1::MINUTES_APPROVED, response);
}

}  // namespace chibo::scheduling
