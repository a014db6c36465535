// Cache-aside in front of a service's SQL store: near-cache → Redis → loader.
//
//   chibo::cache::Cache members(pool, {.name = "registry"});
//   absl::StatusOr<std::string> bytes = members.GetOrLoad(
//       absl::StrCat("registry:member:", id),
//       [&]() -> absl::StatusOr<std::optional<std::string>> { ... SQL ... });
//   // after a write has committed:
//   members.Invalidate({absl::StrCat("registry:member:", id)});
//
// Semantics
//  * Found values go to Redis with ttl ± ttl_jitter and to the near-cache for
//    near_ttl. "Not found" (loader returned nullopt) is cached for
//    negative_ttl and reported as NOT_FOUND. Loader errors pass through and are
//    never cached.
//  * Single-flight per key: concurrent misses on one key in this process run
//    the loader once; the other callers wait for and share its result.
//  * Redis down or slow never fails a call: the loader runs instead and the
//    call counts as a bypass.
//  * Keys are used verbatim as Redis keys: namespace them ("registry:member:42").
//    Values are stored in Redis with a one-byte tag ('v' + bytes for a value,
//    'n' for "not found"); only Cache should read them.
//  * Invalidate() drops the keys here, DELetes them in Redis and PUBLISHes
//    them on invalidation_channel, many keys to a message (one per line);
//    every Cache subscribed to that channel (other replicas) drops them from
//    its near-cache; the sender skips its own message when it comes back. A load of key K that
//    overlaps an invalidation of K (local, or received over pub/sub while the
//    load is running) still returns its value to its callers but is not
//    cached: not in the near-cache, and not in Redis (deleted again if already
//    written).
//  * The near-cache is only trusted while its invalidation subscription is
//    live. A background thread keeps a SUBSCRIBE connection (its own, not from
//    the pool, PINGed every second and declared dead after 3 s of silence);
//    while it is down (Redis down, before the first subscribe, reconnecting)
//    the near-cache is empty and bypassed. With no Redis at all (redis ==
//    nullptr) every write is local, so the near-cache is always trusted.
//
//  * An invalidation that cannot reach Redis (down, paused, backing off) is
//    not lost: its keys stay pending here, are never read from or written to
//    Redis by this process meanwhile (the loader answers), and are DELeted
//    and PUBLISHed again as soon as Redis answers (the subscriber thread
//    retries every poll). More than max_pending keys: Redis is not trusted
//    at all by this process until one full TTL after it answered again.
//    Another replica may read the old value from Redis until the retry
//    lands (normally well under a second after Redis is back).
//
// Residual window, by design: if another replica's DEL lands between this
// replica's loader reading SQL and its Redis SET, and the pub/sub message only
// arrives after this load has finished, Redis keeps the old value until its
// TTL (the near-cache copy is dropped when the message arrives — except in
// the sender, which skips its own message and may keep the old value it
// read back from Redis for near_ttl, never longer than Redis keeps it).
// Checked values (checked_value.h) are not affected: every read checks them.
#ifndef CHIBO_COMMON_CACHE_CACHE_H_
#define CHIBO_COMMON_CACHE_CACHE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/cache/near_cache.h"
#include "common/cache/redis_pool.h"

namespace chibo::observability {
class Counter;
class Gauge;
}  // namespace chibo::observability

namespace chibo::cache {

struct CacheOptions {
  std::string name;  // metric label, e.g. "registry"
  absl::Duration ttl = absl::Minutes(10);
  double ttl_jitter = 0.1;  // Redis TTL is ttl * (1 ± ttl_jitter), uniformly
  absl::Duration negative_ttl = absl::Seconds(5);
  bool near_cache = true;
  absl::Duration near_ttl = absl::Seconds(30);
  size_t near_capacity = 100000;
  std::string invalidation_channel = "chibo:invalidate";
  size_t max_pending = 100000;  // invalidations kept for retry while Redis is unreachable
};

class Cache {
 public:
  // The store's answer: a value, or nullopt for "no such row". Any error
  // status is passed through to the caller and not cached.
  using Loader = absl::FunctionRef<absl::StatusOr<std::optional<std::string>>()>;

  // Per-instance counts (the same events also go to the process metrics
  // chibo_cache_requests_total{cache,result}).
  struct Stats {
    int64_t hit_near = 0;   // served by the near-cache (GetOrLoad and PeekNear)
    int64_t hit_redis = 0;  // served by Redis
    int64_t miss = 0;       // loader ran because Redis had nothing (or no Redis configured)
    int64_t bypass = 0;     // loader ran because Redis failed or was too slow
    int64_t coalesced = 0;  // waited for another caller's load of the same key
    int64_t load_errors = 0;           // loader returned an error
    int64_t invalidations_sent = 0;    // keys passed to Invalidate()
    int64_t invalidations_received = 0;  // keys heard on the channel
    int64_t invalidation_failures = 0;   // Invalidate() calls whose DEL/PUBLISH failed
    int64_t invalidations_pending = 0;   // keys waiting to be sent again (now)
  };

  // `redis` may be nullptr (no Redis configured: near-cache only, always
  // trusted); otherwise it must outlive the Cache. The invalidation
  // subscriber connects with `subscriber` (url and timeouts; pool_size is
  // ignored). The subscriber thread starts here; the near-cache is bypassed
  // until it has subscribed (see WaitForNearCache).
  Cache(RedisPool* redis, RedisOptions subscriber, CacheOptions options);
  // Same, with the subscriber using redis->options().
  Cache(RedisPool* redis, CacheOptions options);

  Cache(const Cache&) = delete;
  Cache& operator=(const Cache&) = delete;
  // Stops the subscriber thread (within ~100 ms). No call may be running.
  ~Cache();

  // near-cache → Redis GET → loader. NOT_FOUND when the store has no such
  // row (possibly from the negative cache); the loader's own errors as is.
  absl::StatusOr<std::string> GetOrLoad(std::string_view key, Loader loader);

  // GetOrLoad for several keys at once, answers in the keys' order: the
  // near-cache, then one Redis round trip (GETs pipelined) for the keys it
  // lacks, then `load(i)` for each key Redis lacks too, whose answers go to
  // Redis in one more round trip. The same guarantees as GetOrLoad, key by
  // key (single flight, invalidations during the load, Redis down); a key's
  // other callers wait for the whole batch. `load` must not call this cache.
  using IndexedLoader = absl::FunctionRef<absl::StatusOr<std::optional<std::string>>(size_t)>;
  std::vector<absl::StatusOr<std::string>> GetOrLoadMany(const std::vector<std::string>& keys,
                                                         IndexedLoader load);

  // Near-cache only; never does I/O or waits on a load (for a fast path on
  // gRPC threads). nullopt: not known here (absent, expired, or the
  // near-cache is not trusted right now) — take the slow path. Otherwise
  // what GetOrLoad would return: the value, or a NOT_FOUND status for a
  // cached "not found".
  std::optional<absl::StatusOr<std::string>> PeekNear(std::string_view key);

  // Call after the write to the store has committed. Best effort when Redis
  // is down (the local drop always happens).
  void Invalidate(const std::vector<std::string>& keys);

  Stats stats() const;

  // Whether the near-cache is currently trusted (subscription live, or no Redis).
  bool near_cache_active() const;
  // Waits until near_cache_active() or `timeout` passes; returns the former.
  // Useful at start-up and in tests.
  bool WaitForNearCache(absl::Duration timeout);

  const CacheOptions& options() const { return options_; }

 private:
  struct Flight;
  struct Counters;

  absl::StatusOr<std::string> Lead(std::string_view key, Loader loader, Flight& flight);
  // Stores a result in the near-cache unless the flight was invalidated or
  // trust in the near-cache changed since `near_epoch` was read.
  void FinishFlight(std::string_view key, Flight& flight, bool found, std::string_view value,
                    uint64_t near_epoch, bool cache_near);
  // Marks running loads of `keys` as invalidated and drops the keys from the
  // near-cache.
  void DropLocal(const std::vector<std::string>& keys);
  void DropLocal(std::string_view key);

  void EnableNear();
  void DisableNear();
  void SubscriberLoop();
  // Returns false if shutdown was requested during the wait.
  bool SleepUnlessShutdown(absl::Duration d);

  absl::Duration JitteredTtl();

  // Keys whose invalidation has not reached Redis yet (see above).
  bool RedisTrustedFor(std::string_view key);
  void AddPending(const std::vector<std::string>& keys);
  // Sends the pending invalidations again; keeps them if Redis still fails.
  void RetryPending();

  RedisPool* const redis_;
  const RedisOptions subscriber_options_;
  const CacheOptions options_;
  const std::string negative_message_;
  // The first line of every message this Cache sends (cache.cc, kOriginMark).
  const std::string origin_;

  NearCache near_;
  // Trust in the near-cache. Writers read near_epoch_ before their lookup
  // and only store if it is unchanged (checked under the shard lock).
  std::atomic<bool> near_enabled_{false};
  std::atomic<uint64_t> near_epoch_{0};

  mutable absl::Mutex pending_mu_;
  absl::flat_hash_set<std::string> pending_ ABSL_GUARDED_BY(pending_mu_);
  bool pending_overflow_ ABSL_GUARDED_BY(pending_mu_) = false;
  absl::Time distrust_until_ ABSL_GUARDED_BY(pending_mu_) = absl::InfinitePast();
  std::atomic<bool> any_pending_{false};

  absl::Mutex flights_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(flights_mu_);

  absl::Mutex shutdown_mu_;
  bool shutdown_ ABSL_GUARDED_BY(shutdown_mu_) = false;
  std::atomic<bool> shutdown_flag_{false};
  std::thread subscriber_;

  std::unique_ptr<Counters> counters_;
};

}  // namespace chibo::cache

#endif  // CHIBO_COMMON_CACHE_CACHE_H_
