#include "absl/strings/string_view.h"
#include "common/time/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace chibo::time {

absl::TimeZone VietnamTimeZone() {
  static const absl::TimeZone tz = absl::FixedTimeZone(7 * 60 * 60);
  return tz;
}

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' ||
      !absl::ParseCivilTime(text, &day) || FormatDate(day) != text) {
    return absl::InvalidArgumentError("not a date YYYY-MM-DD");
  }
  return day;
}

bool IsValidDate(absl::string_view text) {
  auto day = ParseDate(text);
  return day.ok() && day->year() >= kMinYear && day->year() <= kMaxYear;
}

std::string FormatDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::CivilDay Today() { return absl::ToCivilDay(absl::Now(), VietnamTimeZone()); }

std::string TodayText() { return FormatDate(Today()); }

absl::CivilMinute NowLocalMinute() { return absl::ToCivilMinute(absl::Now(), VietnamTimeZone()); }

absl::StatusOr<absl::CivilMinute> ParseLocalMinute(absl::string_view text) {
  absl::CivilMinute minute;
  if (text.size() != 16 || text[10] != 'T' || !absl::ParseCivilTime(text, &minute) ||
      FormatLocalMinute(minute) != text) {
    return absl::InvalidArgumentError("not a local time YYYY-MM-DDTHH:MM");
  }
  return minute;
}

bool IsValidLocalMinute(absl::string_view text) {
  auto minute = ParseLocalMinute(text);
  return minute.ok() && minute->year() >= kMinYear && minute->year() <= kMaxYear;
}

std::string FormatLocalMinute(absl::CivilMinute minute) {
  return absl::FormatCivilTime(minute);  // "YYYY-MM-DDTHH:MM"
}

int64_t LocalMinuteToUnix(absl::CivilMinute minute) {
  return absl::ToUnixSeconds(absl::FromCivil(minute, VietnamTimeZone()));
}

absl::CivilMinute UnixToLocalMinute(int64_t seconds) {
  return absl::ToCivilMinute(absl::FromUnixSeconds(seconds), VietnamTimeZone());
}

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

}  // namespace chibo::time
