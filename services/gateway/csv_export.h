// The reports as CSV (UTF-8 with a BOM so spreadsheet programs read the
// Vietnamese text), one row per organization: the whole first, then each child.
#ifndef CHIBO_SERVICES_GATEWAY_CSV_EXPORT_H_
#define CHIBO_SERVICES_GATEWAY_CSV_EXPORT_H_

#include <string>

#include "chibo/supervision/v1/supervision.pb.h"

namespace chibo::gateway {

std::string ActivityCsv(const supervision::v1::ActivityReport& report);
std::string ComplianceCsv(const supervision::v1::ComplianceReport& report);

}  // namespace chibo::gateway

#endif  // CHIBO_SERVICES_GATEWAY_CSV_EXPORT_H_
