// CSV export quoting (services/gateway/csv_export.h), through the two
// reports the gateway exports. Input: strings separated by 0 bytes — the
// report's id and name, then a child's id and name, and so on (at most 16
// children); the report's name is also its Vietnamese paragraph, the last
// child's id its English one and the last child's name its period. Both
// CSVs are read back with a strict RFC 4180 reader. Properties: the file is
// the BOM, the preamble (the period line; for the activity report the
// paragraph line), the header and one CRLF-ended row per organization; the
// preamble's cells read back exactly as given; every row has the header's
// number of cells; the id and name cells read back exactly as given (behind
// a ' when they start with = + - @ tab or CR); no cell that is not quoted
// starts with one of those, or holds a quote, CR or LF; CsvField alone
// round-trips the same way.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/gateway/csv_export.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace v1 = ::chibo::supervision::v1;

struct Cell {
  std::string text;
  bool quoted = false;
};
using Rows = std::vector<std::vector<Cell>>;

// RFC 4180, strictly: rows end with CRLF, quoted cells escape " as "".
bool ReadCsv(absl::string_view in, Rows* rows) {
  size_t i = 0;
  while (i < in.size()) {
    std::vector<Cell> row;
    while (true) {
      Cell cell;
      if (i < in.size() && in[i] == '"') {
        cell.quoted = true;
        ++i;
        while (true) {
          if (i >= in.size()) return false;  // unterminated
          if (in[i] == '"') {
            if (i + 1 < in.size() && in[i + 1] == '"') {
              cell.text += '"';
              i += 2;
              continue;
            }
            ++i;
            break;
          }
          cell.text += in[i++];
        }
      } else {
        while (i < in.size() && in[i] != ',' && in[i] != '\r' && in[i] != '\n') {
          if (in[i] == '"') return false;  // a quote in an unquoted cell
          cell.text += in[i++];
        }
      }
      row.push_back(std::move(cell));
      if (i < in.size() && in[i] == ',') {
        ++i;
        continue;
      }
      if (in.substr(i, 2) != "\r\n") return false;  // a row must end with CRLF
      i += 2;
      break;
    }
    rows->push_back(std::move(row));
  }
  return true;
}

bool LooksLikeFormula(absl::string_view s) {
  return !s.empty() && absl::string_view("=+-@\t\r").find(s[0]) != absl::string_view::npos;
}

std::string Expected(absl::string_view s) {
  return LooksLikeFormula(s) ? "'" + std::string(s) : std::string(s);
}

void CheckCell(const Cell& cell, absl::string_view what) {
  if (cell.quoted) return;
  FUZZ_CHECK(!LooksLikeFormula(cell.text), "unquoted %s cell starts with a formula character",
             std::string(what).c_str());
  FUZZ_CHECK(cell.text.find_first_of("\"\r\n") == std::string::npos,
             "unquoted %s cell holds a quote, CR or LF", std::string(what).c_str());
}

// `preamble`: the lines before the header, each as its cells (as given,
// before quoting and neutralising).
void CheckCsv(const std::string& csv, const std::vector<std::vector<std::string>>& preamble,
              const std::vector<std::pair<std::string, std::string>>& orgs, size_t columns,
              const char* which) {
  FUZZ_CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0, "%s CSV without the BOM", which);
  Rows rows;
  FUZZ_CHECK(ReadCsv(absl::string_view(csv).substr(3), &rows), "%s CSV is not RFC 4180", which);
  const size_t p = preamble.size();
  FUZZ_CHECK(rows.size() == p + orgs.size() + 1, "%s CSV: %zu rows for %zu organizations", which,
             rows.size(), orgs.size());
  for (size_t r = 0; r < p; ++r) {
    FUZZ_CHECK(rows[r].size() == preamble[r].size(), "%s preamble line %zu has %zu cells, not %zu",
               which, r, rows[r].size(), preamble[r].size());
    for (size_t c = 0; c < rows[r].size(); ++c) {
      FUZZ_CHECK(rows[r][c].text == Expected(preamble[r][c]),
                 "%s preamble line %zu: cell %zu did not survive", which, r, c);
      CheckCell(rows[r][c], which);
    }
  }
  FUZZ_CHECK(rows[p].size() == columns, "%s header has %zu cells", which, rows[p].size());
  for (size_t r = p + 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const auto& org = orgs[r - p - 1];
    FUZZ_CHECK(row.size() == columns, "%s row %zu has %zu cells, not %zu", which, r, row.size(),
               columns);
    FUZZ_CHECK(row[0].text == Expected(org.first), "%s row %zu: the id did not survive", which, r);
    FUZZ_CHECK(row[1].text == Expected(org.second), "%s row %zu: the name did not survive", which,
               r);
    for (size_t c = 0; c < row.size(); ++c) CheckCell(row[c], which);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> parts = absl::StrSplit(input, '\0');
  if (parts.size() < 2) parts.resize(2);
  if (parts.size() > 34) parts.resize(34);
  if (parts.size() % 2) parts.pop_back();

  for (const std::string& p : parts) {
    const std::string field = chibo::gateway::CsvField(p);
    Rows rows;
    FUZZ_CHECK(ReadCsv(field + "\r\n", &rows) && rows.size() == 1 && rows[0].size() == 1,
               "CsvField output is not one cell");
    FUZZ_CHECK(rows[0][0].text == Expected(p), "CsvField did not round-trip");
    CheckCell(rows[0][0], "CsvField");
  }

  std::vector<std::pair<std::string, std::string>> orgs;
  for (size_t i = 0; i + 1 < parts.size(); i += 2) orgs.emplace_back(parts[i], parts[i + 1]);

  v1::ActivityReport activity;
  v1::ComplianceReport compliance;
  activity.set_org_unit_id(orgs[0].first);
  activity.set_name(orgs[0].second);
  compliance.set_org_unit_id(orgs[0].first);
  compliance.set_name(orgs[0].second);
  auto fill_level = [&](v1::LevelActivity* a, size_t i) {
    a->set_level(static_cast<v1::SupervisionLevel>(i % 4));
    a->set_cells_attended(static_cast<int>(i));
    a->mutable_most_cells_by_one()->set_cells(static_cast<int>(i * 3));
  };
  fill_level(activity.add_levels(), 0);
  compliance.mutable_totals()->set_cells(7);
  compliance.mutable_totals()->set_attendance_rate(0.95);
  for (size_t i = 1; i < orgs.size(); ++i) {
    auto* child = activity.add_children();
    child->set_org_unit_id(orgs[i].first);
    child->set_name(orgs[i].second);
    fill_level(child->add_levels(), i);
    auto* cchild = compliance.add_children();
    cchild->set_org_unit_id(orgs[i].first);
    cchild->set_name(orgs[i].second);
    cchild->mutable_figures()->set_meetings_held(static_cast<int>(i));
  }
  // The preamble's text: the name as the paragraph, the last child's id and
  // name as the English paragraph and the period.
  const std::string& period = orgs.back().second;
  activity.set_period(period);
  activity.set_from("2026-01-01");
  activity.set_to("2026-06-30");
  activity.set_narrative(orgs[0].second);
  activity.set_narrative_en(orgs.back().first);
  compliance.set_period(period);
  compliance.set_from("2026-01-01");
  compliance.set_to("2026-06-30");
  const std::vector<std::string> period_line = {"Kỳ / period", period, "2026-01-01", "2026-06-30"};
  CheckCsv(chibo::gateway::ActivityCsv(activity),
           {period_line, {"Nhận xét / summary", orgs[0].second, orgs.back().first}}, orgs, 12, "activity");
  CheckCsv(chibo::gateway::ComplianceCsv(compliance), {period_line}, orgs, 20, "compliance");
  return 0;
}
