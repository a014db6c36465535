#include "services/scheduling/meeting_rows.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {

v1::Meeting MeetingFromRow(const db::Row& r) {
  v1::Meeting m;
  m.set_id(r.Text(0));
  m.set_cell_id(r.Text(1));
  m.set_series_id(r.Text(2));
  m.set_occurrence_start(r.Text(3));
  m.set_kind(static_cast<v1::MeetingKind>(r.Int(4)));
  m.set_title(r.Text(5));
  m.set_starts_at(r.Text(6));
  m.set_ends_at(r.Text(7));
  m.set_place(r.Text(8));
  m.set_status(static_cast<v1::MeetingStatus>(r.Int(9)));
  m.set_status_reason(r.Text(10));
  m.set_actual_start(r.Text(11));
  m.set_actual_end(r.Text(12));
  if (!r.Text(13).empty() && r.Text(13) != "[]" && r.Text(13) != "{}") {  // "{}": no guests
    v1::Meeting guests;  // guests_json holds {"guests":[...]}
    if (google::protobuf::util::JsonStringToMessage(r.Text(13), &guests).ok()) {
      *m.mutable_guests() = guests.guests();
    }
  }
  m.set_speakers(static_cast<int32_t>(r.Int(14)));
  m.set_opinions(static_cast<int32_t>(r.Int(15)));
  m.set_resolution(r.Text(16));
  m.set_self_score(static_cast<int32_t>(r.Int(17)));
  m.set_roster_total(static_cast<int32_t>(r.Int(18)));
  m.set_expected(static_cast<int32_t>(r.Int(19)));
  m.set_present(static_cast<int32_t>(r.Int(20)));
  m.set_absent_excused(static_cast<int32_t>(r.Int(21)));
  m.set_absent_unexcused(static_cast<int32_t>(r.Int(22)));
  if (m.expected() > 0) m.set_attendance_rate(static_cast<double>(m.present()) / m.expected());
  m.set_etag(resource::EtagOf(r.Int(23)));
  return m;
}

void AddTasksAndReviews(const db::ResultSet& tasks, const db::ResultSet& reviews, v1::Meeting* m) {
  for (const db::Row& r : tasks.rows) {
    auto* t = m->add_tasks();
    t->set_id(r.Text(0));
    t->set_assignee_member_id(r.Text(1));
    t->set_description(r.Text(2));
    t->set_due_on(r.Text(3));
    t->set_reviewed(r.Bool(4));
    t->set_done(r.Bool(5));
    t->set_review_note(r.Text(6));
    t->set_reviewed_in_meeting_id(r.Text(7));
  }
  for (const db::Row& r : reviews.rows) {
    auto* tr = m->add_task_reviews();
    tr->set_task_id(r.Text(0));
    tr->set_done(r.Bool(1));
    tr->set_note(r.Text(2));
  }
}

absl::Status InsertMeeting(db::Session& s, absl::string_view id, absl::string_view cell_id,
                           absl::string_view series_id, absl::string_view occurrence_start,
                           v1::MeetingKind kind, absl::string_view title,
                           absl::string_view starts_at, absl::string_view ends_at,
                           absl::string_view place) {
  return s
      .Execute(sql::kInsertMeeting,
               {id, cell_id, series_id.empty() ? db::Param() : db::Param(series_id),
                occurrence_start.empty() ? db::Param() : db::Param(occurrence_start),
                static_cast<int64_t>(kind), title, starts_at, ends_at, ToUnix(starts_at),
                ToUnix(ends_at), place, NowText()})
      .status();
}

void CheckKind(errors::FieldViolations& v, const std::string& field, v1::MeetingKind kind) {
  if (kind == v1::MEETING_KIND_UNSPECIFIED) {
    v.Add(field, "bắt buộc / required");
  } else if (!v1::MeetingKind_IsValid(kind)) {
    v.Add(field, "không hợp lệ / unknown");
  }
}

void CheckPlannedTimes(errors::FieldViolations& v, const std::string& prefix,
                       absl::string_view starts_at, absl::string_view ends_at) {
  const bool starts_ok = time::IsValidLocalMinute(starts_at);
  const bool ends_ok = time::IsValidLocalMinute(ends_at);
  if (!starts_ok) v.Add(prefix + "starts_at", "giờ địa phương YYYY-MM-DDTHH:MM / local time YYYY-MM-DDTHH:MM");
  if (!ends_ok) v.Add(prefix + "ends_at", "giờ địa phương YYYY-MM-DDTHH:MM / local time YYYY-MM-DDTHH:MM");
  if (starts_ok && ends_ok) {
    const int64_t seconds = ToUnix(ends_at) - ToUnix(starts_at);
    if (seconds <= 0) v.Add(prefix + "ends_at", "phải sau starts_at / must be after starts_at");
    if (seconds > 24 * 3600) v.Add(prefix + "ends_at", "dài quá một ngày / longer than a day");
  }
}

absl::Status CheckPlanHorizon(absl::CivilDay day, const std::string& field) {
  const absl::CivilDay today = time::Today();
  const absl::CivilDay latest(today.year() + kMaxPlanYearsAhead, today.month(), today.day());
  if (day <= latest) return absl::OkStatus();
  return errors::InvalidArgument(field, absl::StrCat("xa quá ", kMaxPlanYearsAhead, " năm, muộn nhất ",
                                                     time::FormatDate(latest), " / more than ",
                                                     kMaxPlanYearsAhead, " years ahead"));
}

std::string DefaultTitle(v1::MeetingKind kind) {
  switch (kind) {
    case v1::REGULAR: return "Sinh hoạt chi bộ định kỳ";
    case v1::THEMATIC: return "Sinh hoạt chuyên đề";
    case v1::REGULAR_AND_THEMATIC: return "Sinh hoạt định kỳ kết hợp chuyên đề";
    case v1::COMMITTEE: return "Họp cấp ủy";
    case v1::EXTRAORDINARY: return "Sinh hoạt bất thường";
    default: return "Sinh hoạt chi bộ";
  }
}

int64_t ToUnix(absl::string_view local_minute) {
  return time::LocalMinuteToUnix(*time::ParseLocalMinute(local_minute));
}

int64_t DayStartUnix(absl::string_view date) {
  return time::LocalMinuteToUnix(absl::CivilMinute(*time::ParseDate(date)));
}

std::string NowText() { return time::FormatTimestamp(absl::Now()); }

bool EtagIsCurrent(absl::string_view given, absl::string_view current) {
  return given.empty() || given == current;
}

absl::Status NotFoundMeeting(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có buổi sinh hoạt / no meeting \"", id, "\""));
}

absl::Status StaleEtag(absl::string_view id) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "dữ liệu đã thay đổi, hãy đọc lại / stale etag: \"", id, "\" changed since it was read")),
      "STALE_ETAG", {{"id", std::string(id)}});
}

absl::Status NotEditable(const v1::Meeting& meeting, absl::string_view why) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(why, " (\"", meeting.id(), "\": ",
                                                 v1::MeetingStatus_Name(meeting.status()), ")")),
      "MEETING_STATUS", {{"meeting_id", meeting.id()},
                         {"status", v1::MeetingStatus_Name(meeting.status())}});
}

void SortAttendance(v1::Meeting* m) {
  std::sort(m->mutable_attendance()->begin(), m->mutable_attendance()->end(),
            [](const v1::AttendanceRecord& a, const v1::AttendanceRecord& b) {
              return std::tie(a.member_name(), a.member_id()) < std::tie(b.member_name(), b.member_id());
            });
}

}  // namespace chibo::scheduling
