// Expanding a meeting series' RFC 5545 RRULE (libical) into local start
// times. DTSTART is a floating local time read as Asia/Ho_Chi_Minh, which
// has no daylight saving, so local wall-clock times are exact.
#ifndef CHIBO_SERVICES_SCHEDULING_RECURRENCE_H_
#define CHIBO_SERVICES_SCHEDULING_RECURRENCE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace chibo::scheduling {

// A rule we accept: parses, has a FREQ, and is at most daily (a meeting
// schedule, not a timer: no BYHOUR, BYMINUTE or BYSECOND either, the time of
// day is DTSTART's). InvalidArgument with the reason otherwise.
absl::Status ValidateRrule(absl::string_view rrule);

// Occurrences of `rrule` from `first_start` whose day is ≤ `until`, at most
// `limit` of them (InvalidArgument beyond, so a typo cannot fill the table).
absl::StatusOr<std::vector<absl::CivilMinute>> ExpandRrule(absl::string_view rrule,
                                                           absl::CivilMinute first_start,
                                                           absl::CivilDay until, int limit = 2000);

}  // namespace chibo::scheduling

#endif  // CHIBO_SERVICES_SCHEDULING_RECURRENCE_H_
