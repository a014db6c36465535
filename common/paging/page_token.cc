#include "absl/strings/string_view.h"
#include "common/paging/page_token.h"

#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace chibo::paging {
namespace {

std::string FilterHash(absl::string_view filter_key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : filter_key) h = (h ^ c) * 1099511628211ull;
  return absl::StrFormat("%08x", static_cast<uint32_t>(h ^ (h >> 32)));
}

}  // namespace

int EffectivePageSize(int requested) {
  if (requested <= 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodePageToken(int64_t offset, absl::string_view filter_key) {
  return absl::WebSafeBase64Escape(absl::StrCat("v1:", offset, ":", FilterHash(filter_key)));
}

absl::StatusOr<int64_t> DecodePageToken(absl::string_view token, absl::string_view filter_key) {
  if (token.empty()) return 0;
  std::string raw;
  int64_t offset = 0;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return absl::InvalidArgumentError("page_token");
  std::vector<absl::string_view> parts = absl::StrSplit(raw, ':');
  if (parts.size() != 3 || parts[0] != "v1" || !absl::SimpleAtoi(parts[1], &offset) ||
      offset < 0 || parts[2] != FilterHash(filter_key)) {
    return absl::InvalidArgumentError("page_token");
  }
  return offset;
}

std::string EncodeKeysetToken(absl::string_view last_key, absl::string_view filter_key) {
  return absl::WebSafeBase64Escape(
      absl::StrCat("k1:", absl::WebSafeBase64Escape(last_key), ":", FilterHash(filter_key)));
}

absl::StatusOr<std::string> DecodeKeysetToken(absl::string_view token, absl::string_view filter_key) {
  if (token.empty()) return std::string();
  std::string raw, key;
  if (!absl::WebSafeBase64Unescape(token, &raw)) return absl::InvalidArgumentError("page_token");
  std::vector<absl::string_view> parts = absl::StrSplit(raw, ':');
  if (parts.size() != 3 || parts[0] != "k1" || !absl::WebSafeBase64Unescape(parts[1], &key) ||
      key.empty() || parts[2] != FilterHash(filter_key)) {
    return absl::InvalidArgumentError("page_token");
  }
  return key;
}

}  // namespace chibo::paging
