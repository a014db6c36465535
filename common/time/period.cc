#include "common/time/period.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"

namespace chibo::time {

std::string Period::from() const { return time::FormatDate(absl::CivilDay(first)); }

std::string Period::to() const {
  return time::FormatDate(absl::CivilDay(first + months) - 1);
}

std::vector<absl::CivilMonth> Period::Months() const {
  std::vector<absl::CivilMonth> out;
  for (int i = 0; i < months; ++i) out.push_back(first + i);
  return out;
}

std::string Period::Vietnamese() const {
  const int64_t year = first.year();
  static const char* kRoman[] = {"I", "II", "III", "IV"};
  switch (months) {
    case 12: return absl::StrCat("năm ", year);
    case 6: return absl::StrCat(first.month() == 1 ? "6 tháng đầu năm " : "6 tháng cuối năm ", year);
    case 3: return absl::StrCat("quý ", kRoman[(first.month() - 1) / 3], " năm ", year);
    default: return absl::StrCat("tháng ", first.month(), "/", year);
  }
}

std::string Period::English() const {
  const int64_t year = first.year();
  static const char* kOrdinal[] = {"first", "second", "third", "fourth"};
  static const char* kMonth[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  switch (months) {
    case 12: return absl::StrCat(year);
    case 6: return absl::StrCat(first.month() == 1 ? "the first half of " : "the second half of ", year);
    case 3: return absl::StrCat("the ", kOrdinal[(first.month() - 1) / 3], " quarter of ", year);
    default: return absl::StrCat(kMonth[first.month() - 1], " ", year);
  }
}

namespace {

// Only ASCII digits, at least one (absl::SimpleAtoi would also take "1 ",
// "1\r" or "+1").
bool Digits(absl::string_view text, int* out) {
  if (text.empty() || text.size() > 4) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(text, out);
}

}  // namespace

absl::StatusOr<Period> ParsePeriod(absl::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(absl::StrCat(
        "kỳ báo cáo không hợp lệ / not a period: \"", errors::Echo(text),
        "\" (YYYY, YYYY-H1, YYYY-H2, YYYY-Q1..Q4, YYYY-MM)"));
  };
  int year = 0;
  if (text.size() < 4 || !Digits(text.substr(0, 4), &year) || year < 2000 || year > 2100) {
    return bad();
  }
  Period p;
  p.name = std::string(text);
  if (text.size() == 4) {
    p.first = absl::CivilMonth(year, 1);
    p.months = 12;
    return p;
  }
  if (text.size() != 7 || text[4] != '-') return bad();
  const char kind = text[5];
  int n = 0;
  if (kind == 'H' && Digits(text.substr(6), &n) && (n == 1 || n == 2)) {
    p.first = absl::CivilMonth(year, n == 1 ? 1 : 7);
    p.months = 6;
  } else if (kind == 'Q' && Digits(text.substr(6), &n) && n >= 1 && n <= 4) {
    p.first = absl::CivilMonth(year, 3 * (n - 1) + 1);
    p.months = 3;
  } else if (Digits(text.substr(5), &n) && n >= 1 && n <= 12) {  // two digits: "2025-01"
    p.first = absl::CivilMonth(year, n);
    p.months = 1;
  } else {
    return bad();
  }
  return p;
}

}  // namespace chibo::time
