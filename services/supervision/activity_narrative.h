// The activity report as a paragraph, in Vietnamese worded like seed 002
// ("Trong 6 tháng đầu năm 2023, các tổ dự sinh hoạt cấp tỉnh dự sinh hoạt
// được 68 chi bộ (02 chi bộ cơ sở, 66 chi bộ trực thuộc đảng ủy cơ sở), ...")
// and in English, both from the same figures by the same code.
//
// The rules: a zero count is never written as a number (a level that
// attended no cell "chưa dự sinh hoạt chi bộ nào"; no base-committee or
// thematic meeting: that clause is left out; a kind of cell with none: only
// the other kind is named); the most and the fewest by one group are
// compared only when they differ (one group, or all groups with the same
// count, are named with their count instead); groups sharing the most or
// the fewest are all named ("Tổ số 2 và Tổ số 5", "Tổ số 1, Tổ số 2 và Tổ số
// 5"; past six names, five and "và 07 tổ khác"); numbers in Vietnamese style
// (small ones with two digits as officials write them, "02"; thousands with
// dots, "1.234"), in English plainly ("2", "1,234").
#ifndef CHIBO_SERVICES_SUPERVISION_ACTIVITY_NARRATIVE_H_
#define CHIBO_SERVICES_SUPERVISION_ACTIVITY_NARRATIVE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "chibo/supervision/v1/supervision.pb.h"
#include "common/time/period.h"

namespace chibo::supervision {

// Report periods (common/time/period.h).
using time::ParsePeriod;
using time::Period;

enum class Language { kVietnamese, kEnglish };

// The paragraph for `report` (its levels, name) over `period`.
std::string ActivityNarrative(const v1::ActivityReport& report, const Period& period,
                              Language language = Language::kVietnamese);

// The sentences the paragraph ends with (worded the same way): how much of
// the subtree the levels covered together (coverage report), and how many
// held meetings met the standard of Hướng dẫn 12-HD/BTCTW and which
// criteria the others failed most (compliance report). Empty when there is
// nothing to count.
std::string CoverageSentence(const v1::CoverageFigures& figures, Language language);
std::string StandardSentence(const v1::ComplianceFigures& figures, Language language);

// A date as officials write it: "2026-11-05" → "05/11/2026".
std::string VietnameseDate(absl::string_view iso);

// A count as the paragraph writes it: "02", "68", "1.234" (Vietnamese);
// "2", "68", "1,234" (English). Zero is "0" in both.
std::string NarrativeNumber(int64_t n, Language language);

// "A"; "A và B"; "A, B và C" (English: "and"). Past six names: the first
// five and "và 07 <other> khác" / "and 7 other <others>".
std::string JoinNames(const std::vector<std::string>& names, Language language,
                      const std::string& others);

// The order groups are named in: by name, runs of digits by their value
// ("Tổ số 2" before "Tổ số 10"), otherwise byte by byte.
bool NameBefore(const std::string& a, const std::string& b);

}  // namespace chibo::supervision

#endif  // CHIBO_SERVICES_SUPERVISION_ACTIVITY_NARRATIVE_H_
