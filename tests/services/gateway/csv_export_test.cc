// The reports' CSV: a BOM for spreadsheet programs, the period and the
// paragraph, Vietnamese headers, one row per organization and level,
// quoting where the text needs it.
#include "services/gateway/csv_export.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace chibo::gateway {
namespace {

namespace v1 = ::chibo::supervision::v1;

TEST(CsvExportTest, ActivityRowsPerLevelWithChildren) {
  v1::ActivityReport r;
  r.set_org_unit_id("tinh");
  r.set_name("Đảng bộ tỉnh Bắc Kạn");
  auto* l = r.add_levels();
  l->set_level(v1::PROVINCE_LEVEL);
  l->set_cells_attended(68);
  l->set_base_cells_attended(2);
  l->set_subordinate_cells_attended(66);
  l->set_committee_meetings_attended(25);
  l->set_thematic_meetings_attended(6);
  l->mutable_most_cells_by_one()->set_cells(10);
  l->mutable_fewest_cells_by_one()->set_cells(3);
  auto* child = r.add_children();
  child->set_org_unit_id("huyen-a");
  child->set_name("Huyện \"A\", miền núi");
  *child->add_levels() = *l;
  const std::string csv = ActivityCsv(r);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::vector<std::string> lines = absl::StrSplit(csv.substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(absl::StartsWith(lines[0], "Kỳ / period,")) << lines[0];
  EXPECT_TRUE(absl::StartsWith(lines[1], "Nhận xét / summary,")) << lines[1];
  EXPECT_TRUE(absl::StartsWith(lines[2], "Mã tổ chức,Tổ chức,Cấp dự,Số chi bộ được dự")) << lines[2];
  EXPECT_EQ(lines[3], "tinh,Đảng bộ tỉnh Bắc Kạn,Cấp tỉnh,68,2,66,0,25,6,10,3,0");
  EXPECT_EQ(lines[4], "huyen-a,\"Huyện \"\"A\"\", miền núi\",Cấp tỉnh,68,2,66,0,25,6,10,3,0");
}

TEST(CsvExportTest, ComplianceFiguresAsPercentAndMinutes) {
  v1::ComplianceReport r;
  r.set_org_unit_id("xa-1");
  r.set_name("Đảng bộ xã");
  auto* f = r.mutable_totals();
  f->set_cells(3);
  f->set_regular_expected(18);
  f->set_regular_held(9);
  f->set_attendance_rate(0.975);
  f->set_high_attendance_share(0.9);
  f->set_opinions_per_meeting(2.9);
  f->set_average_minutes(119);
  f->set_meetings_meeting_standard(5);
  f->set_standard_share(5.0 / 9);
  f->set_standard_failed_attendance(2);
  f->set_standard_failed_speakers(3);
  std::vector<std::string> lines = absl::StrSplit(ComplianceCsv(r).substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(lines[1], "Mã tổ chức,Tổ chức,Số chi bộ,")) << lines[1];
  EXPECT_EQ(lines[2], "xa-1,Đảng bộ xã,3,18,9,0,0,0,97.5,90.0,2.90,119,0,5,55.6,2,0,0,0,3");
}

// OWASP "CSV injection": a cell a spreadsheet would run as a formula is made
// text with a leading quote, and quoted.
TEST(CsvExportTest, FormulaCellsAreNeutralised) {
  EXPECT_EQ(CsvField("=1+1"), "\"'=1+1\"");
  EXPECT_EQ(CsvField("+84912345678"), "\"'+84912345678\"");
  EXPECT_EQ(CsvField("-2+3"), "\"'-2+3\"");
  EXPECT_EQ(CsvField("@SUM(A1:A9)"), "\"'@SUM(A1:A9)\"");
  EXPECT_EQ(CsvField("\t=1"), "\"'\t=1\"");
  EXPECT_EQ(CsvField("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  // Only the first character counts; plain text stays as it was.
  EXPECT_EQ(CsvField("Chi bộ 1-2"), "Chi bộ 1-2");
  EXPECT_EQ(CsvField("a=b"), "a=b");
  EXPECT_EQ(CsvField(""), "");
}

TEST(CsvExportTest, CarriageReturnsAndSeparatorsAreQuoted) {
  EXPECT_EQ(CsvField("Thôn A\rThôn B"), "\"Thôn A\rThôn B\"");
  EXPECT_EQ(CsvField("Thôn A\nThôn B"), "\"Thôn A\nThôn B\"");
  EXPECT_EQ(CsvField("Thôn A\r\n"), "\"Thôn A\r\n\"");
  EXPECT_EQ(CsvField("A, B"), "\"A, B\"");
  EXPECT_EQ(CsvField("\"A\""), "\"\"\"A\"\"\"");
}

TEST(CsvExportTest, ReportNamesAreNeutralisedInBothReports) {
  v1::ActivityReport a;
  a.set_org_unit_id("tinh");
  a.set_name("=cmd|' /C calc'!A0");
  a.add_levels()->set_level(v1::PROVINCE_LEVEL);
  auto* child = a.add_children();
  child->set_org_unit_id("xa-1");
  child->set_name("@xã\r1");
  child->add_levels()->set_level(v1::PROVINCE_LEVEL);
  std::vector<std::string> lines = absl::StrSplit(ActivityCsv(a).substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_TRUE(absl::StartsWith(lines[3], "tinh,\"'=cmd|' /C calc'!A0\",Cấp tỉnh,")) << lines[3];
  EXPECT_TRUE(absl::StartsWith(lines[4], "xa-1,\"'@xã\r1\",Cấp tỉnh,")) << lines[4];

  v1::ComplianceReport c;
  c.set_org_unit_id("tinh");
  c.set_name("-1");
  auto* row = c.add_children();
  row->set_org_unit_id("xa-1");
  row->set_name("+xã");
  lines = absl::StrSplit(ComplianceCsv(c).substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(absl::StartsWith(lines[2], "tinh,\"'-1\",0,")) << lines[2];
  EXPECT_TRUE(absl::StartsWith(lines[3], "xa-1,\"'+xã\",0,")) << lines[3];
}

// Before the table: the period (name, first and last day) and, for the
// activity report, its paragraph in Vietnamese and English; quoted and
// neutralised like every other cell.
TEST(CsvExportTest, ThePeriodAndTheParagraphComeFirst) {
  v1::ActivityReport a;
  a.set_org_unit_id("tinh");
  a.set_name("Đảng bộ tỉnh");
  a.set_period("2026-H1");
  a.set_from("2026-01-01");
  a.set_to("2026-06-30");
  a.set_narrative("Trong 6 tháng đầu năm 2026, các tổ cấp huyện dự sinh hoạt được 1.234 chi bộ (113 chi bộ cơ sở, "
                  "1.121 chi bộ trực thuộc đảng ủy cơ sở).");
  a.set_narrative_en("In the first half of 2026, the district teams attended meetings of 1,234 cells.");
  a.add_levels()->set_level(v1::DISTRICT_LEVEL);
  const std::string csv = ActivityCsv(a);
  const std::string expected_start =
      "\xEF\xBB\xBF"
      "Kỳ / period,2026-H1,2026-01-01,2026-06-30\r\n"
      "Nhận xét / summary,\"Trong 6 tháng đầu năm 2026, các tổ cấp huyện dự sinh hoạt được 1.234 chi bộ (113 chi "
      "bộ cơ sở, 1.121 chi bộ trực thuộc đảng ủy cơ sở).\",\"In the first half of 2026, the district teams attended "
      "meetings of 1,234 cells.\"\r\n"
      "Mã tổ chức,Tổ chức,Cấp dự,";
  EXPECT_EQ(csv.substr(0, expected_start.size()), expected_start) << csv;

  // Text that a spreadsheet would run is neutralised there too.
  a.set_narrative("=HYPERLINK(\"http://x\")");
  a.set_narrative_en("");
  a.set_period("@2026");
  std::vector<std::string> lines = absl::StrSplit(ActivityCsv(a).substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "Kỳ / period,\"'@2026\",2026-01-01,2026-06-30");
  EXPECT_EQ(lines[1], "Nhận xét / summary,\"'=HYPERLINK(\"\"http://x\"\")\",");

  v1::ComplianceReport c;
  c.set_org_unit_id("tinh");
  c.set_period("2026-Q3");
  c.set_from("2026-07-01");
  c.set_to("2026-09-30");
  EXPECT_TRUE(absl::StartsWith(ComplianceCsv(c), "\xEF\xBB\xBFKỳ / period,2026-Q3,2026-07-01,2026-09-30\r\n"
                                                 "Mã tổ chức,Tổ chức,Số chi bộ,"))
      << ComplianceCsv(c);
}

}  // namespace
}  // namespace chibo::gateway
