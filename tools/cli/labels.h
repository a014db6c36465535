// Labels for enum values in the CLI's tables and help: Vietnamese by default
// ("chính thức" for OFFICIAL), English with --lang=en or CHIBO_LANG=en.
#ifndef CHIBO_TOOLS_CLI_LABELS_H_
#define CHIBO_TOOLS_CLI_LABELS_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace chibo::cli {

enum class Lang { kVi, kEn };

// The label of value `number` of `type`; the value's name in lower case when
// it has none, "" for the unspecified value (0).
std::string Label(const google::protobuf::EnumDescriptor* type, int number, Lang lang);

template <class E>
std::string Label(E value, Lang lang) {
  return Label(google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value), lang);
}

// The values of `type` a flag accepts (all but 0), and "nhãn / label" for each.
std::vector<std::string> EnumValues(const google::protobuf::EnumDescriptor* type);
std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* type);

}  // namespace chibo::cli

#endif  // CHIBO_TOOLS_CLI_LABELS_H_
