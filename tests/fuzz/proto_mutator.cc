#include "tests/fuzz/proto_mutator.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "common/validation/request_limits.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace chibo::fuzz {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

namespace {

// Words any string field may get, besides the caller's.
const std::vector<std::string>& CommonWords() {
  static const auto* words = new std::vector<std::string>{
      "", " ", "x", "0", "-1", "\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\r\nb",
      "=cmd|' /C calc'!A0", "\"", "'", "%", "\\", "null", "{}", "ĐẢNG BỘ Tỉnh",
      // dates, in and out of range, and what looks like one
      "2025-01-01", "2025-06-30", "2025-12-31", "2026-01-01", "2024-02-29", "2025-02-29",
      "2025-13-01", "2025-00-10", "1899-12-31", "1900-01-01", "2199-12-31", "2200-01-01",
      "9999-12-31", "0000-00-00", "2025-1-1", "2025-01-01 ", "20250101", "2010-01-01", "1990-05-19",
      // local times
      "2025-03-04T19:00", "2025-03-04T24:00", "2025-03-04T23:59", "2025-03-04T19:00:00",
      "2025-03-04 19:00", "2027-01-01T08:00", "2019-01-01T08:00",
      // rules and periods
      "FREQ=MONTHLY;BYMONTHDAY=5", "FREQ=WEEKLY;BYDAY=TU", "FREQ=DAILY", "FREQ=MONTHLY;BYDAY=2TU",
      "FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
      "FREQ=HOURLY", "FREQ=MONTHLY;COUNT=3", "FREQ=MONTHLY;UNTIL=20251231", "2025", "2025-Q3",
      "2025-H1", "2025-06", "2025-Q5", "2025-1 ",
      // tokens and masks
      "djE6MTA6MDAwMDAwMDA", "v1:10:00000000", "name", "phone", "name,phone", "*"};
  return *words;
}

}  // namespace

int64_t ProtoMutator::AnInteger(const FieldDescriptor& field, int64_t now) {
  const validation::EffectiveLimits l = validation::LimitsOf(field);
  switch (Below(12)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return -1;
    case 3: return now + 1;
    case 4: return now - 1;
    case 5: return l.has_min ? l.min_value - Below(2) : std::numeric_limits<int32_t>::min();
    case 6: return l.has_max ? l.max_value + Below(2) : std::numeric_limits<int32_t>::max();
    case 7: return std::numeric_limits<int64_t>::max();
    case 8: return std::numeric_limits<int64_t>::min();
    case 9: return static_cast<int64_t>(Below(3000));
    case 10: return l.has_min && l.has_max ? l.min_value + Below(l.max_value - l.min_value + 1) : Below(100);
    default: return now * 2 + Below(3);
  }
}

std::string ProtoMutator::AString(const FieldDescriptor& field, const std::string& now) {
  const validation::EffectiveLimits l = validation::LimitsOf(field);
  switch (Below(10)) {
    case 0: case 1: case 2:
      if (words_ != nullptr && !words_->empty()) return (*words_)[Below(words_->size())];
      [[fallthrough]];
    case 3: case 4: {
      const auto& common = CommonWords();
      return common[Below(common.size())];
    }
    case 5: {  // at, or one past, the limit
      return std::string(static_cast<size_t>(l.max_bytes + Below(2)), 'a' + Below(26));
    }
    case 6: {  // cut
      return now.substr(0, Below(now.size() + 1));
    }
    case 7: {  // one byte changed, inserted or removed
      std::string s = now;
      if (s.empty() || OneIn(3)) {
        s.insert(Below(s.size() + 1), 1, static_cast<char>(Below(256)));
      } else if (OneIn(2)) {
        s[Below(s.size())] = static_cast<char>(Below(256));
      } else {
        s.erase(Below(s.size()), 1);
      }
      return s;
    }
    case 8: {  // a digit changed (dates, times, numbers in text)
      std::string s = now;
      for (int tries = 0; tries < 8 && !s.empty(); ++tries) {
        size_t at = Below(s.size());
        if (s[at] >= '0' && s[at] <= '9') {
          s[at] = static_cast<char>('0' + Below(10));
          break;
        }
      }
      return s;
    }
    default: {  // two words joined
      const auto& common = CommonWords();
      return absl::StrCat(now, common[Below(common.size())]);
    }
  }
}

void ProtoMutator::SetRandom(Message* m, const FieldDescriptor& f) {
  const Reflection& r = *m->GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      r.SetInt32(m, &f, static_cast<int32_t>(AnInteger(f, r.GetInt32(*m, &f))));
      break;
    case FieldDescriptor::CPPTYPE_INT64: r.SetInt64(m, &f, AnInteger(f, r.GetInt64(*m, &f))); break;
    case FieldDescriptor::CPPTYPE_UINT32:
      r.SetUInt32(m, &f, static_cast<uint32_t>(AnInteger(f, r.GetUInt32(*m, &f))));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      r.SetUInt64(m, &f, static_cast<uint64_t>(AnInteger(f, static_cast<int64_t>(r.GetUInt64(*m, &f)))));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE: r.SetDouble(m, &f, static_cast<double>(AnInteger(f, 0)) / 7); break;
    case FieldDescriptor::CPPTYPE_FLOAT: r.SetFloat(m, &f, static_cast<float>(AnInteger(f, 0)) / 7); break;
    case FieldDescriptor::CPPTYPE_BOOL: r.SetBool(m, &f, !r.GetBool(*m, &f)); break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f.enum_type();
      if (OneIn(8)) {
        r.SetEnumValue(m, &f, static_cast<int>(AnInteger(f, 0)));  // open enum: any number
      } else {
        r.SetEnumValue(m, &f, e->value(static_cast<int>(Below(e->value_count())))->number());
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      r.SetString(m, &f, AString(f, r.GetStringReference(*m, &f, &scratch)));
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: r.MutableMessage(m, &f); break;
  }
}

void ProtoMutator::AddRandom(Message* m, const FieldDescriptor& f) {
  const Reflection& r = *m->GetReflection();
  switch (f.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: r.AddInt32(m, &f, static_cast<int32_t>(AnInteger(f, 0))); break;
    case FieldDescriptor::CPPTYPE_INT64: r.AddInt64(m, &f, AnInteger(f, 0)); break;
    case FieldDescriptor::CPPTYPE_UINT32: r.AddUInt32(m, &f, static_cast<uint32_t>(AnInteger(f, 0))); break;
    case FieldDescriptor::CPPTYPE_UINT64: r.AddUInt64(m, &f, static_cast<uint64_t>(AnInteger(f, 0))); break;
    case FieldDescriptor::CPPTYPE_DOUBLE: r.AddDouble(m, &f, static_cast<double>(AnInteger(f, 0)) / 7); break;
    case FieldDescriptor::CPPTYPE_FLOAT: r.AddFloat(m, &f, static_cast<float>(AnInteger(f, 0)) / 7); break;
    case FieldDescriptor::CPPTYPE_BOOL: r.AddBool(m, &f, OneIn(2)); break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f.enum_type();
      r.AddEnumValue(m, &f, e->value(static_cast<int>(Below(e->value_count())))->number());
      break;
    }
    case FieldDescriptor::CPPTYPE_STRING: r.AddString(m, &f, AString(f, "")); break;
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const int n = r.FieldSize(*m, &f);
      Message* added = r.AddMessage(m, &f);
      if (n > 0 && OneIn(2)) added->CopyFrom(r.GetRepeatedMessage(*m, &f, static_cast<int>(Below(n))));
      break;
    }
  }
}

void ProtoMutator::MutateField(Message* m, const FieldDescriptor& f) {
  const Reflection& r = *m->GetReflection();
  if (!f.is_repeated()) {
    if (OneIn(8)) {
      r.ClearField(m, &f);
    } else {
      SetRandom(m, f);
    }
    return;
  }
  const int n = r.FieldSize(*m, &f);
  switch (Below(8)) {
    case 0:
      if (n > 0) r.RemoveLast(m, &f);
      break;
    case 1:
      r.ClearField(m, &f);
      break;
    case 2: {  // flood: past the field's item limit
      const int target = validation::LimitsOf(f).max_items + static_cast<int>(Below(3));
      for (int i = n; i < target && i < 2000; ++i) AddRandom(m, f);
      break;
    }
    case 3:
      if (n > 1) r.SwapElements(m, &f, static_cast<int>(Below(n)), static_cast<int>(Below(n)));
      break;
    default:
      AddRandom(m, f);
  }
}

void ProtoMutator::Mutate(Message* message) {
  // Every message node in the tree, then one field of one of them.
  std::vector<Message*> nodes{message};
  for (size_t i = 0; i < nodes.size() && nodes.size() < 256; ++i) {
    Message* m = nodes[i];
    const Reflection& r = *m->GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r.ListFields(*m, &fields);
    for (const FieldDescriptor* f : fields) {
      if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
      if (f->is_repeated()) {
        for (int k = 0; k < r.FieldSize(*m, f) && nodes.size() < 256; ++k) {
          nodes.push_back(r.MutableRepeatedMessage(m, f, k));
        }
      } else {
        nodes.push_back(r.MutableMessage(m, f));
      }
    }
  }
  Message* target = nodes[Below(nodes.size())];
  const auto* d = target->GetDescriptor();
  if (d->field_count() == 0) return;
  // Fields already set are more often worth changing than unset ones.
  std::vector<const FieldDescriptor*> set;
  target->GetReflection()->ListFields(*target, &set);
  const FieldDescriptor* f = !set.empty() && OneIn(2) ? set[Below(set.size())]
                                                       : d->field(static_cast<int>(Below(d->field_count())));
  MutateField(target, *f);
}

}  // namespace chibo::fuzz
