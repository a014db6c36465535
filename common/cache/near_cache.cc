#include "common/cache/near_cache.h"

#include <iterator>

#include "absl/hash/hash.h"

namespace chibo::cache {
namespace {

// Fewer shards for small caches so that the bound stays close to `capacity`.
size_t ShardCount(size_t capacity) {
  size_t n = 1;
  while (n < 16 && n * 2 * 64 <= capacity) n *= 2;
  return n;
}

}  // namespace

NearCache::NearCache(size_t capacity)
    : num_shards_(ShardCount(capacity)),
      shard_capacity_((capacity + num_shards_ - 1) / num_shards_),
      shards_(new Shard[num_shards_]) {}

NearCache::~NearCache() = default;

NearCache::Shard& NearCache::ShardFor(absl::string_view key) {
  // High bits: the map inside the shard uses the low ones.
  const size_t h = absl::Hash<absl::string_view>{}(key);
  return shards_[(h >> 40) & (num_shards_ - 1)];
}

std::optional<NearCache::Value> NearCache::Get(std::string_view std_key, absl::Time now) {
  const absl::string_view key(std_key.data(), std_key.size());
  Shard& s = ShardFor(key);
  {
    absl::ReaderMutexLock lock(&s.mu);
    auto it = s.index.find(key);
    if (it == s.index.end()) return std::nullopt;
    Node& node = *it->second;
    if (node.expires > now) {
      if (!node.referenced.load(std::memory_order_relaxed)) {
        node.referenced.store(true, std::memory_order_relaxed);
      }
      return Value{node.found, node.value};
    }
  }
  // Expired: drop it (if nobody replaced it meanwhile).
  absl::MutexLock lock(&s.mu);
  auto it = s.index.find(key);
  if (it != s.index.end() && it->second->expires <= now) {
    auto node = it->second;
    s.index.erase(it);
    s.lru.erase(node);
  }
  return std::nullopt;
}

bool NearCache::Put(std::string_view std_key, bool found, std::string_view value,
                    absl::Time expires, absl::FunctionRef<bool()> admit) {
  const absl::string_view key(std_key.data(), std_key.size());
  if (shard_capacity_ == 0) return false;
  Shard& s = ShardFor(key);
  absl::MutexLock lock(&s.mu);
  if (!admit()) return false;
  auto it = s.index.find(key);
  if (it != s.index.end()) {
    auto node = it->second;
    node->value.assign(value.data(), value.size());
    node->found = found;
    node->expires = expires;
    node->referenced.store(true, std::memory_order_relaxed);
    return true;
  }
  // Clock hand: entries hit since it last passed get a second chance.
  while (s.lru.size() >= shard_capacity_) {
    auto victim = std::prev(s.lru.end());
    if (victim->referenced.load(std::memory_order_relaxed)) {
      victim->referenced.store(false, std::memory_order_relaxed);
      s.lru.splice(s.lru.begin(), s.lru, victim);
      continue;
    }
    s.index.erase(absl::string_view(victim->key));
    s.lru.erase(victim);
  }
  s.lru.emplace_front(std_key, value, found, expires);
  s.index.emplace(absl::string_view(s.lru.front().key), s.lru.begin());
  return true;
}

void NearCache::Erase(std::string_view std_key) {
  const absl::string_view key(std_key.data(), std_key.size());
  Shard& s = ShardFor(key);
  absl::MutexLock lock(&s.mu);
  auto it = s.index.find(key);
  if (it == s.index.end()) return;
  auto node = it->second;
  s.index.erase(it);
  s.lru.erase(node);
}

void NearCache::Clear() {
  for (size_t i = 0; i < num_shards_; ++i) {
    std::list<Node> drop;  // freed outside the lock
    {
      absl::MutexLock lock(&shards_[i].mu);
      shards_[i].index.clear();
      drop.swap(shards_[i].lru);
    }
  }
}

size_t NearCache::size() const {
  size_t n = 0;
  for (size_t i = 0; i < num_shards_; ++i) {
    absl::MutexLock lock(&shards_[i].mu);
    n += shards_[i].lru.size();
  }
  return n;
}

}  // namespace chibo::cache
