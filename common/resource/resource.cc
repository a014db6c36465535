#include "absl/strings/string_view.h"
#include "common/resource/resource.h"

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace chibo::resource {

std::string NewId(absl::string_view prefix) {
  thread_local absl::BitGen gen;
  return absl::StrCat(prefix, absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen)));
}

std::string NewTimeOrderedId(absl::string_view prefix) {
  thread_local absl::BitGen gen;
  const uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now())) & ((uint64_t{1} << 44) - 1);
  const uint64_t random = absl::Uniform<uint64_t>(gen) & ((uint64_t{1} << 36) - 1);
  return absl::StrCat(prefix, absl::StrFormat("%011x%09x", ms, random));
}

bool IsValidId(absl::string_view id) {
  if (id.size() < 2 || id.size() > 63 || id.front() == '-') return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string EtagOf(int64_t version) { return absl::StrCat("v", version); }

int64_t VersionOfEtag(absl::string_view etag) {
  int64_t version = 0;
  if (etag.size() < 2 || etag[0] != 'v' || !absl::SimpleAtoi(etag.substr(1), &version)) return 0;
  return version;
}

bool EtagMatches(absl::string_view etag, int64_t version) {
  return etag.empty() || etag == EtagOf(version);
}

}  // namespace chibo::resource
