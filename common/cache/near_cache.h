// The in-process layer of Cache: a bounded, sharded LRU map from key to
// value (or to "known not found"), each entry with an expiry time.
//
// Built for the hot path of cached reads (tens of thousands of lookups per
// second on a couple of cores): keys spread over independently locked
// shards, a hit costs one hash, one short shared (reader) critical section
// and one copy of the value. Eviction is CLOCK (second chance) per shard, an
// approximation of least-recently-used whose hits only set a flag on the
// entry; expired entries are dropped when met. Thread-safe.
#ifndef CHIBO_COMMON_CACHE_NEAR_CACHE_H_
#define CHIBO_COMMON_CACHE_NEAR_CACHE_H_

#include <atomic>
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace chibo::cache {

class NearCache {
 public:
  struct Value {
    bool found = false;  // false: the store said "not found" (negative entry)
    std::string value;   // empty when !found
  };

  // Holds at most about `capacity` entries (rounded up to a multiple of the
  // shard count); capacity 0 keeps nothing.
  explicit NearCache(size_t capacity);
  NearCache(const NearCache&) = delete;
  NearCache& operator=(const NearCache&) = delete;
  ~NearCache();

  // The live entry for `key`, or nullopt when absent or expired at `now`.
  std::optional<Value> Get(std::string_view key, absl::Time now);

  // Inserts or replaces the entry, unless `admit()` (called with the shard
  // lock held, so it is ordered against Erase/Clear) returns false.
  // Returns whether the entry was stored.
  bool Put(std::string_view key, bool found, std::string_view value, absl::Time expires,
           absl::FunctionRef<bool()> admit);
  bool Put(std::string_view key, bool found, std::string_view value, absl::Time expires) {
    return Put(key, found, value, expires, [] { return true; });
  }

  void Erase(std::string_view key);
  void Clear();
  size_t size() const;

 private:
  struct Node {
    Node(std::string_view k, std::string_view v, bool f, absl::Time e)
        : key(k), value(v), found(f), expires(e) {}
    std::string key;
    std::string value;
    bool found;
    absl::Time expires;
    // Set by hits (under the reader lock), cleared by the clock hand.
    std::atomic<bool> referenced{false};
  };
  struct Shard {
    mutable absl::Mutex mu;
    // Insertion order, front newest; the clock hand works from the back.
    std::list<Node> lru ABSL_GUARDED_BY(mu);
    // Keys view Node::key, which list nodes keep stable. (absl::string_view:
    // in this Abseil build it is not std::string_view, and only it hashes.)
    absl::flat_hash_map<absl::string_view, std::list<Node>::iterator> index ABSL_GUARDED_BY(mu);
  };

  Shard& ShardFor(absl::string_view key);

  size_t num_shards_;
  size_t shard_capacity_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace chibo::cache

#endif  // CHIBO_COMMON_CACHE_NEAR_CACHE_H_
