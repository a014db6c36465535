#include "common/cache/checked_value.h"

#include "absl/strings/str_cat.h"

namespace chibo::cache {

std::string JoinVersioned(absl::string_view version, absl::string_view payload) {
  return absl::StrCat(version, "\n", payload);
}

std::optional<VersionedView> SplitVersioned(absl::string_view stored) {
  const size_t nl = stored.find('\n');
  if (nl == absl::string_view::npos) return std::nullopt;
  return VersionedView{stored.substr(0, nl), stored.substr(nl + 1)};
}

absl::StatusOr<std::string> GetChecked(
    Cache& cache, std::string_view key,
    absl::FunctionRef<absl::StatusOr<std::string>()> watermark,
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view watermark)> changed,
    absl::FunctionRef<absl::StatusOr<std::string>()> build) {
  // Stored with its watermark (JoinVersioned).
  auto load = [&]() -> absl::StatusOr<std::optional<std::string>> {
    auto w = watermark();
    if (!w.ok()) return w.status();
    auto payload = build();
    if (!payload.ok()) return payload.status();
    return JoinVersioned(*w, *payload);
  };
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto stored = cache.GetOrLoad(key, load);
    if (!stored.ok()) return stored.status();
    if (std::optional<VersionedView> v = SplitVersioned(*stored)) {
      auto stale = changed(v->version);
      if (!stale.ok()) return stale.status();
      if (!*stale) return std::string(v->payload);
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
  std::optional<VersionedView> v = SplitVersioned(**near);
  if (!v) return std::nullopt;
  absl::StatusOr<bool> stale = changed(v->version);
  if (!stale.ok() || *stale) return std::nullopt;
  return CheckedValue{std::string(v->version), std::string(v->payload)};
}

}  // namespace chibo::cache
