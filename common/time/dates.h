// Civil dates ("YYYY-MM-DD") in Asia/Ho_Chi_Minh, which has kept UTC+7 with
// no daylight saving since 1975, so a fixed zone is exact and needs no tzdata.
#ifndef CHIBO_COMMON_TIME_DATES_H_
#define CHIBO_COMMON_TIME_DATES_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace chibo::time {

absl::TimeZone VietnamTimeZone();

// Strictly "YYYY-MM-DD" naming a real day; InvalidArgument otherwise.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text);
bool IsValidDate(absl::string_view text);
std::string FormatDate(absl::CivilDay day);

// Today in Vietnam.
absl::CivilDay Today();
std::string TodayText();

// RFC 3339 UTC with microseconds, for audit and timestamps.
std::string FormatTimestamp(absl::Time t);

}  // namespace chibo::time

#endif  // CHIBO_COMMON_TIME_DATES_H_
