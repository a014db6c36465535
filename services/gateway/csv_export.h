// The reports as CSV (UTF-8 with a BOM so spreadsheet programs read the
// Vietnamese text; RFC 4180). First the period, "Kỳ / period,2026-H1,
// 2026-01-01,2026-06-30"; for the activity report then its paragraph,
// "Nhận xét / summary,<Vietnamese>,<English>"; then the header and one row
// per organization (and level): the whole first, then each child.
#ifndef CHIBO_SERVICES_GATEWAY_CSV_EXPORT_H_
#define CHIBO_SERVICES_GATEWAY_CSV_EXPORT_H_

#include <string>

#include "absl/strings/string_view.h"

#include "chibo/supervision/v1/supervision.pb.h"

namespace chibo::gateway {

// One CSV cell: quoted when it holds a comma, a quote, CR or LF (RFC 4180);
// one a spreadsheet would run as a formula (first character =, +, -, @, tab
// or CR) is prefixed with ' and quoted.
std::string CsvField(absl::string_view text);

std::string ActivityCsv(const supervision::v1::ActivityReport& report);
std::string ComplianceCsv(const supervision::v1::ComplianceReport& report);

}  // namespace chibo::gateway

#endif  // CHIBO_SERVICES_GATEWAY_CSV_EXPORT_H_
