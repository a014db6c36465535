#include "common/cache/checked_value.h"

#include "absl/strings/str_cat.h"

namespace chibo::cache {

absl::StatusOr<std::string> GetChecked(
    Cache& cache, std::string_view key,
    absl::FunctionRef<absl::StatusOr<std::string>()> watermark,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view watermark)> changed,
    absl::FunctionRef<absl::StatusOr<std::string>()> build) {
  // Stored as "<watermark>\n<payload>" (watermarks have no newline).
  auto load = [&]() -> absl::StatusOr<std::optional<std::string>> {
    auto w = watermark();
    if (!w.ok()) return w.status();
    auto payload = build();
    if (!payload.ok()) return payload.status();
    return absl::StrCat(*w, "\n", *payload);
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto stored = cache.GetOrLoad(key, load);
    if (!stored.ok()) return stored.status();
    const size_t nl = stored->find('\n');
    if (nl != std::string::npos) {
      auto stale = changed(absl::string_view(*stored).substr(0, nl));
      if (!stale.ok()) return stale.status();
      if (!*stale) return stored->substr(nl + 1);
    }
    // Stale (or unreadable): drop it here, in Redis and in the replicas'
    // near-caches, and load again.
    cache.Invalidate({std::string(key)});
  }
  // Still stale: Redis kept it (its DEL failed) or the data keeps moving.
  // Answer from the store, uncached.
  if (auto w = watermark(); !w.ok()) return w.status();
  return build();
}

std::optional<CheckedValue> PeekChecked(
    Cache& cache, std::string_view key,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view watermark)> changed) {
  std::optional<absl::StatusOr<std::string>> near = cache.PeekNear(key);
  if (!near || !near->ok()) return std::nullopt;
  std::string stored = *std::move(*near);
  const size_t nl = stored.find('\n');
  if (nl == std::string::npos) return std::nullopt;
  absl::StatusOr<bool> stale = changed(absl::string_view(stored).substr(0, nl));
  if (!stale.ok() || *stale) return std::nullopt;
  CheckedValue out{stored.substr(0, nl), std::string()};
  stored.erase(0, nl + 1);
  out.payload = std::move(stored);
  return out;
}

}  // namespace chibo::cache
