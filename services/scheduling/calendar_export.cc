// iCalendar export (RFC 5545) of a cell's schedule, built with libical so
// escaping and line folding are right. A series is one VEVENT with its RRULE
// (bounded by UNTIL at the end of what the service materialized, so the
// calendar shows exactly the service's occurrences); a cancelled or
// postponed occurrence is an EXDATE; a moved one is an override VEVENT with
// RECURRENCE-ID; a one-off meeting is its own VEVENT. Times carry
// TZID=Asia/Ho_Chi_Minh with the zone's VTIMEZONE.
#include <libical/ical.h>

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {
namespace {

constexpr char kTzid[] = "Asia/Ho_Chi_Minh";

icaltimetype LocalTime(absl::string_view local_minute) {
  absl::CivilMinute m = *time::ParseLocalMinute(local_minute);
  icaltimetype t = icaltime_null_time();
  t.year = static_cast<int>(m.year());
  t.month = m.month();
  t.day = m.day();
  t.hour = m.hour();
  t.minute = m.minute();
  t.is_date = 0;
  return t;
}

// A property of a local time with TZID.
icalproperty* WithTzid(icalproperty* p) {
  icalproperty_add_parameter(p, icalparameter_new_tzid(kTzid));
  return p;
}

icalcomponent* VietnamTimezone() {
  icalcomponent* tz = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
  icalcomponent_add_property(tz, icalproperty_new_tzid(kTzid));
  icalcomponent* standard = icalcomponent_new(ICAL_XSTANDARD_COMPONENT);
  icaltimetype start = icaltime_null_time();
  start.year = 1970, start.month = 1, start.day = 1;
  icalcomponent_add_property(standard, icalproperty_new_dtstart(start));
  icalcomponent_add_property(standard, icalproperty_new_tzoffsetfrom(7 * 3600));
  icalcomponent_add_property(standard, icalproperty_new_tzoffsetto(7 * 3600));
  icalcomponent_add_property(standard, icalproperty_new_tzname("+07"));
  icalcomponent_add_component(tz, standard);
  return tz;
}

icalcomponent* Event(absl::string_view uid, absl::string_view summary, absl::string_view place,
                     absl::string_view starts_at, absl::string_view ends_at) {
  icalcomponent* e = icalcomponent_new(ICAL_VEVENT_COMPONENT);
  const std::string uid_text = absl::StrCat(uid, "@chibo");
  icalcomponent_add_property(e, icalproperty_new_uid(uid_text.c_str()));
  icalcomponent_add_property(
      e, icalproperty_new_dtstamp(icaltime_from_timet_with_zone(
             absl::ToTimeT(absl::Now()), 0, icaltimezone_get_utc_timezone())));
  icalcomponent_add_property(e, WithTzid(icalproperty_new_dtstart(LocalTime(starts_at))));
  icalcomponent_add_property(e, WithTzid(icalproperty_new_dtend(LocalTime(ends_at))));
  const std::string summary_text(summary), place_text(place);
  icalcomponent_add_property(e, icalproperty_new_summary(summary_text.c_str()));
  if (!place.empty()) icalcomponent_add_property(e, icalproperty_new_location(place_text.c_str()));
  return e;
}

// The series' rule, ending where the service stopped materializing it.
icalproperty* BoundedRule(const v1::MeetingSeries& series) {
  icalrecurrencetype rule = icalrecurrencetype_from_string(series.rrule().c_str());
  if (icaltime_is_null_time(rule.until) && rule.count == 0) {
    // UNTIL of a zoned DTSTART is in UTC: 23:59 local on the last day.
    const int64_t until = time::LocalMinuteToUnix(absl::CivilMinute(
                              *time::ParseDate(series.materialized_until()))) +
                          24 * 3600 - 60;
    rule.until = icaltime_from_timet_with_zone(static_cast<time_t>(until), 0,
                                               icaltimezone_get_utc_timezone());
  }
  return icalproperty_new_rrule(rule);
}

}  // namespace

absl::Status Scheduling::ExportCalendar(const auth::Claims& caller,
                                        const v1::ExportCalendarRequest& request,
                                        v1::CalendarExport* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("cell_id", request.cell_id());
  v.CheckDate("from", request.from(), false);
  v.CheckDate("to", request.to(), false);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.cell_id()); !s.ok()) return s;
  const std::string from = request.from().empty() ? "0000-01-01" : request.from();
  const std::string to = request.to().empty() ? "9999-12-31" : request.to();

  auto series_rows = db_->Query(sql::kSelectSeriesOfCell, {request.cell_id()});
  if (!series_rows.ok()) return series_rows.status();
  auto meeting_rows = db_->Query(
      sql::kListMeetingsOfCell,
      {request.cell_id(), int64_t{0}, int64_t{253402300799}, int64_t{0}, int64_t{1000000}, int64_t{0}});
  if (!meeting_rows.ok()) return meeting_rows.status();
  std::map<std::string, std::vector<v1::Meeting>> by_series;
  std::vector<v1::Meeting> one_offs;
  for (const db::Row& r : meeting_rows->rows) {
    v1::Meeting m = MeetingFromRow(r);
    if (m.series_id().empty()) {
      one_offs.push_back(std::move(m));
    } else {
      by_series[m.series_id()].push_back(std::move(m));
    }
  }

  icalcomponent* cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
  icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal, icalproperty_new_prodid("-//chibo//Lich sinh hoat chi bo//VI"));
  icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
  icalcomponent_add_component(cal, VietnamTimezone());
  int events = 0;
  auto in_range = [&](const std::string& starts_at) {
    const std::string day = starts_at.substr(0, 10);
    return day >= from && day <= to;
  };

  for (const db::Row& r : series_rows->rows) {
    v1::MeetingSeries series;
    series.set_id(r.Text(0));
    series.set_kind(static_cast<v1::MeetingKind>(r.Int(2)));
    series.set_title(r.Text(3));
    series.set_rrule(r.Text(4));
    series.set_first_start(r.Text(5));
    series.set_duration_minutes(static_cast<int32_t>(r.Int(6)));
    series.set_place(r.Text(7));
    series.set_materialized_until(r.Text(8));
    if (series.materialized_until() < from || series.first_start().substr(0, 10) > to) continue;
    const std::string first_end = time::FormatLocalMinute(
        *time::ParseLocalMinute(series.first_start()) + series.duration_minutes());
    icalcomponent* e = Event(series.id(), series.title(), series.place(), series.first_start(), first_end);
    icalcomponent_add_property(e, BoundedRule(series));
    std::vector<icalcomponent*> overrides;
    for (const v1::Meeting& m : by_series[series.id()]) {
      if (m.status() == v1::CANCELLED || m.status() == v1::POSTPONED) {
        icalcomponent_add_property(e, WithTzid(icalproperty_new_exdate(LocalTime(m.occurrence_start()))));
        continue;
      }
      const std::string planned_end = time::FormatLocalMinute(
          *time::ParseLocalMinute(m.occurrence_start()) + series.duration_minutes());
      if (m.starts_at() != m.occurrence_start() || m.ends_at() != planned_end ||
          m.place() != series.place() || m.title() != series.title()) {
        icalcomponent* o = Event(series.id(), m.title(), m.place(), m.starts_at(), m.ends_at());
        icalcomponent_add_property(o, WithTzid(icalproperty_new_recurrenceid(LocalTime(m.occurrence_start()))));
        overrides.push_back(o);
      }
      ++events;
    }
    icalcomponent_add_component(cal, e);
    for (icalcomponent* o : overrides) icalcomponent_add_component(cal, o);
  }
  for (const v1::Meeting& m : one_offs) {
    if (m.status() == v1::CANCELLED || m.status() == v1::POSTPONED || !in_range(m.starts_at())) continue;
    icalcomponent_add_component(cal, Event(m.id(), m.title(), m.place(), m.starts_at(), m.ends_at()));
    ++events;
  }
  char* text = icalcomponent_as_ical_string_r(cal);
  response->set_ics(text);
  response->set_events(events);
  free(text);
  icalcomponent_free(cal);
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
