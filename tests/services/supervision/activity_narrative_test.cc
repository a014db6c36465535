// The activity report's paragraph, in Vietnamese and English, from figures
// made by hand: seed 002's shape, zero counts (never "00"), one group, ties
// (named, never a group compared with itself), supervisors who went alone,
// the empty report; and the numbers, lists and order of names it uses.
#include "services/supervision/activity_narrative.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace chibo::supervision {
namespace {

Period P(const std::string& name) {
  auto p = ParsePeriod(name);
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

void Group(v1::GroupCount* g, int cells, const std::vector<std::string>& names,
           const std::string& id_prefix = "to-") {
  g->set_cells(cells);
  for (const auto& name : names) {
    g->add_group_ids(id_prefix + name);
    g->add_group_names(name);
  }
  g->set_group_id(g->group_ids(0));
  g->set_group_name(g->group_names(0));
}

v1::LevelActivity* Level(v1::ActivityReport* r, v1::SupervisionLevel level, int cells, int base, int sub,
                         int committee, int thematic, int groups) {
  v1::LevelActivity* a = r->add_levels();
  a->set_level(level);
  a->set_cells_attended(cells);
  a->set_base_cells_attended(base);
  a->set_subordinate_cells_attended(sub);
  a->set_committee_meetings_attended(committee);
  a->set_thematic_meetings_attended(thematic);
  a->set_groups(groups);
  return a;
}

std::string Vi(const v1::ActivityReport& r, const std::string& period = "2026") {
  return ActivityNarrative(r, P(period), Language::kVietnamese);
}
std::string En(const v1::ActivityReport& r, const std::string& period = "2026") {
  return ActivityNarrative(r, P(period), Language::kEnglish);
}

// No zero written as a count ("0", "00"): every number in `text` has a
// digit other than 0.
void ExpectNoZeroCount(const std::string& text) {
  for (size_t i = 0; i < text.size();) {
    if (text[i] < '0' || text[i] > '9') {
      ++i;
      continue;
    }
    bool nonzero = false;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) nonzero |= text[i] != '0';
    EXPECT_TRUE(nonzero) << "a zero count in: " << text;
  }
}

TEST(ActivityNarrativeTest, SeedShapeInBothLanguages) {
  v1::ActivityReport r;
  auto* p = Level(&r, v1::PROVINCE_LEVEL, 68, 2, 66, 25, 6, 7);
  Group(p->mutable_most_cells_by_one(), 10, {"Tổ số 1"});
  Group(p->mutable_fewest_cells_by_one(), 3, {"Tổ số 4"});
  auto* d = Level(&r, v1::DISTRICT_LEVEL, 1234, 113, 1121, 199, 101, 8);
  Group(d->mutable_most_cells_by_one(), 128, {"Huyện ủy Bạch Thông"}, "");
  Group(d->mutable_fewest_cells_by_one(), 8, {"Huyện ủy Pác Nặm"}, "");
  EXPECT_EQ(Vi(r, "2023-H1"),
            "Trong 6 tháng đầu năm 2023, các tổ dự sinh hoạt cấp tỉnh dự sinh hoạt được 68 chi bộ (02 chi bộ "
            "cơ sở, 66 chi bộ trực thuộc đảng ủy cơ sở), dự họp đảng ủy cơ sở 25 cuộc; dự sinh hoạt chuyên đề "
            "06 buổi. Tổ dự sinh hoạt nhiều nhất được 10 chi bộ (Tổ số 1), dự ít nhất 03 chi bộ (Tổ số 4). "
            "Các tổ cấp huyện dự sinh hoạt được 1.234 chi bộ (113 chi bộ cơ sở, 1.121 chi bộ trực thuộc đảng ủy "
            "cơ sở), dự họp đảng ủy cơ sở 199 cuộc; dự sinh hoạt chuyên đề 101 buổi. Đảng bộ dự sinh hoạt "
            "nhiều nhất được 128 chi bộ (Huyện ủy Bạch Thông), dự ít nhất 08 chi bộ (Huyện ủy Pác Nặm).");
  EXPECT_EQ(En(r, "2023-H1"),
            "In the first half of 2023, the provincial supervision teams attended meetings of 68 cells (2 base "
            "cells, 66 subordinate cells), 25 base-committee meetings and 6 thematic meetings. The most cells "
            "attended by one team: 10 (Tổ số 1); the fewest: 3 (Tổ số 4). The district teams attended meetings "
            "of 1,234 cells (113 base cells, 1,121 subordinate cells), 199 base-committee meetings and 101 "
            "thematic meetings. The most cells attended by one committee: 128 (Huyện ủy Bạch Thông); the "
            "fewest: 8 (Huyện ủy Pác Nặm).");
}

TEST(ActivityNarrativeTest, ZerosAreLeftOutOrSaidInWords) {
  v1::ActivityReport r;
  // Only subordinate cells, no committee or thematic meeting, one team.
  auto* p = Level(&r, v1::PROVINCE_LEVEL, 2, 0, 2, 0, 0, 1);
  Group(p->mutable_most_cells_by_one(), 2, {"Tổ số 2"});
  Group(p->mutable_fewest_cells_by_one(), 2, {"Tổ số 2"});
  // Only base-committee meetings: no cell attended.
  auto* d = Level(&r, v1::DISTRICT_LEVEL, 0, 0, 0, 3, 0, 1);
  Group(d->mutable_most_cells_by_one(), 0, {"Huyện ủy A"});
  Group(d->mutable_fewest_cells_by_one(), 0, {"Huyện ủy A"});
  // Only base cells and a thematic meeting.
  auto* b = Level(&r, v1::BASE_LEVEL, 1, 1, 0, 0, 1, 1);
  Group(b->mutable_most_cells_by_one(), 1, {"Đảng ủy xã B"});
  Group(b->mutable_fewest_cells_by_one(), 1, {"Đảng ủy xã B"});
  const std::string vi = Vi(r), en = En(r);
  EXPECT_EQ(vi,
            "Trong năm 2026, các tổ dự sinh hoạt cấp tỉnh dự sinh hoạt được 02 chi bộ trực thuộc đảng ủy cơ sở. "
            "Tổ số 2 dự sinh hoạt được 02 chi bộ. "
            "Các tổ cấp huyện chưa dự sinh hoạt chi bộ nào, dự họp đảng ủy cơ sở 03 cuộc. "
            "Các đảng ủy cơ sở dự sinh hoạt được 01 chi bộ cơ sở; dự sinh hoạt chuyên đề 01 buổi. "
            "Đảng ủy xã B dự sinh hoạt được 01 chi bộ.");
  EXPECT_EQ(en,
            "In 2026, the provincial supervision teams attended meetings of 2 subordinate cells. "
            "Tổ số 2 attended meetings of 2 cells. "
            "The district teams attended no cell meeting, but 3 base-committee meetings. "
            "The base committees attended meetings of 1 base cell and 1 thematic meeting. "
            "Đảng ủy xã B attended meetings of 1 cell.");
  ExpectNoZeroCount(vi);
  ExpectNoZeroCount(en);
  // One group is never compared with itself.
  EXPECT_FALSE(absl::StrContains(vi, "nhiều nhất")) << vi;
  EXPECT_FALSE(absl::StrContains(vi, "ít nhất")) << vi;
  EXPECT_FALSE(absl::StrContains(en, "most")) << en;
  EXPECT_FALSE(absl::StrContains(en, "fewest")) << en;
}

TEST(ActivityNarrativeTest, TiesAreAllNamed) {
  v1::ActivityReport r;
  auto* p = Level(&r, v1::PROVINCE_LEVEL, 9, 1, 8, 0, 0, 5);
  Group(p->mutable_most_cells_by_one(), 5, {"Tổ số 2", "Tổ số 5"});
  Group(p->mutable_fewest_cells_by_one(), 1, {"Tổ số 1", "Tổ số 3", "Tổ số 10"});
  EXPECT_EQ(Vi(r, "2026-Q3"),
            "Trong quý III năm 2026, các tổ dự sinh hoạt cấp tỉnh dự sinh hoạt được 09 chi bộ (01 chi bộ cơ sở, "
            "08 chi bộ trực thuộc đảng ủy cơ sở). Tổ dự sinh hoạt nhiều nhất được 05 chi bộ (Tổ số 2 và Tổ số 5), "
            "dự ít nhất 01 chi bộ (Tổ số 1, Tổ số 3 và Tổ số 10).");
  EXPECT_EQ(En(r, "2026-Q3"),
            "In the third quarter of 2026, the provincial supervision teams attended meetings of 9 cells (1 base "
            "cell, 8 subordinate cells). The most cells attended by one team: 5 (Tổ số 2 and Tổ số 5); the "
            "fewest: 1 (Tổ số 1, Tổ số 3 and Tổ số 10).");
}

TEST(ActivityNarrativeTest, GroupsAllWithTheSameCountAreNotCompared) {
  v1::ActivityReport r;
  auto* d = Level(&r, v1::DISTRICT_LEVEL, 6, 0, 6, 0, 0, 2);
  Group(d->mutable_most_cells_by_one(), 3, {"Huyện ủy A", "Huyện ủy B"}, "");
  Group(d->mutable_fewest_cells_by_one(), 3, {"Huyện ủy A", "Huyện ủy B"}, "");
  EXPECT_EQ(Vi(r, "2026-06"),
            "Trong tháng 6/2026, các tổ cấp huyện dự sinh hoạt được 06 chi bộ trực thuộc đảng ủy cơ sở. "
            "Mỗi đảng bộ dự sinh hoạt được 03 chi bộ (Huyện ủy A và Huyện ủy B).");
  EXPECT_EQ(En(r, "2026-06"),
            "In June 2026, the district teams attended meetings of 6 subordinate cells. "
            "Each committee attended meetings of 3 cells (Huyện ủy A and Huyện ủy B).");
}

TEST(ActivityNarrativeTest, AGroupWithNoCellIsSaidInWords) {
  v1::ActivityReport r;
  auto* p = Level(&r, v1::PROVINCE_LEVEL, 4, 0, 4, 2, 0, 3);
  Group(p->mutable_most_cells_by_one(), 4, {"Tổ số 1"});
  Group(p->mutable_fewest_cells_by_one(), 0, {"Tổ số 2", "Tổ số 3"});
  const std::string vi = Vi(r, "2026-H2"), en = En(r, "2026-H2");
  EXPECT_TRUE(absl::EndsWith(vi, "Tổ dự sinh hoạt nhiều nhất được 04 chi bộ (Tổ số 1); Tổ số 2 và Tổ số 3 chưa "
                                 "dự sinh hoạt chi bộ nào."))
      << vi;
  EXPECT_TRUE(absl::StartsWith(en, "In the second half of 2026, ")) << en;
  EXPECT_TRUE(absl::EndsWith(en, "The most cells attended by one team: 4 (Tổ số 1); Tổ số 2 and Tổ số 3 attended "
                                 "no cell meeting."))
      << en;
  ExpectNoZeroCount(vi);
  ExpectNoZeroCount(en);
}

TEST(ActivityNarrativeTest, SupervisorsWhoWentAloneAreNamedAsSuch) {
  v1::ActivityReport r;
  auto* p = Level(&r, v1::PROVINCE_LEVEL, 3, 0, 3, 0, 0, 2);
  Group(p->mutable_most_cells_by_one(), 2, {"Nguyễn Văn A"}, "member:");
  Group(p->mutable_fewest_cells_by_one(), 1, {"Trần Thị B"}, "member:");
  EXPECT_TRUE(absl::EndsWith(Vi(r), "Đồng chí dự sinh hoạt nhiều nhất được 02 chi bộ (Nguyễn Văn A), dự ít nhất "
                                    "01 chi bộ (Trần Thị B)."))
      << Vi(r);
  EXPECT_TRUE(absl::EndsWith(En(r), "The most cells attended by one supervisor: 2 (Nguyễn Văn A); the fewest: 1 "
                                    "(Trần Thị B)."))
      << En(r);
}

TEST(ActivityNarrativeTest, NoGroupAttendedACellNoComparison) {
  v1::ActivityReport r;
  auto* d = Level(&r, v1::DISTRICT_LEVEL, 0, 0, 0, 2, 1, 2);
  Group(d->mutable_most_cells_by_one(), 0, {"Huyện ủy A", "Huyện ủy B"}, "");
  Group(d->mutable_fewest_cells_by_one(), 0, {"Huyện ủy A", "Huyện ủy B"}, "");
  EXPECT_EQ(Vi(r), "Trong năm 2026, các tổ cấp huyện chưa dự sinh hoạt chi bộ nào, dự họp đảng ủy cơ sở 02 cuộc; "
                   "dự sinh hoạt chuyên đề 01 buổi.");
  EXPECT_EQ(En(r), "In 2026, the district teams attended no cell meeting, but 2 base-committee meetings and 1 "
                   "thematic meeting.");
}

TEST(ActivityNarrativeTest, AReportFromBeforeTiesUsesTheOneName) {
  v1::ActivityReport r;
  auto* p = Level(&r, v1::PROVINCE_LEVEL, 5, 0, 5, 0, 0, 2);
  p->mutable_most_cells_by_one()->set_group_name("Tổ số 1");
  p->mutable_most_cells_by_one()->set_cells(4);
  p->mutable_fewest_cells_by_one()->set_group_name("Tổ số 2");
  p->mutable_fewest_cells_by_one()->set_cells(1);
  EXPECT_TRUE(absl::EndsWith(Vi(r), "nhiều nhất được 04 chi bộ (Tổ số 1), dự ít nhất 01 chi bộ (Tổ số 2).")) << Vi(r);
}

TEST(ActivityNarrativeTest, NoVisitAtAll) {
  v1::ActivityReport r;
  r.set_name("Đảng bộ huyện A");
  EXPECT_EQ(Vi(r, "2026-Q1"),
            "Trong quý I năm 2026, chưa có lượt dự sinh hoạt chi bộ nào của cấp ủy cấp trên tại Đảng bộ huyện A.");
  EXPECT_EQ(En(r, "2026-Q1"),
            "In the first quarter of 2026, no higher-level committee attended a meeting in Đảng bộ huyện A.");
}

TEST(ActivityNarrativeTest, NumbersInEachLanguagesStyle) {
  EXPECT_EQ(NarrativeNumber(0, Language::kVietnamese), "0");
  EXPECT_EQ(NarrativeNumber(7, Language::kVietnamese), "07");
  EXPECT_EQ(NarrativeNumber(10, Language::kVietnamese), "10");
  EXPECT_EQ(NarrativeNumber(999, Language::kVietnamese), "999");
  EXPECT_EQ(NarrativeNumber(1000, Language::kVietnamese), "1.000");
  EXPECT_EQ(NarrativeNumber(1234567, Language::kVietnamese), "1.234.567");
  EXPECT_EQ(NarrativeNumber(7, Language::kEnglish), "7");
  EXPECT_EQ(NarrativeNumber(1234, Language::kEnglish), "1,234");
  EXPECT_EQ(NarrativeNumber(123456, Language::kEnglish), "123,456");
}

TEST(ActivityNarrativeTest, LongListsAreCut) {
  std::vector<std::string> six = {"A", "B", "C", "D", "E", "F"};
  EXPECT_EQ(JoinNames(six, Language::kVietnamese, "tổ"), "A, B, C, D, E và F");
  six.push_back("G");
  six.push_back("H");
  EXPECT_EQ(JoinNames(six, Language::kVietnamese, "tổ"), "A, B, C, D, E và 03 tổ khác");
  EXPECT_EQ(JoinNames(six, Language::kEnglish, "teams"), "A, B, C, D, E and 3 other teams");
  EXPECT_EQ(JoinNames({"A"}, Language::kEnglish, "teams"), "A");
  EXPECT_EQ(JoinNames({"A", "B"}, Language::kVietnamese, "tổ"), "A và B");
}

TEST(ActivityNarrativeTest, NamesInOrderWithNumbersByValue) {
  std::vector<std::string> names = {"Tổ số 10", "Tổ số 2", "Tổ số 1", "Huyện ủy B", "Huyện ủy A", "Tổ số 02"};
  std::sort(names.begin(), names.end(), NameBefore);
  EXPECT_EQ(names, (std::vector<std::string>{"Huyện ủy A", "Huyện ủy B", "Tổ số 1", "Tổ số 02", "Tổ số 2",
                                             "Tổ số 10"}));
  EXPECT_FALSE(NameBefore("Tổ số 2", "Tổ số 2"));
}

// The paragraph's last sentences: the levels' coverage together and the
// standard (Hướng dẫn 12-HD/BTCTW), with the failed criteria most often first.
TEST(ActivityNarrativeTest, CoverageAndStandardSentences) {
  v1::CoverageFigures c;
  c.set_cells(2251);
  c.set_cells_attended(1234);
  c.set_cells_never_attended(1017);
  c.set_duplicate_cell_months(5);
  EXPECT_EQ(CoverageSentence(c, Language::kVietnamese),
            "Tính chung các cấp, đã dự sinh hoạt tại 1.234/2.251 chi bộ (54,8%); còn 1.017 chi bộ chưa được "
            "cấp ủy cấp trên dự sinh hoạt; có 05 trường hợp hai cấp cùng dự một chi bộ trong một tháng.");
  EXPECT_EQ(CoverageSentence(c, Language::kEnglish),
            "Across the levels, meetings of 1,234 of 2,251 cells were attended (54.8%); 1,017 cells were not "
            "attended; 5 times two levels attended one cell in the same month.");
  c.set_cells_attended(2251);
  c.set_cells_never_attended(0);
  c.set_duplicate_cell_months(0);
  EXPECT_EQ(CoverageSentence(c, Language::kVietnamese),
            "Tính chung các cấp, đã dự sinh hoạt tại 2.251/2.251 chi bộ (100,0%); tất cả các chi bộ đều được dự, "
            "không có trùng lắp giữa các cấp.");
  c.set_cells_attended(0);
  EXPECT_EQ(CoverageSentence(c, Language::kVietnamese), "Chưa có chi bộ nào được cấp ủy cấp trên dự sinh hoạt.");
  EXPECT_EQ(CoverageSentence(v1::CoverageFigures(), Language::kVietnamese), "");

  v1::ComplianceFigures f;
  f.set_meetings_held(120);
  f.set_meetings_meeting_standard(90);
  f.set_standard_share(0.75);
  f.set_standard_failed_length(4);
  f.set_standard_failed_attendance(25);
  f.set_standard_failed_speakers(4);
  EXPECT_EQ(StandardSentence(f, Language::kVietnamese),
            "Trong 120 buổi sinh hoạt chi bộ đã tổ chức, có 90 buổi đạt tiêu chuẩn chất lượng theo Hướng dẫn "
            "12-HD/BTCTW (75,0%); chưa đạt chủ yếu do tỷ lệ đảng viên dự chưa đạt mức quy định (25 buổi), thời "
            "gian sinh hoạt dưới quy định (04 buổi) và ít đảng viên phát biểu (04 buổi).");
  EXPECT_EQ(StandardSentence(f, Language::kEnglish),
            "Of the 120 cell meetings held, 90 met the standard of Guideline 12-HD/BTCTW (75.0%); the others "
            "mostly for attendance below the mark (25 meetings), shorter than the minimum (4 meetings) and too "
            "few members speaking (4 meetings).");
  f.set_meetings_meeting_standard(120);
  EXPECT_EQ(StandardSentence(f, Language::kVietnamese),
            "Trong 120 buổi sinh hoạt chi bộ đã tổ chức, tất cả đều đạt tiêu chuẩn chất lượng theo Hướng dẫn "
            "12-HD/BTCTW.");
  EXPECT_EQ(StandardSentence(v1::ComplianceFigures(), Language::kVietnamese), "");
}

}  // namespace
}  // namespace chibo::supervision
