// Civil dates ("YYYY-MM-DD") in Asia/Ho_Chi_Minh, which has kept UTC+7 with
// no daylight saving since 1975, so a fixed zone is exact and needs no tzdata.
#ifndef CHIBO_COMMON_TIME_DATES_H_
#define CHIBO_COMMON_TIME_DATES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace chibo::time {

absl::TimeZone VietnamTimeZone();

// No date chibo accepts lies outside these years (the oldest members were
// born after 1900; nothing is planned past 2199): IsValidDate and
// IsValidLocalMinute, which every request check uses, refuse the others.
// Parse* read any year, so rows stored before the bound still read.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2199;

// Strictly "YYYY-MM-DD" naming a real day; InvalidArgument otherwise.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text);
// The same, and in [kMinYear, kMaxYear].
bool IsValidDate(absl::string_view text);
std::string FormatDate(absl::CivilDay day);

// Today in Vietnam, and the current local minute.
absl::CivilDay Today();
std::string TodayText();
absl::CivilMinute NowLocalMinute();

// Local wall-clock times of meetings, "YYYY-MM-DDTHH:MM" in Vietnam time.
absl::StatusOr<absl::CivilMinute> ParseLocalMinute(absl::string_view text);
bool IsValidLocalMinute(absl::string_view text);  // and in [kMinYear, kMaxYear]
std::string FormatLocalMinute(absl::CivilMinute minute);
// Seconds since the epoch of a local minute, and back.
int64_t LocalMinuteToUnix(absl::CivilMinute minute);
absl::CivilMinute UnixToLocalMinute(int64_t seconds);

// RFC 3339 UTC with microseconds, for audit and timestamps.
std::string FormatTimestamp(absl::Time t);

}  // namespace chibo::time

#endif  // CHIBO_COMMON_TIME_DATES_H_
