// The report period parser (common/time/period.h).
// Properties: a parsed period is one of the four shapes, named exactly as
// given, its text is exactly what the canonical form of (year, kind, n) is
// (so "2025-1 ", "+2025", "2025-Q01" are refused), its months are
// consecutive and inside one year, and from()/to() are its first and last
// days; refusals are INVALID_ARGUMENT with a bounded message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_format.h"
#include "common/time/period.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto p = chibo::time::ParsePeriod(text);
  if (!p.ok()) {
    FUZZ_CHECK(p.status().code() == absl::StatusCode::kInvalidArgument, "%s",
               p.status().ToString().c_str());
    FUZZ_CHECK(p.status().message().size() < 400, "message of %zu bytes echoes the input",
               p.status().message().size());
    return 0;
  }
  const int year = static_cast<int>(p->first.year());
  const int month = p->first.month();
  FUZZ_CHECK(year >= 2000 && year <= 2100, "year %d", year);
  FUZZ_CHECK(p->name == text, "name differs from the text");
  std::string canonical;
  switch (p->months) {
    case 12:
      FUZZ_CHECK(month == 1, "year starting in month %d", month);
      canonical = absl::StrFormat("%04d", year);
      break;
    case 6:
      FUZZ_CHECK(month == 1 || month == 7, "half starting in month %d", month);
      canonical = absl::StrFormat("%04d-H%d", year, month == 1 ? 1 : 2);
      break;
    case 3:
      FUZZ_CHECK(month % 3 == 1, "quarter starting in month %d", month);
      canonical = absl::StrFormat("%04d-Q%d", year, (month - 1) / 3 + 1);
      break;
    case 1:
      canonical = absl::StrFormat("%04d-%02d", year, month);
      break;
    default:
      FUZZ_CHECK(false, "%d months", p->months);
  }
  FUZZ_CHECK(text == canonical, "\"%s\" read as \"%s\"", text.c_str(), canonical.c_str());
  const auto months = p->Months();
  FUZZ_CHECK(static_cast<int>(months.size()) == p->months, "Months() size");
  for (size_t i = 0; i < months.size(); ++i) {
    FUZZ_CHECK(months[i] == p->first + static_cast<int>(i), "months not consecutive");
    FUZZ_CHECK(months[i].year() == year, "period crosses a year");
  }
  FUZZ_CHECK(p->from() == absl::StrFormat("%04d-%02d-01", year, month), "from() %s",
             p->from().c_str());
  const absl::CivilDay last = absl::CivilDay(p->first + p->months) - 1;
  FUZZ_CHECK(p->to() == absl::StrFormat("%04d-%02d-%02d", last.year(), last.month(), last.day()),
             "to() %s", p->to().c_str());
  FUZZ_CHECK(!p->Vietnamese().empty(), "no Vietnamese wording");
  return 0;
}
