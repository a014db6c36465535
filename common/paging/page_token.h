// Page tokens and sizes for List methods (AIP-158). A token is opaque to
// callers: the offset of the next page, tied to the request's filters so a
// token cannot be replayed against a different query.
#ifndef CHIBO_COMMON_PAGING_PAGE_TOKEN_H_
#define CHIBO_COMMON_PAGING_PAGE_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/statusor.h"

namespace chibo::paging {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// 0 → default; above the maximum → the maximum; negative is the caller's
// error to report (IsValidPageSize).
int EffectivePageSize(int requested);
inline bool IsValidPageSize(int requested) { return requested >= 0; }

// `filter_key` is any string that identifies the query (its filters).
std::string EncodePageToken(int64_t offset, absl::string_view filter_key);
// Empty token → offset 0. A token that is not ours, or was made for other
// filters → InvalidArgument.
absl::StatusOr<int64_t> DecodePageToken(absl::string_view token, absl::string_view filter_key);

// A keyset token: the sort key of the last item returned, so the next page
// starts right after it (a seek, not a count from the start) — for lists
// read in key order from a big table. Same rules as the offset tokens;
// an empty token → an empty key.
std::string EncodeKeysetToken(absl::string_view last_key, absl::string_view filter_key);
absl::StatusOr<std::string> DecodeKeysetToken(absl::string_view token, absl::string_view filter_key);

}  // namespace chibo::paging

#endif  // CHIBO_COMMON_PAGING_PAGE_TOKEN_H_
