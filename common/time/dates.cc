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
    return absl::InvalidArgumentError(absl::StrCat("not a date YYYY-MM-DD: \"", text, "\""));
  }
  return day;
}

bool IsValidDate(absl::string_view text) { return ParseDate(text).ok(); }

std::string FormatDate(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::CivilDay Today() { return absl::ToCivilDay(absl::Now(), VietnamTimeZone()); }

std::string TodayText() { return FormatDate(Today()); }

std::string FormatTimestamp(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", t, absl::UTCTimeZone());
}

}  // namespace chibo::time
