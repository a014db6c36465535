#include "services/scheduling/recurrence.h"

#include <libical/ical.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace chibo::scheduling {
namespace {

absl::StatusOr<icalrecurrencetype> ParseRule(absl::string_view rrule) {
  if (rrule.empty()) return absl::InvalidArgumentError("bắt buộc / required");
  if (absl::StartsWithIgnoreCase(rrule, "RRULE:")) {
    return absl::InvalidArgumentError("bỏ tiền tố RRULE: / without the \"RRULE:\" prefix");
  }
  icalerror_clear_errno();
  const std::string text(rrule);
  icalrecurrencetype rule = icalrecurrencetype_from_string(text.c_str());
  if (icalerrno != ICAL_NO_ERROR || rule.freq == ICAL_NO_RECURRENCE) {
    icalerror_clear_errno();
    return absl::InvalidArgumentError(
        absl::StrCat("RRULE không hợp lệ / not a valid RFC 5545 RRULE: \"", rrule, "\""));
  }
  if (rule.freq == ICAL_SECONDLY_RECURRENCE || rule.freq == ICAL_MINUTELY_RECURRENCE ||
      rule.freq == ICAL_HOURLY_RECURRENCE) {
    return absl::InvalidArgumentError("tần suất tối đa là hằng ngày / at most FREQ=DAILY");
  }
  // BYHOUR, BYMINUTE and BYSECOND would give a day several occurrences (out
  // of order, or the same minute twice; libical reads "BYMINUTE=44," as
  // 44 and 0): the time of day is the first start's.
  if (rule.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX || rule.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
      rule.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX) {
    return absl::InvalidArgumentError(
        "giờ họp lấy theo first_start, không dùng BYHOUR, BYMINUTE, BYSECOND / the time of day is "
        "first_start's: no BYHOUR, BYMINUTE or BYSECOND");
  }
  return rule;
}

}  // namespace

absl::Status ValidateRrule(absl::string_view rrule) { return ParseRule(rrule).status(); }

absl::StatusOr<std::vector<absl::CivilMinute>> ExpandRrule(absl::string_view rrule,
                                                           absl::CivilMinute first_start,
                                                           absl::CivilDay until, int limit) {
  auto rule = ParseRule(rrule);
  if (!rule.ok()) return rule.status();
  icaltimetype start = icaltime_null_time();
  start.year = static_cast<int>(first_start.year());
  start.month = first_start.month();
  start.day = first_start.day();
  start.hour = first_start.hour();
  start.minute = first_start.minute();
  start.is_date = 0;
  icalrecur_iterator* it = icalrecur_iterator_new(*rule, start);
  if (it == nullptr) {
    icalerror_clear_errno();
    return absl::InvalidArgumentError(
        absl::StrCat("RRULE không dùng được với DTSTART / RRULE unusable with this start: \"",
                     rrule, "\""));
  }
  std::vector<absl::CivilMinute> out;
  absl::Status status;
  for (icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
       t = icalrecur_iterator_next(it)) {
    absl::CivilMinute m(t.year, t.month, t.day, t.hour, t.minute);
    if (absl::CivilDay(m) > until) break;
    if (static_cast<int>(out.size()) == limit) {
      status = absl::InvalidArgumentError(
          absl::StrCat("quá ", limit, " buổi / more than ", limit, " occurrences"));
      break;
    }
    out.push_back(m);
  }
  icalrecur_iterator_free(it);
  if (!status.ok()) return status;
  return out;
}

}  // namespace chibo::scheduling
