#include "services/supervision/activity_narrative.h"

#include <algorithm>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace chibo::supervision {

std::string VietnameseDate(absl::string_view iso) {
  if (iso.size() < 10) return std::string(iso);
  return absl::StrCat(iso.substr(8, 2), "/", iso.substr(5, 2), "/", iso.substr(0, 4));
}

std::string NarrativeNumber(int64_t n, Language language) {
  const bool vi = language == Language::kVietnamese;
  std::string digits = absl::StrCat(n < 0 ? -n : n);
  // Officials write small counts with two digits ("02 chi bộ"), never "00".
  if (vi && n > 0 && n < 10) digits = absl::StrCat("0", digits);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += vi ? '.' : ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string JoinNames(const std::vector<std::string>& names, Language language,
                      const std::string& others) {
  const bool vi = language == Language::kVietnamese;
  const std::string last_sep = vi ? " và " : " and ";
  constexpr size_t kAll = 6, kShown = 5;
  if (names.empty()) return "";
  if (names.size() > kAll) {
    const std::vector<std::string> shown(names.begin(), names.begin() + kShown);
    const int64_t rest = static_cast<int64_t>(names.size() - kShown);
    return absl::StrCat(absl::StrJoin(shown, ", "), last_sep, NarrativeNumber(rest, language),
                        vi ? " " : " other ", others, vi ? " khác" : "");
  }
  if (names.size() == 1) return names[0];
  const std::vector<std::string> head(names.begin(), names.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), last_sep, names.back());
}

bool NameBefore(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (absl::ascii_isdigit(a[i]) && absl::ascii_isdigit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && absl::ascii_isdigit(a[ie])) ++ie;
      while (je < b.size() && absl::ascii_isdigit(b[je])) ++je;
      // Compare the runs by value: without leading zeros, shorter is smaller.
      size_t is = i, js = j;
      while (is + 1 < ie && a[is] == '0') ++is;
      while (js + 1 < je && b[js] == '0') ++js;
      const std::string_view x(a.data() + is, ie - is), y(b.data() + js, je - js);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      i = ie;
      j = je;
      continue;
    }
    if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
    ++i;
    ++j;
  }
  if ((a.size() - i) != (b.size() - j)) return a.size() - i < b.size() - j;
  return a < b;  // equal by value ("02" and "2"): still a strict order
}

namespace {

bool Vi(Language l) { return l == Language::kVietnamese; }

// "02 chi bộ" / "2 cells", "1 cell".
std::string Count(int64_t n, Language l, const std::string& vi, const std::string& en_one,
                  const std::string& en_many) {
  return absl::StrCat(NarrativeNumber(n, l), " ", Vi(l) ? vi : (n == 1 ? en_one : en_many));
}

// Who the groups of a level are: teams (or, where no team went, the
// supervisors who went alone) at province level; committees below.
enum class GroupKind { kTeam, kSupervisor, kCommittee };

GroupKind KindOf(const v1::LevelActivity& a) {
  if (a.level() != v1::PROVINCE_LEVEL) return GroupKind::kCommittee;
  return absl::StartsWith(a.most_cells_by_one().group_id(), "member:") ? GroupKind::kSupervisor
                                                                        : GroupKind::kTeam;
}

// The group noun: singular (English), plural (English), Vietnamese.
struct Noun {
  const char* en_one;
  const char* en_many;
  const char* vi;     // in a sentence
  const char* vi_up;  // starting one
};

Noun NounOf(GroupKind k) {
  switch (k) {
    case GroupKind::kTeam: return {"team", "teams", "tổ", "Tổ"};
    case GroupKind::kSupervisor: return {"supervisor", "supervisors", "đồng chí", "Đồng chí"};
    default: return {"committee", "committees", "đảng bộ", "Đảng bộ"};
  }
}

std::vector<std::string> Names(const v1::GroupCount& g) {
  if (g.group_names_size() > 0) return {g.group_names().begin(), g.group_names().end()};
  return {g.group_name()};  // a report from before ties were kept
}

// "68 chi bộ (02 chi bộ cơ sở, 66 chi bộ trực thuộc đảng ủy cơ sở)", or only
// the kind there was.
std::string Cells(const v1::LevelActivity& a, Language l) {
  const int n = a.cells_attended(), base = a.base_cells_attended(), sub = a.subordinate_cells_attended();
  const std::string vi_sub = "chi bộ trực thuộc đảng ủy cơ sở";
  if (base > 0 && sub > 0) {
    return absl::StrCat(Count(n, l, "chi bộ", "cell", "cells"), " (",
                        Count(base, l, "chi bộ cơ sở", "base cell", "base cells"), ", ",
                        Count(sub, l, vi_sub, "subordinate cell", "subordinate cells"), ")");
  }
  if (base == n) return Count(n, l, "chi bộ cơ sở", "base cell", "base cells");
  if (sub == n) return Count(n, l, vi_sub, "subordinate cell", "subordinate cells");
  return Count(n, l, "chi bộ", "cell", "cells");
}

std::string JoinEnglish(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items[0];
  return absl::StrCat(absl::StrJoin(items.begin(), items.end() - 1, ", "), " and ", items.back());
}

// What the level did: cells, base-committee meetings, thematic meetings.
std::string LevelSentence(const v1::LevelActivity& a, bool first, const Period& period, Language l) {
  std::string who;
  switch (a.level()) {
    case v1::PROVINCE_LEVEL: who = Vi(l) ? "tổ dự sinh hoạt cấp tỉnh" : "provincial supervision teams"; break;
    case v1::DISTRICT_LEVEL: who = Vi(l) ? "tổ cấp huyện" : "district teams"; break;
    default: who = Vi(l) ? "đảng ủy cơ sở" : "base committees"; break;
  }
  std::string s;
  if (Vi(l)) {
    s = first ? absl::StrCat("Trong ", period.Vietnamese(), ", các ", who) : absl::StrCat("Các ", who);
    if (a.cells_attended() > 0) {
      absl::StrAppend(&s, " dự sinh hoạt được ", Cells(a, l));
    } else {
      absl::StrAppend(&s, " chưa dự sinh hoạt chi bộ nào");
    }
    if (a.committee_meetings_attended() > 0) {
      absl::StrAppend(&s, ", dự họp đảng ủy cơ sở ", NarrativeNumber(a.committee_meetings_attended(), l), " cuộc");
    }
    if (a.thematic_meetings_attended() > 0) {
      absl::StrAppend(&s, "; dự sinh hoạt chuyên đề ", NarrativeNumber(a.thematic_meetings_attended(), l), " buổi");
    }
    return s + ".";
  }
  s = first ? absl::StrCat("In ", period.English(), ", the ", who) : absl::StrCat("The ", who);
  std::vector<std::string> more;
  if (a.committee_meetings_attended() > 0) {
    more.push_back(Count(a.committee_meetings_attended(), l, "", "base-committee meeting", "base-committee meetings"));
  }
  if (a.thematic_meetings_attended() > 0) {
    more.push_back(Count(a.thematic_meetings_attended(), l, "", "thematic meeting", "thematic meetings"));
  }
  if (a.cells_attended() > 0) {
    more.insert(more.begin(), absl::StrCat("meetings of ", Cells(a, l)));
    absl::StrAppend(&s, " attended ", JoinEnglish(more));
  } else {
    absl::StrAppend(&s, " attended no cell meeting");
    if (!more.empty()) absl::StrAppend(&s, ", but ", JoinEnglish(more));
  }
  return s + ".";
}

// The most and the fewest cells by one group; empty when no group attended a
// cell. Compared only when they differ.
std::string GroupSentence(const v1::LevelActivity& a, Language l) {
  const v1::GroupCount& most = a.most_cells_by_one();
  const v1::GroupCount& fewest = a.fewest_cells_by_one();
  if (a.groups() <= 0 || most.cells() <= 0) return "";
  const Noun noun = NounOf(KindOf(a));
  auto names = [&](const v1::GroupCount& g) { return JoinNames(Names(g), l, Vi(l) ? noun.vi : noun.en_many); };
  if (most.cells() == fewest.cells()) {  // one group, or every group the same
    const std::vector<std::string> all = Names(most);
    if (all.size() == 1) {
      return Vi(l) ? absl::StrCat(all[0], " dự sinh hoạt được ", Count(most.cells(), l, "chi bộ", "", ""), ".")
                   : absl::StrCat(all[0], " attended meetings of ", Count(most.cells(), l, "", "cell", "cells"), ".");
    }
    return Vi(l) ? absl::StrCat("Mỗi ", noun.vi, " dự sinh hoạt được ", Count(most.cells(), l, "chi bộ", "", ""),
                                " (", names(most), ").")
                 : absl::StrCat("Each ", noun.en_one, " attended meetings of ",
                                Count(most.cells(), l, "", "cell", "cells"), " (", names(most), ").");
  }
  std::string s = Vi(l) ? absl::StrCat(noun.vi_up, " dự sinh hoạt nhiều nhất được ",
                                       Count(most.cells(), l, "chi bộ", "", ""), " (", names(most), ")")
                        : absl::StrCat("The most cells attended by one ", noun.en_one, ": ",
                                       NarrativeNumber(most.cells(), l), " (", names(most), ")");
  if (fewest.cells() > 0) {
    absl::StrAppend(&s, Vi(l) ? ", dự ít nhất " : "; the fewest: ",
                    Vi(l) ? Count(fewest.cells(), l, "chi bộ", "", "") : NarrativeNumber(fewest.cells(), l),
                    " (", names(fewest), ").");
  } else {
    absl::StrAppend(&s, "; ", names(fewest),
                    Vi(l) ? " chưa dự sinh hoạt chi bộ nào." : " attended no cell meeting.");
  }
  return s;
}

}  // namespace

std::string ActivityNarrative(const v1::ActivityReport& report, const Period& period, Language language) {
  if (report.levels().empty()) {
    return Vi(language)
               ? absl::StrCat("Trong ", period.Vietnamese(), ", chưa có lượt dự sinh hoạt chi bộ nào của ",
                              "cấp ủy cấp trên tại ", report.name(), ".")
               : absl::StrCat("In ", period.English(), ", no higher-level committee attended a meeting in ",
                              report.name(), ".");
  }
  std::vector<std::string> sentences;
  for (int i = 0; i < report.levels_size(); ++i) {
    sentences.push_back(LevelSentence(report.levels(i), i == 0, period, language));
    if (std::string g = GroupSentence(report.levels(i), language); !g.empty()) sentences.push_back(std::move(g));
  }
  return absl::StrJoin(sentences, " ");
}

namespace {

// "54,8%" / "54.8%".
std::string Percent(double share, Language l) {
  std::string p = absl::StrFormat("%.1f%%", 100 * share);
  if (Vi(l)) std::replace(p.begin(), p.end(), '.', ',');
  return p;
}

}  // namespace

std::string CoverageSentence(const v1::CoverageFigures& f, Language l) {
  if (f.cells() == 0) return "";
  if (f.cells_attended() == 0) {
    return Vi(l) ? "Chưa có chi bộ nào được cấp ủy cấp trên dự sinh hoạt."
                 : "No cell was attended by a higher-level committee.";
  }
  const double share = static_cast<double>(f.cells_attended()) / f.cells();
  std::string out =
      Vi(l) ? absl::StrCat("Tính chung các cấp, đã dự sinh hoạt tại ", NarrativeNumber(f.cells_attended(), l), "/",
                           Count(f.cells(), l, "chi bộ", "cell", "cells"), " (", Percent(share, l), ")")
            : absl::StrCat("Across the levels, meetings of ", NarrativeNumber(f.cells_attended(), l), " of ",
                           Count(f.cells(), l, "", "cell", "cells"), " were attended (", Percent(share, l), ")");
  if (f.cells_never_attended() > 0) {
    absl::StrAppend(&out, Vi(l) ? absl::StrCat("; còn ", Count(f.cells_never_attended(), l, "chi bộ", "", ""),
                                               " chưa được cấp ủy cấp trên dự sinh hoạt")
                                : absl::StrCat("; ", Count(f.cells_never_attended(), l, "", "cell was", "cells were"),
                                               " not attended"));
  } else {
    absl::StrAppend(&out, Vi(l) ? "; tất cả các chi bộ đều được dự" : "; every cell was attended");
  }
  if (f.duplicate_cell_months() > 0) {
    absl::StrAppend(&out, Vi(l) ? absl::StrCat("; có ", NarrativeNumber(f.duplicate_cell_months(), l),
                                               " trường hợp hai cấp cùng dự một chi bộ trong một tháng")
                                : absl::StrCat("; ", NarrativeNumber(f.duplicate_cell_months(), l),
                                               f.duplicate_cell_months() == 1 ? " time" : " times",
                                               " two levels attended one cell in the same month"));
  } else {
    absl::StrAppend(&out, Vi(l) ? ", không có trùng lắp giữa các cấp" : ", with no overlap between levels");
  }
  return out + ".";
}

std::string StandardSentence(const v1::ComplianceFigures& f, Language l) {
  if (f.meetings_held() == 0) return "";
  std::string out =
      Vi(l) ? absl::StrCat("Trong ", Count(f.meetings_held(), l, "buổi sinh hoạt chi bộ", "", ""),
                           " đã tổ chức, ")
            : absl::StrCat("Of the ", Count(f.meetings_held(), l, "", "cell meeting", "cell meetings"), " held, ");
  if (f.meetings_meeting_standard() == f.meetings_held()) {
    return out + (Vi(l) ? "tất cả đều đạt tiêu chuẩn chất lượng theo Hướng dẫn 12-HD/BTCTW."
                        : "all met the standard of Guideline 12-HD/BTCTW.");
  }
  absl::StrAppend(&out, Vi(l) ? absl::StrCat("có ", Count(f.meetings_meeting_standard(), l, "buổi", "", ""),
                                             " đạt tiêu chuẩn chất lượng theo Hướng dẫn 12-HD/BTCTW (",
                                             Percent(f.standard_share(), l), ")")
                              : absl::StrCat(NarrativeNumber(f.meetings_meeting_standard(), l),
                                             " met the standard of Guideline 12-HD/BTCTW (",
                                             Percent(f.standard_share(), l), ")"));
  // The criteria failed, most often first (a meeting may fail several).
  std::vector<std::pair<int, std::string>> failed;
  auto add = [&](int n, const char* vi, const char* en) {
    if (n > 0) failed.push_back({n, absl::StrCat(Vi(l) ? vi : en, " (", Count(n, l, "buổi", "meeting", "meetings"), ")")});
  };
  add(f.standard_failed_attendance(), "tỷ lệ đảng viên dự chưa đạt mức quy định", "attendance below the mark");
  add(f.standard_failed_unexcused(), "có đảng viên vắng không lý do", "a member absent without reason");
  add(f.standard_failed_absence_run(), "có đảng viên vắng ba lần liên tiếp", "a member absent three times running");
  add(f.standard_failed_length(), "thời gian sinh hoạt dưới quy định", "shorter than the minimum");
  add(f.standard_failed_speakers(), "ít đảng viên phát biểu", "too few members speaking");
  std::stable_sort(failed.begin(), failed.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> reasons;
  for (auto& [n, text] : failed) reasons.push_back(std::move(text));
  if (!reasons.empty()) {
    absl::StrAppend(&out, Vi(l) ? "; chưa đạt chủ yếu do " : "; the others mostly for ",
                    Vi(l) ? JoinNames(reasons, l, "lý do") : JoinEnglish(reasons));
  }
  return out + ".";
}

}  // namespace chibo::supervision
