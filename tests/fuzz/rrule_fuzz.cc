// RRULE parsing and expansion (services/scheduling/recurrence.h) as
// CreateSeries uses them. Input: 4 bytes choosing DTSTART (1990..2115, any
// minute) and the horizon (0..1023 days), then the RRULE text.
// Properties: ValidateRrule and ExpandRrule agree on what parses; refusals
// are INVALID_ARGUMENT; occurrences strictly increase, start at or after
// DTSTART, end by the horizon, and number at most the limit; no call hangs
// (libFuzzer's -timeout) and memory stays bounded (-rss_limit_mb).
#include <cstddef>
#include <cstdint>
#include <string>

#include "services/scheduling/recurrence.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const int year = 1990 + data[0] % 126;
  const int month = 1 + data[1] % 12;
  const int day = 1 + (data[1] >> 4) % 28 + (data[2] & 3);  // 1..31, normalized by CivilMinute
  const int minute_of_day = (data[2] >> 2) * 23;          // 0..1449 → normalized
  const int horizon_days = data[3] * 4 + (data[2] & 3);    // 0..1023
  const absl::CivilMinute start(year, month, day, 0, minute_of_day);
  const absl::CivilDay until = absl::CivilDay(start) + horizon_days;
  const std::string rrule(reinterpret_cast<const char*>(data + 4), size - 4);
  constexpr int kLimit = 400;

  const absl::Status valid = chibo::scheduling::ValidateRrule(rrule);
  FUZZ_CHECK(valid.ok() || valid.code() == absl::StatusCode::kInvalidArgument, "%s",
             valid.ToString().c_str());
  auto expanded = chibo::scheduling::ExpandRrule(rrule, start, until, kLimit);
  if (!valid.ok()) {
    FUZZ_CHECK(!expanded.ok(), "ValidateRrule refused but ExpandRrule expanded");
    return 0;
  }
  if (!expanded.ok()) {
    FUZZ_CHECK(expanded.status().code() == absl::StatusCode::kInvalidArgument, "%s",
               expanded.status().ToString().c_str());
    return 0;
  }
  FUZZ_CHECK(static_cast<int>(expanded->size()) <= kLimit, "%zu occurrences", expanded->size());
  for (size_t i = 0; i < expanded->size(); ++i) {
    const absl::CivilMinute m = (*expanded)[i];
    FUZZ_CHECK(absl::CivilDay(m) <= until, "occurrence past the horizon");
    FUZZ_CHECK(m >= start, "occurrence before DTSTART");
    if (i > 0) FUZZ_CHECK((*expanded)[i - 1] < m, "occurrences not strictly increasing");
  }
  // The one-occurrence call CreateSeries makes to check DTSTART.
  auto first = chibo::scheduling::ExpandRrule(rrule, start, absl::CivilDay(start), 1);
  FUZZ_CHECK(first.ok() || first.status().code() == absl::StatusCode::kInvalidArgument, "%s",
             first.status().ToString().c_str());
  return 0;
}
