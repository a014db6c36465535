// Page tokens (common/paging/page_token.h).
// Input: 8 bytes of offset, then a filter key and a token separated by the
// first 0 byte. Properties: Encode then Decode with the same filter key
// gives the offset back (offsets ≥ 0); the encoded token is web-safe base64;
// decoding arbitrary bytes never crashes and yields INVALID_ARGUMENT or a
// non-negative offset that re-encodes to a token decoding to the same offset
// for that filter; an empty token is offset 0.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/string_view.h"
#include "common/paging/page_token.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 8) return 0;
  int64_t offset = 0;
  std::memcpy(&offset, data, 8);
  absl::string_view rest(reinterpret_cast<const char*>(data + 8), size - 8);
  const size_t nul = rest.find('\0');
  const absl::string_view filter = rest.substr(0, nul);
  const absl::string_view token = nul == absl::string_view::npos ? "" : rest.substr(nul + 1);
  using chibo::paging::DecodePageToken;
  using chibo::paging::EncodePageToken;

  if (offset >= 0) {
    const std::string encoded = EncodePageToken(offset, filter);
    FUZZ_CHECK(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789-_") == std::string::npos,
               "token \"%s\" is not web-safe base64", encoded.c_str());
    auto decoded = DecodePageToken(encoded, filter);
    FUZZ_CHECK(decoded.ok() && *decoded == offset, "round trip of %lld failed",
               static_cast<long long>(offset));
    // A token made for one filter is refused for another (unless the
    // 32-bit hashes collide, which the fuzzer is welcome to show).
    const std::string other = std::string(filter) + "x";
    auto cross = DecodePageToken(encoded, other);
    FUZZ_CHECK(!cross.ok() || *cross == offset, "token decoded to another offset");
  }

  auto decoded = DecodePageToken(token, filter);
  if (token.empty()) {
    FUZZ_CHECK(decoded.ok() && *decoded == 0, "empty token is not offset 0");
    return 0;
  }
  if (!decoded.ok()) {
    FUZZ_CHECK(decoded.status().code() == absl::StatusCode::kInvalidArgument, "%s",
               decoded.status().ToString().c_str());
    return 0;
  }
  FUZZ_CHECK(*decoded >= 0, "negative offset %lld", static_cast<long long>(*decoded));
  auto again = DecodePageToken(EncodePageToken(*decoded, filter), filter);
  FUZZ_CHECK(again.ok() && *again == *decoded, "re-encoded token decodes differently");
  return 0;
}
