#include "common/cache/cache.h"

#include <atomic>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/cache/redis_pool.h"
#include "common/observability/metrics.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server.h"

namespace chibo::cache {
namespace {

using chibo::testing::RedisServer;
using LoadResult = absl::StatusOr<std::optional<std::string>>;

template <typename F>
bool Eventually(F f, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (f()) return true;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return f();
}

// A stand-in for one SQL row: what the loader returns, and how often it ran.
class FakeStore {
 public:
  explicit FakeStore(std::optional<std::string> value) : value_(std::move(value)) {}
  void Set(std::optional<std::string> v) {
    absl::MutexLock lock(&mu_);
    value_ = std::move(v);
  }
  LoadResult Load() {
    calls_.fetch_add(1);
    absl::MutexLock lock(&mu_);
    return value_;
  }
  int calls() const { return calls_.load(); }

 private:
  absl::Mutex mu_;
  std::optional<std::string> value_;
  std::atomic<int> calls_{0};
};

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto pool = RedisPool::Create(redis_options());
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
  }

  RedisOptions redis_options() const {
    return {.url = server_->url(), .retry_backoff = absl::Milliseconds(200)};
  }

  std::unique_ptr<Cache> NewCache(CacheOptions options = {}) {
    if (options.name.empty()) options.name = "test";
    auto cache = std::make_unique<Cache>(pool_.get(), redis_options(), std::move(options));
    EXPECT_TRUE(cache->WaitForNearCache(absl::Seconds(5)));
    return cache;
  }

  absl::StatusOr<std::string> Get(Cache& cache, std::string_view key, FakeStore& store) {
    return cache.GetOrLoad(key, [&] { return store.Load(); });
  }

  Reply Redis(std::vector<std::string> argv) {
    auto reply = pool_->Command(argv);
    EXPECT_TRUE(reply.ok()) << reply.status();
    return reply.ok() ? *reply : Reply::Nil();
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisPool> pool_;
};

TEST_F(CacheTest, MissThenHitsLoaderRunsOnce) {
  auto cache = NewCache();
  FakeStore store("alice");
  auto first = Get(*cache, "t:member:1", store);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "alice");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(*Get(*cache, "t:member:1", store), "alice");
  EXPECT_EQ(store.calls(), 1);
  EXPECT_EQ(cache->stats().miss, 1);
  EXPECT_EQ(cache->stats().hit_near, 10);

  // The value is in Redis too: another replica (empty near-cache) finds it there.
  EXPECT_EQ(Redis({"GET", "t:member:1"}).str, "valice");
  auto other = NewCache();
  EXPECT_EQ(*Get(*other, "t:member:1", store), "alice");
  EXPECT_EQ(store.calls(), 1);
  EXPECT_EQ(other->stats().hit_redis, 1);
  // ...and then from its own near-cache.
  ASSERT_TRUE(other->PeekNear("t:member:1").has_value());
  EXPECT_EQ(**other->PeekNear("t:member:1"), "alice");
}

TEST_F(CacheTest, MetricsCountHitsMissesAndBypasses) {
  auto& m = observability::Metrics::Global();
  auto counter = [&](const char* result) {
    return m.GetCounter("chibo_cache_requests_total", "",
                        {{"cache", "metrics_test"}, {"result", result}})
        .value();
  };
  const int64_t miss0 = counter("miss");
  const int64_t near0 = counter("hit_near");
  const int64_t bypass0 = counter("bypass");
  auto cache = NewCache({.name = "metrics_test"});
  FakeStore store("v");
  Get(*cache, "t:m", store).IgnoreError();
  Get(*cache, "t:m", store).IgnoreError();
  EXPECT_EQ(counter("miss") - miss0, 1);
  EXPECT_EQ(counter("hit_near") - near0, 1);
  const std::string text = m.RenderPrometheus();
  EXPECT_NE(text.find("chibo_cache_requests_total{cache=\"metrics_test\",result=\"hit_near\"}"),
            std::string::npos)
      << text;
  server_->Kill();
  Get(*cache, "t:other", store).IgnoreError();
  EXPECT_EQ(counter("bypass") - bypass0, 1);
}

TEST_F(CacheTest, ConcurrentMissesRunTheLoaderOnce) {
  auto cache = NewCache();
  constexpr int kThreads = 16;
  std::atomic<int> loads{0};
  absl::Barrier* start = new absl::Barrier(kThreads);
  std::vector<absl::StatusOr<std::string>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      if (start->Block()) delete start;
      results[t] = cache->GetOrLoad("t:hot", [&]() -> LoadResult {
        loads.fetch_add(1);
        absl::SleepFor(absl::Milliseconds(300));  // a slow query
        return std::optional<std::string>("value");
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  for (const auto& r : results) {
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, "value");
  }
  EXPECT_EQ(cache->stats().coalesced, kThreads - 1);
}

TEST_F(CacheTest, LoaderErrorsPassThroughAndAreNotCached) {
  auto cache = NewCache();
  int calls = 0;
  auto failing = [&]() -> LoadResult {
    ++calls;
    return absl::DeadlineExceededError("database is slow");
  };
  EXPECT_EQ(cache->GetOrLoad("t:err", failing).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(cache->GetOrLoad("t:err", failing).status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(cache->PeekNear("t:err").has_value());
  EXPECT_TRUE(Redis({"GET", "t:err"}).is_nil());
  EXPECT_EQ(cache->stats().load_errors, 2);
  // A NOT_FOUND *error* from the loader is an error too, not a cached "not found".
  auto not_found_error = [&]() -> LoadResult {
    ++calls;
    return absl::NotFoundError("table missing");
  };
  EXPECT_EQ(cache->GetOrLoad("t:err2", not_found_error).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(cache->PeekNear("t:err2").has_value());
  EXPECT_TRUE(Redis({"GET", "t:err2"}).is_nil());
}

TEST_F(CacheTest, NotFoundIsNegativeCachedThenExpires) {
  auto cache = NewCache({.negative_ttl = absl::Milliseconds(400)});
  FakeStore store(std::nullopt);
  auto first = Get(*cache, "t:ghost", store);
  EXPECT_EQ(first.status().code(), absl::StatusCode::kNotFound);
  auto second = Get(*cache, "t:ghost", store);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store.calls(), 1);

  // PeekNear reports the cached "not found" as a NOT_FOUND status.
  auto peek = cache->PeekNear("t:ghost");
  ASSERT_TRUE(peek.has_value());
  EXPECT_EQ(peek->status().code(), absl::StatusCode::kNotFound);

  // In Redis with the short negative TTL.
  const Reply pttl = Redis({"PTTL", "t:ghost"});
  EXPECT_GT(pttl.integer, 0);
  EXPECT_LE(pttl.integer, 400);

  // The row appears; once the negative entry expires the new value is seen.
  store.Set("now here");
  absl::SleepFor(absl::Milliseconds(450));
  auto later = Get(*cache, "t:ghost", store);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(*later, "now here");
  EXPECT_EQ(store.calls(), 2);
}

TEST_F(CacheTest, RedisTtlHasJitter) {
  auto cache = NewCache({.ttl = absl::Seconds(100), .ttl_jitter = 0.1});
  FakeStore store("v");
  int64_t lo = INT64_MAX;
  int64_t hi = 0;
  for (int i = 0; i < 40; ++i) {
    const std::string key = absl::StrCat("t:ttl:", i);
    ASSERT_TRUE(Get(*cache, key, store).ok());
    const int64_t ttl = Redis({"PTTL", key}).integer;
    EXPECT_GE(ttl, 89000) << key;
    EXPECT_LE(ttl, 110000) << key;
    lo = std::min(lo, ttl);
    hi = std::max(hi, ttl);
  }
  // Spread over ±10 s, not all expiring together.
  EXPECT_GT(hi - lo, 5000);
}

TEST_F(CacheTest, InvalidateDropsFromRedisAndNearCache) {
  auto cache = NewCache();
  FakeStore store("v1");
  ASSERT_EQ(*Get(*cache, "t:inv", store), "v1");
  ASSERT_TRUE(cache->PeekNear("t:inv").has_value());
  ASSERT_EQ(Redis({"EXISTS", "t:inv"}).integer, 1);

  store.Set("v2");  // the write commits, then:
  cache->Invalidate({"t:inv"});
  EXPECT_FALSE(cache->PeekNear("t:inv").has_value());
  EXPECT_EQ(Redis({"EXISTS", "t:inv"}).integer, 0);
  EXPECT_EQ(*Get(*cache, "t:inv", store), "v2");
  EXPECT_EQ(store.calls(), 2);
  EXPECT_EQ(cache->stats().invalidations_sent, 1);
}

TEST_F(CacheTest, InvalidationReachesOtherReplicas) {
  auto replica_a = NewCache();
  auto replica_b = NewCache();
  FakeStore store("v1");
  ASSERT_EQ(*Get(*replica_a, "t:shared", store), "v1");
  ASSERT_EQ(*Get(*replica_b, "t:shared", store), "v1");  // from Redis
  ASSERT_TRUE(replica_a->PeekNear("t:shared").has_value());
  ASSERT_TRUE(replica_b->PeekNear("t:shared").has_value());
  EXPECT_EQ(store.calls(), 1);

  // B handles a write: SQL first, then invalidate.
  store.Set("v2");
  replica_b->Invalidate({"t:shared"});

  // A hears about it over pub/sub and drops its near copy.
  EXPECT_TRUE(Eventually([&] { return !replica_a->PeekNear("t:shared").has_value(); },
                         absl::Seconds(2)));
  EXPECT_GE(replica_a->stats().invalidations_received, 1);
  EXPECT_EQ(*Get(*replica_a, "t:shared", store), "v2");
}

// A write that drops thousands of keys (a batch of members) reaches the
// other replicas in a few messages, many keys to each, not one per key; a
// key with a newline in it still reaches them.
TEST_F(CacheTest, ABatchInvalidationReachesOtherReplicasInAFewMessages) {
  auto replica_a = NewCache();
  auto replica_b = NewCache();
  FakeStore store("v1");
  std::vector<std::string> keys;
  for (int i = 0; i < 3000; ++i) keys.push_back(absl::StrCat("t:member:", 100000 + i, ":2026-12-04"));
  keys.push_back("t:odd\nkey");
  for (const std::string& key : keys) ASSERT_TRUE(Get(*replica_a, key, store).ok());
  auto publishes = [&] {
    const Reply info = Redis({"INFO", "commandstats"});
    const size_t at = info.str.find("cmdstat_publish:calls=");
    if (at == std::string::npos) return int64_t{0};
    return static_cast<int64_t>(std::atoll(info.str.c_str() + at + 22));
  };
  const int64_t before = publishes();

  replica_b->Invalidate(keys);

  EXPECT_TRUE(Eventually([&] {
    for (const std::string& key : keys) {
      if (replica_a->PeekNear(key).has_value()) return false;
    }
    return true;
  }));
  EXPECT_GE(replica_a->stats().invalidations_received, static_cast<int64_t>(keys.size()));
  // 3,000 keys of ~30 bytes: 3 messages of at most 32 KB, and the odd key alone.
  EXPECT_LE(publishes() - before, 5);
  // Gone from Redis too: A loads the new value.
  store.Set("v2");
  EXPECT_EQ(*Get(*replica_a, keys.front(), store), "v2");
  EXPECT_EQ(*Get(*replica_a, keys.back(), store), "v2");
}

// GetOrLoadMany: the near-cache, then Redis, then the store, each key from
// the first that has it; what the store gave is in Redis for the next
// replica, which loads nothing.
TEST_F(CacheTest, ManyKeysComeFromTheNearCacheRedisOrTheStoreAndGoToRedis) {
  auto a = NewCache();
  auto b = NewCache();
  FakeStore store("v");
  ASSERT_TRUE(Get(*a, "t:near", store).ok());   // in a's near-cache (and Redis)
  ASSERT_TRUE(Get(*b, "t:redis", store).ok());  // in Redis only, as far as a knows
  const std::vector<std::string> keys = {"t:near", "t:redis", "t:new1", "t:near", "t:new2"};
  std::vector<size_t> loaded;
  auto got = a->GetOrLoadMany(keys, [&](size_t i) -> LoadResult {
    loaded.push_back(i);
    return i == 4 ? LoadResult(std::nullopt) : LoadResult("v" + keys[i]);
  });
  ASSERT_EQ(got.size(), keys.size());
  EXPECT_EQ(*got[0], "v");
  EXPECT_EQ(*got[1], "v");
  EXPECT_EQ(*got[2], "vt:new1");
  EXPECT_EQ(*got[3], "v");
  EXPECT_TRUE(absl::IsNotFound(got[4].status())) << got[4].status();
  EXPECT_EQ(loaded, (std::vector<size_t>{2, 4}));  // only what no cache had
  EXPECT_EQ(Redis({"GET", "t:new1"}).str, "vvt:new1");
  EXPECT_EQ(Redis({"GET", "t:new2"}).str, "n");  // "not found", cached for negative_ttl

  auto c = NewCache();
  int c_loads = 0;
  auto again = c->GetOrLoadMany(keys, [&](size_t) -> LoadResult {
    ++c_loads;
    return LoadResult("wrong");
  });
  EXPECT_EQ(c_loads, 0);
  EXPECT_EQ(*again[2], "vt:new1");
}

// A key invalidated while GetOrLoadMany loads it keeps the loaded value out
// of Redis and the near-cache; with Redis paused the store answers every key.
TEST_F(CacheTest, ManyKeysRespectInvalidationsAndSurviveRedisPaused) {
  auto cache = NewCache();
  const std::vector<std::string> keys = {"t:x", "t:y"};
  auto got = cache->GetOrLoadMany(keys, [&](size_t i) -> LoadResult {
    if (i == 0) cache->Invalidate({"t:x"});  // a write lands while x loads
    return LoadResult("old");
  });
  EXPECT_EQ(*got[0], "old");  // the caller still gets its answer
  EXPECT_FALSE(cache->PeekNear("t:x").has_value());
  EXPECT_EQ(Redis({"EXISTS", "t:x"}).integer, 0);
  EXPECT_TRUE(cache->PeekNear("t:y").has_value());

  server_->Pause();
  int loads = 0;
  auto paused = cache->GetOrLoadMany({"t:p1", "t:p2"}, [&](size_t) -> LoadResult {
    ++loads;
    return LoadResult("fresh");
  });
  server_->Resume();
  EXPECT_EQ(loads, 2);
  EXPECT_EQ(*paused[0], "fresh");
  EXPECT_EQ(*paused[1], "fresh");
  EXPECT_GE(cache->stats().bypass, 2);
}

// Two batches asking for the same keys in opposite orders each get every
// answer, and each key is loaded once (neither waits on the other forever).
TEST_F(CacheTest, OverlappingBatchesShareLoadsAndNeverDeadlock) {
  auto cache = NewCache();
  std::vector<std::string> forward, backward;
  for (int i = 0; i < 200; ++i) forward.push_back(absl::StrCat("t:k", i));
  backward.assign(forward.rbegin(), forward.rend());
  std::atomic<int> loads{0};
  auto run = [&](const std::vector<std::string>& keys, std::vector<absl::StatusOr<std::string>>* out) {
    *out = cache->GetOrLoadMany(keys, [&](size_t i) -> LoadResult {
      loads.fetch_add(1);
      absl::SleepFor(absl::Microseconds(50));
      return LoadResult("v" + keys[i]);
    });
  };
  std::vector<absl::StatusOr<std::string>> one, two;
  std::thread t1(run, std::cref(forward), &one), t2(run, std::cref(backward), &two);
  t1.join();
  t2.join();
  ASSERT_EQ(one.size(), 200u);
  ASSERT_EQ(two.size(), 200u);
  for (size_t i = 0; i < 200; ++i) {
    EXPECT_EQ(*one[i], "v" + forward[i]);
    EXPECT_EQ(*two[i], "v" + backward[i]);
  }
  EXPECT_EQ(loads.load(), 200);
}

// The write of issue 7: made while Redis could not be reached, its
// invalidation is kept and sent when Redis is back; meanwhile this process
// never serves the old value from Redis, and no replica does once it lands.
TEST_F(CacheTest, AnInvalidationThatCannotBeSentIsSentWhenRedisIsBack) {
  auto writer = NewCache();
  auto other = NewCache();
  FakeStore store("old name");
  ASSERT_EQ(*Get(*writer, "t:member", store), "old name");
  ASSERT_EQ(*Get(*other, "t:member", store), "old name");  // from Redis
  server_->Pause();  // SIGSTOP: commands time out
  store.Set("new name");
  writer->Invalidate({"t:member"});
  EXPECT_EQ(writer->stats().invalidations_pending, 1);
  server_->Resume();
  // The writer never takes the old value from Redis, even before the retry.
  EXPECT_EQ(*Get(*writer, "t:member", store), "new name");
  // The retry lands within a second: Redis and the other replica follow.
  EXPECT_TRUE(Eventually([&] { return writer->stats().invalidations_pending == 0; }, absl::Seconds(1)));
  EXPECT_TRUE(Eventually([&] { return *Get(*other, "t:member", store) == "new name"; }, absl::Seconds(1)));
  EXPECT_EQ(Redis({"EXISTS", "t:member"}).integer == 0 || Redis({"GET", "t:member"}).str == "vnew name", true);
}

TEST_F(CacheTest, TooManyUnsentInvalidationsStopTrustingRedisForATtl) {
  CacheOptions options;
  options.max_pending = 2;
  options.ttl = absl::Seconds(2);
  options.ttl_jitter = 0;
  auto cache = NewCache(options);
  FakeStore store("v1");
  ASSERT_EQ(*Get(*cache, "t:a", store), "v1");
  server_->Pause();
  store.Set("v2");
  cache->Invalidate({"t:a", "t:b", "t:c"});  // one more than can be kept
  server_->Resume();
  ASSERT_TRUE(Eventually([&] { return cache->stats().invalidations_pending == 0; }, absl::Seconds(2)));
  // Redis still holds v1 for t:a (its key may have been the one not kept),
  // but this cache does not read Redis until a TTL has passed.
  (void)Redis({"SET", "t:a", "vv1"});
  EXPECT_EQ(*Get(*cache, "t:a", store), "v2");
}

TEST_F(CacheTest, InvalidationDuringLoadIsNotOverwrittenByTheLoad) {
  auto cache = NewCache();
  absl::Notification loader_started;
  absl::Notification release_loader;
  absl::StatusOr<std::string> result;
  std::thread reader([&] {
    result = cache->GetOrLoad("t:race", [&]() -> LoadResult {
      loader_started.Notify();
      release_loader.WaitForNotification();
      return std::optional<std::string>("stale");  // read before the write committed
    });
  });
  loader_started.WaitForNotification();
  cache->Invalidate({"t:race"});  // the write commits and invalidates meanwhile
  release_loader.Notify();
  reader.join();

  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "stale");  // the caller gets what it read...
  // ...but nobody else will: neither the near-cache nor Redis kept it.
  EXPECT_FALSE(cache->PeekNear("t:race").has_value());
  EXPECT_TRUE(Redis({"GET", "t:race"}).is_nil());
  FakeStore store("fresh");
  EXPECT_EQ(*Get(*cache, "t:race", store), "fresh");
  EXPECT_EQ(store.calls(), 1);
}

TEST_F(CacheTest, RemoteInvalidationDuringLoadIsNotOverwrittenByTheLoad) {
  auto replica_a = NewCache();
  auto replica_b = NewCache();
  absl::Notification loader_started;
  absl::Notification release_loader;
  std::thread reader([&] {
    auto r = replica_a->GetOrLoad("t:race2", [&]() -> LoadResult {
      loader_started.Notify();
      release_loader.WaitForNotification();
      return std::optional<std::string>("stale");
    });
    EXPECT_TRUE(r.ok());
  });
  loader_started.WaitForNotification();
  replica_b->Invalidate({"t:race2"});
  ASSERT_TRUE(Eventually([&] { return replica_a->stats().invalidations_received >= 1; },
                         absl::Seconds(2)));
  release_loader.Notify();
  reader.join();
  EXPECT_FALSE(replica_a->PeekNear("t:race2").has_value());
  EXPECT_TRUE(Redis({"GET", "t:race2"}).is_nil());
}

// A reader that finds its value stale drops it and loads again (what
// GetChecked does): its own invalidation comes back over pub/sub while the
// new load runs, and must not void that load, which read the store after
// the invalidation was sent. Otherwise the next read loads again.
TEST_F(CacheTest, ALoadStartedAfterThisProcesssOwnInvalidationIsKept) {
  auto cache = NewCache();
  auto other = NewCache();
  FakeStore store("v1");
  ASSERT_EQ(*Get(*cache, "t:own", store), "v1");
  store.Set("v2");
  cache->Invalidate({"t:own"});
  auto slow = cache->GetOrLoad("t:own", [&]() -> LoadResult {
    // Long enough for the message to come back meanwhile.
    EXPECT_TRUE(Eventually([&] { return other->stats().invalidations_received >= 1; }, absl::Seconds(2)));
    absl::SleepFor(absl::Milliseconds(50));
    return store.Load();
  });
  ASSERT_TRUE(slow.ok());
  EXPECT_EQ(*slow, "v2");
  EXPECT_EQ(Redis({"GET", "t:own"}).str, "vv2");
  ASSERT_TRUE(cache->PeekNear("t:own").has_value());
  EXPECT_EQ(*Get(*cache, "t:own", store), "v2");
  EXPECT_EQ(store.calls(), 2);
  EXPECT_EQ(cache->stats().invalidations_received, 0) << "its own message is not counted as received";
  // Another replica's invalidation still drops it.
  other->Invalidate({"t:own"});
  EXPECT_TRUE(Eventually([&] { return cache->stats().invalidations_received == 1; }, absl::Seconds(2)));
  EXPECT_FALSE(cache->PeekNear("t:own").has_value());
}

TEST_F(CacheTest, RedisKilledMidLoopNeverFailsACall) {
  auto cache = NewCache({.name = "kill_test"});
  constexpr int kKeys = 10;
  std::vector<std::unique_ptr<FakeStore>> rows;
  for (int k = 0; k < kKeys; ++k) rows.push_back(std::make_unique<FakeStore>(absl::StrCat("row", k)));
  auto key = [](int k) { return absl::StrCat("t:loop:", k); };

  int errors = 0;
  bool saw_near_disabled = false;
  const absl::Time start = absl::Now();
  for (int i = 0; i < 400; ++i) {
    if (i == 100) server_->Kill();
    const int k = i % kKeys;
    auto r = Get(*cache, key(k), *rows[k]);
    if (!r.ok() || *r != absl::StrCat("row", k)) ++errors;
    if (i > 100 && !cache->near_cache_active()) {
      saw_near_disabled = true;
      EXPECT_FALSE(cache->PeekNear(key(k)).has_value()) << "near-cache used while unsubscribed";
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(errors, 0);
  EXPECT_TRUE(saw_near_disabled);
  EXPECT_FALSE(cache->near_cache_active());
  const Cache::Stats down = cache->stats();
  EXPECT_GT(down.bypass, 200) << "calls after the kill should bypass Redis";
  // A down Redis costs next to nothing: 400 calls with 1 ms sleeps each.
  EXPECT_LT(took, absl::Seconds(3)) << took;

  // Redis returns (empty). Hits resume: first from Redis, then near.
  ASSERT_TRUE(server_->Restart().ok());
  ASSERT_TRUE(cache->WaitForNearCache(absl::Seconds(5)));
  EXPECT_TRUE(Eventually(
      [&] {
        for (int k = 0; k < kKeys; ++k) {
          auto r = Get(*cache, key(k), *rows[k]);
          if (!r.ok()) ++errors;
        }
        return cache->stats().hit_near > down.hit_near + kKeys;
      },
      absl::Seconds(5)));
  EXPECT_EQ(errors, 0);
  // Once the pool's backoff is over, loads are written to Redis again.
  FakeStore fresh("fresh");
  int attempt = 0;
  EXPECT_TRUE(Eventually([&] {
    const std::string k = absl::StrCat("t:loop:fresh:", attempt++);
    auto r = Get(*cache, k, fresh);
    return r.ok() && pool_->Command({"EXISTS", k}).value_or(Reply::Nil()).integer == 1;
  }));
}

TEST_F(CacheTest, SlowRedisNeverFailsACall) {
  auto cache = NewCache();
  FakeStore store("v");
  ASSERT_EQ(*Get(*cache, "t:slow", store), "v");
  server_->Pause();
  // Keys not in the near-cache have to go past Redis.
  const absl::Time start = absl::Now();
  for (int i = 0; i < 50; ++i) {
    auto r = Get(*cache, absl::StrCat("t:slow:", i), store);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(*r, "v");
  }
  const absl::Duration took = absl::Now() - start;
  // At most a command timeout per backoff window, not per call.
  EXPECT_LT(took, absl::Seconds(1)) << took;
  EXPECT_GE(cache->stats().bypass, 49);
  // Silence on the subscription is noticed and the near-cache is turned off.
  EXPECT_TRUE(Eventually([&] { return !cache->near_cache_active(); }, absl::Seconds(6)));
  server_->Resume();
  EXPECT_TRUE(cache->WaitForNearCache(absl::Seconds(5)));
}

TEST_F(CacheTest, NearCacheOffBeforeFirstSubscribe) {
  // Redis is down when the service starts: nothing can be trusted yet, and
  // calls still work.
  server_->Kill();
  Cache cache(pool_.get(), redis_options(), {.name = "test"});
  EXPECT_FALSE(cache.WaitForNearCache(absl::Milliseconds(300)));
  FakeStore store("v");
  for (int i = 0; i < 20; ++i) EXPECT_EQ(*Get(cache, "t:early", store), "v");
  EXPECT_EQ(store.calls(), 20);  // no near-cache: every call loads
  EXPECT_FALSE(cache.PeekNear("t:early").has_value());
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_TRUE(cache.WaitForNearCache(absl::Seconds(5)));
}

TEST_F(CacheTest, NearCacheCanBeTurnedOff) {
  auto cache = std::make_unique<Cache>(pool_.get(), CacheOptions{.name = "test", .near_cache = false});
  FakeStore store("v");
  EXPECT_EQ(*Get(*cache, "t:nonear", store), "v");
  EXPECT_EQ(*Get(*cache, "t:nonear", store), "v");
  EXPECT_EQ(store.calls(), 1);
  EXPECT_EQ(cache->stats().hit_redis, 1);
  EXPECT_FALSE(cache->PeekNear("t:nonear").has_value());
}

TEST_F(CacheTest, DestructorReturnsPromptly) {
  auto cache = NewCache();
  const absl::Time start = absl::Now();
  cache.reset();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(300));

  // Also while the subscriber is waiting out a backoff against a dead Redis.
  server_->Kill();
  auto dead = std::make_unique<Cache>(
      pool_.get(), RedisOptions{.url = server_->url(), .retry_backoff = absl::Seconds(30)},
      CacheOptions{.name = "test"});
  absl::SleepFor(absl::Milliseconds(100));
  const absl::Time start2 = absl::Now();
  dead.reset();
  EXPECT_LT(absl::Now() - start2, absl::Milliseconds(300));
}

TEST(CacheWithoutRedisTest, WorksAsAProcessLocalCache) {
  Cache cache(nullptr, CacheOptions{.name = "local", .negative_ttl = absl::Seconds(60)});
  EXPECT_TRUE(cache.near_cache_active());  // every write is local: trusted
  FakeStore store("v1");
  EXPECT_EQ(*cache.GetOrLoad("k", [&] { return store.Load(); }), "v1");
  EXPECT_EQ(*cache.GetOrLoad("k", [&] { return store.Load(); }), "v1");
  EXPECT_EQ(store.calls(), 1);
  EXPECT_EQ(cache.stats().miss, 1);
  EXPECT_EQ(cache.stats().hit_near, 1);
  EXPECT_EQ(cache.stats().bypass, 0);

  store.Set("v2");
  cache.Invalidate({"k"});
  EXPECT_FALSE(cache.PeekNear("k").has_value());
  EXPECT_EQ(*cache.GetOrLoad("k", [&] { return store.Load(); }), "v2");

  FakeStore none(std::nullopt);
  EXPECT_EQ(cache.GetOrLoad("gone", [&] { return none.Load(); }).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(cache.GetOrLoad("gone", [&] { return none.Load(); }).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(none.calls(), 1);
}

TEST(CacheWithoutRedisTest, SingleFlightAndRaceGuardWithoutRedis) {
  Cache cache(nullptr, CacheOptions{.name = "local"});
  std::atomic<int> loads{0};
  absl::Notification release;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto r = cache.GetOrLoad("k", [&]() -> LoadResult {
        loads.fetch_add(1);
        release.WaitForNotification();
        return std::optional<std::string>("old");
      });
      EXPECT_EQ(*r, "old");
    });
  }
  absl::SleepFor(absl::Milliseconds(100));  // let them all pile up on the flight
  cache.Invalidate({"k"});
  release.Notify();
  for (auto& t : threads) t.join();
  EXPECT_EQ(loads.load(), 1);
  EXPECT_FALSE(cache.PeekNear("k").has_value());  // the invalidated load was not kept
}

}  // namespace
}  // namespace chibo::cache
