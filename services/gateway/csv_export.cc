#include "services/gateway/csv_export.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace chibo::gateway {

namespace v1 = ::chibo::supervision::v1;

std::string CsvField(absl::string_view text) {
  // A cell a spreadsheet would read as a formula (OWASP "CSV injection"):
  // a leading quote makes it text, and the cell is quoted.
  const bool formula = !text.empty() && absl::string_view("=+-@\t\r").find(text[0]) != absl::string_view::npos;
  if (!formula && text.find_first_of(",\"\r\n") == absl::string_view::npos) return std::string(text);
  return absl::StrCat("\"", formula ? "'" : "", absl::StrReplaceAll(text, {{"\"", "\"\""}}), "\"");
}

namespace {

const char* LevelName(v1::SupervisionLevel level) {
  switch (level) {
    case v1::PROVINCE_LEVEL: return "Cấp tỉnh";
    case v1::DISTRICT_LEVEL: return "Cấp huyện";
    case v1::BASE_LEVEL: return "Cấp cơ sở";
    default: return "";
  }
}

void ActivityRows(const std::string& id, const std::string& name,
                  const google::protobuf::RepeatedPtrField<v1::LevelActivity>& levels, std::string* out) {
  for (const auto& a : levels) {
    absl::StrAppend(out, CsvField(id), ",", CsvField(name), ",", LevelName(a.level()), ",",
                    a.cells_attended(), ",", a.base_cells_attended(), ",",
                    a.subordinate_cells_attended(), ",", a.cell_meetings_attended(), ",",
                    a.committee_meetings_attended(), ",", a.thematic_meetings_attended(), ",",
                    a.most_cells_by_one().cells(), ",", a.fewest_cells_by_one().cells(), ",",
                    a.remote_cells_attended(), "\r\n");
  }
}

void ComplianceRow(const std::string& id, const std::string& name, const v1::ComplianceFigures& f,
                   std::string* out) {
  absl::StrAppend(out, CsvField(id), ",", CsvField(name), ",", f.cells(), ",", f.regular_expected(), ",",
                  f.regular_held(), ",", f.thematic_held(), ",", f.meetings_held(), ",",
                  f.meetings_under_minimum(), ",", absl::StrFormat("%.1f", 100 * f.attendance_rate()),
                  ",", absl::StrFormat("%.1f", 100 * f.high_attendance_share()), ",",
                  absl::StrFormat("%.2f", f.opinions_per_meeting()), ",",
                  absl::StrFormat("%.0f", f.average_minutes()), ",", f.unrecorded_past_meetings(), ",",
                  f.meetings_meeting_standard(), ",", absl::StrFormat("%.1f", 100 * f.standard_share()), ",",
                  f.standard_failed_attendance(), ",", f.standard_failed_unexcused(), ",",
                  f.standard_failed_absence_run(), ",", f.standard_failed_length(), ",",
                  f.standard_failed_speakers(), "\r\n");
}

// The lines before the table: the period (its name, first and last day).
void PeriodLine(const std::string& period, const std::string& from, const std::string& to, std::string* out) {
  absl::StrAppend(out, "Kỳ / period,", CsvField(period), ",", CsvField(from), ",", CsvField(to), "\r\n");
}

}  // namespace

std::string ActivityCsv(const v1::ActivityReport& report) {
  std::string out = "\xEF\xBB\xBF";
  PeriodLine(report.period(), report.from(), report.to(), &out);
  absl::StrAppend(&out, "Nhận xét / summary,", CsvField(report.narrative()), ",", CsvField(report.narrative_en()),
                  "\r\n");
  absl::StrAppend(&out,
                  "Mã tổ chức,Tổ chức,Cấp dự,Số chi bộ được dự,Chi bộ cơ sở,Chi bộ trực thuộc,"
                  "Lượt dự sinh hoạt chi bộ,Họp đảng ủy cơ sở,Sinh hoạt chuyên đề,"
                  "Nhiều nhất,Ít nhất,Chi bộ vùng khó khăn\r\n");
  ActivityRows(report.org_unit_id(), report.name(), report.levels(), &out);
  for (const auto& child : report.children()) ActivityRows(child.org_unit_id(), child.name(), child.levels(), &out);
  return out;
}

std::string ComplianceCsv(const v1::ComplianceReport& report) {
  std::string out = "\xEF\xBB\xBF";
  PeriodLine(report.period(), report.from(), report.to(), &out);
  absl::StrAppend(&out,
                  "Mã tổ chức,Tổ chức,Số chi bộ,Định kỳ phải họp,Định kỳ đã họp,Chuyên đề,"
                  "Tổng số buổi đã họp,Buổi dưới thời lượng tối thiểu,Tỷ lệ dự họp (%),"
                  "Buổi đạt ≥ ngưỡng (%),Ý kiến mỗi buổi,Thời lượng TB (phút),Buổi quá hạn chưa ghi,"
                  "Buổi đạt chất lượng,Tỷ lệ đạt chất lượng (%),Không đạt: tỷ lệ dự họp,"
                  "Không đạt: vắng không lý do,Không đạt: vắng 3 lần liên tiếp,Không đạt: thời lượng,"
                  "Không đạt: số người phát biểu\r\n");
  ComplianceRow(report.org_unit_id(), report.name(), report.totals(), &out);
  for (const auto& child : report.children()) ComplianceRow(child.org_unit_id(), child.name(), child.figures(), &out);
  return out;
}

}  // namespace chibo::gateway
