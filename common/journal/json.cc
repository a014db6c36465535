// journal::ToJson: protobuf's JSON mapping (proto field names, enums by
// name, 64-bit integers as strings, default values left out), printed by
// walking the message's reflection. protobuf's own printer serializes the
// message and converts the bytes through a type resolver: on the write path
// (two audit documents per write) it was an eighth of RecordMeeting's CPU.
// Messages this printer does not map itself (maps, google.protobuf.* types)
// go to protobuf's printer.
#include <cmath>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/journal/journaled_write.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"

namespace chibo::journal {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Whether every field of `d`, and of the messages inside it, is one this
// printer maps.
bool Printable(const google::protobuf::Descriptor* d, int depth = 0) {
  if (depth > 32 || absl::StartsWith(d->full_name(), "google.protobuf.")) return false;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_map()) return false;
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && f->message_type() != d &&
        !Printable(f->message_type(), depth + 1)) {
      return false;
    }
  }
  return true;
}

void AppendString(absl::string_view s, std::string* out) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));  // UTF-8 as is
        }
    }
  }
  out->push_back('"');
}

// The shortest text that reads back as the same double (as protobuf does).
void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) return out->append("\"NaN\""), void();
  if (std::isinf(v)) return out->append(v > 0 ? "\"Infinity\"" : "\"-Infinity\""), void();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  double back = 0;
  if (!absl::SimpleAtod(buf, &back) || back != v) std::snprintf(buf, sizeof buf, "%.17g", v);
  out->append(buf);
}

// The same for a float: the shortest text that reads back as that float.
void AppendFloat(float v, std::string* out) {
  if (std::isnan(v) || std::isinf(v)) return AppendDouble(v, out);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  float back = 0;
  if (!absl::SimpleAtof(buf, &back) || back != v) std::snprintf(buf, sizeof buf, "%.9g", v);
  out->append(buf);
}

void AppendMessage(const Message& m, std::string* out);

void AppendValue(const Message& m, const Reflection* r, const FieldDescriptor* f, int i, std::string* out) {
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f), "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"", rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f), "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendDouble(rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendFloat(rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f), out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true" : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const int number = rep ? r->GetRepeatedEnumValue(m, f, i) : r->GetEnumValue(m, f);
      const google::protobuf::EnumValueDescriptor* v = f->enum_type()->FindValueByNumber(number);
      if (v != nullptr) {
        AppendString(v->name(), out);
      } else {
        absl::StrAppend(out, number);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& s = rep ? r->GetRepeatedStringReference(m, f, i, &scratch)
                                 : r->GetStringReference(m, f, &scratch);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        AppendString(absl::Base64Escape(s), out);
      } else {
        AppendString(s, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendMessage(rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), out);
      break;
  }
}

void AppendMessage(const Message& m, std::string* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // the fields set, by number
  out->push_back('{');
  bool first = true;
  for (const FieldDescriptor* f : fields) {
    if (!first) out->push_back(',');
    first = false;
    AppendString(f->name(), out);
    out->push_back(':');
    if (f->is_repeated()) {
      out->push_back('[');
      const int n = r->FieldSize(m, f);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out->push_back(',');
        AppendValue(m, r, f, i, out);
      }
      out->push_back(']');
    } else {
      AppendValue(m, r, f, 0, out);
    }
  }
  out->push_back('}');
}

}  // namespace

std::string ToJson(const google::protobuf::Message& message) {
  std::string out;
  thread_local std::unordered_map<const google::protobuf::Descriptor*, bool> printable;
  auto known = printable.find(message.GetDescriptor());
  if (known == printable.end()) {
    known = printable.emplace(message.GetDescriptor(), Printable(message.GetDescriptor())).first;
  }
  if (!known->second) {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(message, &out, options);
    return out;
  }
  out.reserve(256);
  AppendMessage(message, &out);
  return out;
}

}  // namespace chibo::journal
