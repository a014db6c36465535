// Report periods as officials name them: a year "2023", a half "2023-H1",
// a quarter "2023-Q3", a month "2023-06".
#ifndef CHIBO_COMMON_TIME_PERIOD_H_
#define CHIBO_COMMON_TIME_PERIOD_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace chibo::time {

struct Period {
  std::string name;        // as given
  absl::CivilMonth first;  // first month
  int months = 0;          // 12, 6, 3 or 1
  std::string from() const;  // first day, "YYYY-MM-DD"
  std::string to() const;    // last day
  std::vector<absl::CivilMonth> Months() const;
  // Vietnamese wording: "năm 2023", "6 tháng đầu năm 2023", "quý III năm 2023", "tháng 6/2023".
  std::string Vietnamese() const;
  // English wording: "2023", "the first half of 2023", "the third quarter of 2023", "June 2023".
  std::string English() const;
};

absl::StatusOr<Period> ParsePeriod(absl::string_view text);

}  // namespace chibo::time

#endif  // CHIBO_COMMON_TIME_PERIOD_H_
