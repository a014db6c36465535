#include "common/cache/near_cache.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace chibo::cache {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1000000);
const absl::Time kLater = kNow + absl::Hours(1);

TEST(NearCacheTest, StoresValuesAndNegativeEntries) {
  NearCache cache(100);
  EXPECT_FALSE(cache.Get("a", kNow).has_value());
  cache.Put("a", /*found=*/true, "alpha", kLater);
  cache.Put("b", /*found=*/false, "", kLater);
  auto a = cache.Get("a", kNow);
  ASSERT_TRUE(a.has_value());
  EXPECT_TRUE(a->found);
  EXPECT_EQ(a->value, "alpha");
  auto b = cache.Get("b", kNow);
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(b->found);
  cache.Put("a", true, "alpha2", kLater);  // replace
  EXPECT_EQ(cache.Get("a", kNow)->value, "alpha2");
  EXPECT_EQ(cache.size(), 2u);
}

TEST(NearCacheTest, BinaryKeysAndValues) {
  NearCache cache(10);
  const std::string key("k\0\xff", 3);
  const std::string value("\0\r\n\x01", 4);
  cache.Put(key, true, value, kLater);
  EXPECT_FALSE(cache.Get("k", kNow).has_value());
  EXPECT_EQ(cache.Get(key, kNow)->value, value);
}

TEST(NearCacheTest, EntriesExpire) {
  NearCache cache(10);
  cache.Put("a", true, "x", kNow + absl::Seconds(5));
  EXPECT_TRUE(cache.Get("a", kNow + absl::Seconds(4)).has_value());
  EXPECT_FALSE(cache.Get("a", kNow + absl::Seconds(5)).has_value());
  EXPECT_EQ(cache.size(), 0u);  // dropped when met
}

TEST(NearCacheTest, EvictsLeastRecentlyUsedWithinCapacity) {
  NearCache cache(3);  // small: a single shard, exact LRU
  cache.Put("a", true, "1", kLater);
  cache.Put("b", true, "2", kLater);
  cache.Put("c", true, "3", kLater);
  ASSERT_TRUE(cache.Get("a", kNow).has_value());  // a is now most recent
  cache.Put("d", true, "4", kLater);              // evicts b
  EXPECT_TRUE(cache.Get("a", kNow).has_value());
  EXPECT_FALSE(cache.Get("b", kNow).has_value());
  EXPECT_TRUE(cache.Get("c", kNow).has_value());
  EXPECT_TRUE(cache.Get("d", kNow).has_value());
  EXPECT_EQ(cache.size(), 3u);
}

TEST(NearCacheTest, LargeCacheStaysNearItsBound) {
  NearCache cache(10000);
  for (int i = 0; i < 50000; ++i) cache.Put(absl::StrCat("key", i), true, "v", kLater);
  EXPECT_LE(cache.size(), 10000u + 16u);
  EXPECT_GE(cache.size(), 9000u);
  EXPECT_TRUE(cache.Get("key49999", kNow).has_value());  // the newest survive
  EXPECT_FALSE(cache.Get("key0", kNow).has_value());
}

TEST(NearCacheTest, ZeroCapacityKeepsNothing) {
  NearCache cache(0);
  EXPECT_FALSE(cache.Put("a", true, "x", kLater));
  EXPECT_FALSE(cache.Get("a", kNow).has_value());
}

TEST(NearCacheTest, AdmitVetoesAWrite) {
  NearCache cache(10);
  EXPECT_FALSE(cache.Put("a", true, "x", kLater, [] { return false; }));
  EXPECT_FALSE(cache.Get("a", kNow).has_value());
  EXPECT_TRUE(cache.Put("a", true, "x", kLater, [] { return true; }));
  EXPECT_TRUE(cache.Get("a", kNow).has_value());
}

TEST(NearCacheTest, EraseAndClear) {
  NearCache cache(1000);
  for (int i = 0; i < 100; ++i) cache.Put(absl::StrCat(i), true, "v", kLater);
  cache.Erase("5");
  EXPECT_FALSE(cache.Get("5", kNow).has_value());
  EXPECT_TRUE(cache.Get("6", kNow).has_value());
  cache.Clear();
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(cache.Get("6", kNow).has_value());
}

TEST(NearCacheTest, ConcurrentReadersAndWriters) {
  NearCache cache(1000);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        std::string key = absl::StrCat((i * 7 + t) % 2000);
        if (i % 3 == 0) {
          cache.Put(key, true, key, kLater);
        } else if (i % 101 == 0) {
          cache.Erase(key);
        } else if (auto v = cache.Get(key, kNow)) {
          EXPECT_EQ(v->value, key);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(cache.size(), 1000u + 16u);
}

}  // namespace
}  // namespace chibo::cache
