#include "common/validation/request_limits.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "chibo/options/v1/limits.pb.h"
#include "google/protobuf/reflection.h"

namespace chibo::validation {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Vietnamese number format: 32.000
std::string Grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

bool IsValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    const int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
    if (extra < 0 || i + extra >= s.size()) return false;  // a bad lead byte, or cut short
    uint32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

int64_t IntOf(const Message& m, const Reflection& r, const FieldDescriptor& f, int index) {
  const bool rep = f.is_repeated();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return rep ? r.GetRepeatedInt32(m, &f, index) : r.GetInt32(m, &f);
    case FieldDescriptor::CPPTYPE_INT64: return rep ? r.GetRepeatedInt64(m, &f, index) : r.GetInt64(m, &f);
    case FieldDescriptor::CPPTYPE_UINT32: return rep ? r.GetRepeatedUInt32(m, &f, index) : r.GetUInt32(m, &f);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<int64_t>(rep ? r.GetRepeatedUInt64(m, &f, index) : r.GetUInt64(m, &f));
    default: return 0;
  }
}

void CheckMessage(const Message& m, const std::string& prefix, errors::FieldViolations& v) {
  const Reflection& r = *m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(m, &fields);  // only the fields that are set
  for (const FieldDescriptor* f : fields) {
    const EffectiveLimits limits = LimitsOf(*f);
    const std::string path = prefix + f->name();
    const int count = f->is_repeated() ? r.FieldSize(m, f) : 1;
    if (f->is_repeated() && !f->is_map() && count > limits.max_items) {
      v.Add(path, absl::StrCat("quá nhiều, tối đa ", Grouped(limits.max_items), " (có ",
                               Grouped(count), ") / more than ", limits.max_items, " items"));
      continue;  // its elements are not worth reading
    }
    for (int i = 0; i < count; ++i) {
      const std::string at = f->is_repeated() ? absl::StrCat(path, "[", i, "]") : path;
      switch (f->cpp_type()) {
        case FieldDescriptor::CPPTYPE_STRING: {
          std::string scratch;
          const std::string& s = f->is_repeated() ? r.GetRepeatedStringReference(m, f, i, &scratch)
                                                  : r.GetStringReference(m, f, &scratch);
          if (static_cast<int64_t>(s.size()) > limits.max_bytes) {
            v.Add(at, absl::StrCat("quá dài, tối đa ", Grouped(limits.max_bytes), " byte (có ",
                                   Grouped(static_cast<int64_t>(s.size())), ") / longer than ",
                                   limits.max_bytes, " bytes"));
          } else if (f->type() == FieldDescriptor::TYPE_STRING && !IsValidUtf8(s)) {
            v.Add(at, "không phải UTF-8 hợp lệ / not valid UTF-8");
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_INT32:
        case FieldDescriptor::CPPTYPE_INT64:
        case FieldDescriptor::CPPTYPE_UINT32:
        case FieldDescriptor::CPPTYPE_UINT64: {
          const int64_t n = IntOf(m, r, *f, i);
          if ((limits.has_min && n < limits.min_value) || (limits.has_max && n > limits.max_value)) {
            v.Add(at, absl::StrCat("phải trong khoảng ", Grouped(limits.min_value), "–",
                                   Grouped(limits.max_value), " / must be within ", limits.min_value,
                                   "..", limits.max_value));
          }
          break;
        }
        case FieldDescriptor::CPPTYPE_MESSAGE:
          CheckMessage(f->is_repeated() ? r.GetRepeatedMessage(m, f, i) : r.GetMessage(m, f),
                       at + ".", v);
          break;
        default:
          break;
      }
    }
  }
}

}  // namespace

EffectiveLimits LimitsOf(const FieldDescriptor& field) {
  EffectiveLimits out;
  out.max_bytes = kDefaultMaxBytes;
  out.max_items = kDefaultMaxItems;
  if (!field.options().HasExtension(options::v1::limits)) return out;
  const options::v1::FieldLimits& l = field.options().GetExtension(options::v1::limits);
  if (l.max_bytes() > 0) out.max_bytes = l.max_bytes();
  if (l.max_items() > 0) out.max_items = l.max_items();
  out.has_min = l.has_min_value();
  out.has_max = l.has_max_value();
  out.min_value = l.min_value();
  out.max_value = l.max_value();
  if (!out.has_min) out.min_value = INT64_MIN;
  if (!out.has_max) out.max_value = INT64_MAX;
  return out;
}

void CheckLimits(const Message& message, errors::FieldViolations& violations) {
  CheckMessage(message, "", violations);
}

absl::Status CheckRequestLimits(const Message& request) {
  errors::FieldViolations v;
  CheckLimits(request, v);
  return v.ToStatus();
}

}  // namespace chibo::validation
