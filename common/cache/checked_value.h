// Cached values that carry the watermark of the data they were built from
// and are checked against the store on every read, so a cached value can
// never be staler than the store — with Redis up, down or flapping, and
// across replicas (a missed invalidation costs a rebuild, never a wrong
// answer). See docs/reports.md.
//
//   auto report = cache::GetChecked(cache, key,
//       /*watermark=*/[&] { return stamps.Watermark(db, year); },
//       /*changed=*/[&](absl::string_view w) { return stamps.ChangedSince(db, year, w); },
//       /*build=*/[&] { return BuildReport(); });
#ifndef CHIBO_COMMON_CACHE_CHECKED_VALUE_H_
#define CHIBO_COMMON_CACHE_CHECKED_VALUE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/cache/cache.h"

namespace chibo::cache {

// A value stored with the version (or watermark) it was built from, as
// "<version>\n<payload>" (versions have no newline): what GetChecked keeps,
// and what a caller keeping its own built values stores the same way.
std::string JoinVersioned(absl::string_view version, absl::string_view payload);
struct VersionedView {
  absl::string_view version;
  absl::string_view payload;
};
// The two halves of a value JoinVersioned made; nullopt if it has no newline.
std::optional<VersionedView> SplitVersioned(absl::string_view stored);

// The payload cached under `key` when `changed` says nothing changed since
// its watermark; otherwise drops it, takes a new watermark (before
// building), builds, and caches the result under `key`.
absl::StatusOr<std::string> GetChecked(
    Cache& cache, std::string_view key,
    absl::FunctionRef<absl::StatusOr<std::string>()> watermark,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view watermark)> changed,
    absl::FunctionRef<absl::StatusOr<std::string>()> build);

// The payload cached under `key` and the watermark it was checked against,
// only if the near-cache holds it and `changed` says nothing changed since;
// nullopt otherwise (absent, stale, or an error: the caller takes
// GetChecked's path). Never builds, never writes, no Redis round trip: for a
// lookup made on a guess (e.g. on the tree in hand while its version is
// being checked).
struct CheckedValue {
  std::string watermark;
  std::string payload;
};
std::optional<CheckedValue> PeekChecked(
    Cache& cache, std::string_view key,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view watermark)> changed);

}  // namespace chibo::cache

#endif  // CHIBO_COMMON_CACHE_CHECKED_VALUE_H_
