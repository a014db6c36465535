#include "common/cache/redis_pool.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/observability/metrics.h"
#include "gtest/gtest.h"
#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"

namespace chibo::cache {
namespace {

using chibo::testing::RedisServer;

int64_t ConnectionFailures(const RedisPool& pool) {
  return observability::Metrics::Global()
      .GetCounter("chibo_redis_connection_failures_total", "",
                  {{"redis", absl::StrCat(pool.address().host, ":", pool.address().port)}})
      .value();
}

int64_t ConnectionsInUse(const RedisPool& pool) {
  return observability::Metrics::Global()
      .GetGauge("chibo_redis_connections_in_use", "",
                {{"redis", absl::StrCat(pool.address().host, ":", pool.address().port)}})
      .value();
}

// Polls `f` until true or `timeout`.
template <typename F>
bool Eventually(F f, absl::Duration timeout = absl::Seconds(5)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (f()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return f();
}

TEST(ParseRedisUrlTest, AcceptsTheDocumentedForms) {
  auto a = ParseRedisUrl("redis://cache.internal:6380/2");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->host, "cache.internal");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  EXPECT_TRUE(a->password.empty());

  auto b = ParseRedisUrl("redis://localhost");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->host, "localhost");
  EXPECT_EQ(b->port, 6379);
  EXPECT_EQ(b->db, 0);

  auto c = ParseRedisUrl("redis://:s3cret@10.0.0.1:7000/");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->password, "s3cret");
  EXPECT_EQ(c->user, "");
  EXPECT_EQ(c->port, 7000);

  auto d = ParseRedisUrl("redis://app:pw@[::1]:7001/3");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->host, "::1");
  EXPECT_EQ(d->user, "app");
  EXPECT_EQ(d->port, 7001);
  EXPECT_EQ(d->db, 3);
}

TEST(ParseRedisUrlTest, RejectsMalformedUrls) {
  for (const char* url : {"", "localhost:6379", "http://localhost", "redis://", "redis://:6379",
                          "redis://host:", "redis://host:abc", "redis://host:70000",
                          "redis://host/x", "redis://host/-1", "redis://[::1", "redis://host?x=1"}) {
    auto parsed = ParseRedisUrl(url);
    EXPECT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
}

TEST(RedisPoolTest, CreateFailsOnlyOnAMalformedUrl) {
  EXPECT_EQ(RedisPool::Create({.url = "nonsense"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RedisPool::Create({.url = "redis://127.0.0.1:1", .pool_size = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing listens there: still fine to create.
  EXPECT_TRUE(RedisPool::Create({.url = absl::StrCat("redis://127.0.0.1:",
                                                     chibo::testing::PickFreePort())})
                  .ok());
}

TEST(RedisPoolTest, DownRedisFailsFastAndIsNotHammered) {
  auto pool = RedisPool::Create({.url = absl::StrCat("redis://127.0.0.1:",
                                                     chibo::testing::PickFreePort()),
                                 .retry_backoff = absl::Seconds(2)});
  ASSERT_TRUE(pool.ok());
  const int64_t failures_before = ConnectionFailures(**pool);
  const absl::Time start = absl::Now();
  for (int i = 0; i < 2000; ++i) {
    auto reply = (*pool)->Command({"GET", "k"});
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.status().code(), absl::StatusCode::kUnavailable);
  }
  const absl::Duration took = absl::Now() - start;
  EXPECT_LT(took, absl::Milliseconds(500)) << "2000 calls against a down Redis took " << took;
  // One connect attempt, then the backoff window: no hammering.
  EXPECT_EQ(ConnectionFailures(**pool) - failures_before, 1);
  EXPECT_TRUE((*pool)->in_backoff());
}

class RedisPoolServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = RedisServer::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto pool = RedisPool::Create({.url = server_->url(), .retry_backoff = absl::Milliseconds(200)});
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = *std::move(pool);
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<RedisPool> pool_;
};

TEST_F(RedisPoolServerTest, CommandsAreBinarySafe) {
  const std::string key("bin\0key\r\n", 9);
  const std::string value("\0\x01\xff\r\n$3\r\n", 10);
  auto set = pool_->Command({"SET", key, value});
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_TRUE(set->is_status());
  EXPECT_EQ(set->str, "OK");
  auto get = pool_->Command({"GET", key});
  ASSERT_TRUE(get.ok()) << get.status();
  ASSERT_TRUE(get->is_string());
  EXPECT_EQ(get->str, value);
  auto missing = pool_->Command({"GET", "no-such-key"});
  ASSERT_TRUE(missing.ok());
  EXPECT_TRUE(missing->is_nil());
}

TEST_F(RedisPoolServerTest, RepliesOfEveryType) {
  auto replies = pool_->Pipeline({{"SET", "n", "1"},
                                  {"INCR", "n"},
                                  {"GET", "n"},
                                  {"GET", "missing"},
                                  {"RPUSH", "l", "a", "b"},
                                  {"LRANGE", "l", "0", "-1"},
                                  {"HGET", "n", "field"}});
  ASSERT_TRUE(replies.ok()) << replies.status();
  ASSERT_EQ(replies->size(), 7u);
  EXPECT_TRUE((*replies)[0].is_status());
  ASSERT_TRUE((*replies)[1].is_integer());
  EXPECT_EQ((*replies)[1].integer, 2);
  EXPECT_EQ((*replies)[2].str, "2");
  EXPECT_TRUE((*replies)[3].is_nil());
  EXPECT_EQ((*replies)[4].integer, 2);
  ASSERT_TRUE((*replies)[5].is_array());
  ASSERT_EQ((*replies)[5].elements.size(), 2u);
  EXPECT_EQ((*replies)[5].elements[1].str, "b");
  // A Redis error is a reply, not a failed call; the connection stays usable.
  ASSERT_TRUE((*replies)[6].is_error());
  EXPECT_NE((*replies)[6].str.find("WRONGTYPE"), std::string::npos);
  EXPECT_TRUE(pool_->Command({"PING"}).ok());
}

TEST_F(RedisPoolServerTest, EmptyInputs) {
  auto none = pool_->Pipeline({});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(pool_->Command({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RedisPoolServerTest, ConcurrentCallersShareThePool) {
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int t = 0; t < 16; ++t) {  // more threads than connections
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto r = pool_->Command({"INCR", "counter"});
        if (!r.ok() || !r->is_integer()) errors.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  auto total = pool_->Command({"GET", "counter"});
  ASSERT_TRUE(total.ok());
  EXPECT_EQ(total->str, "3200");
  EXPECT_EQ(ConnectionsInUse(*pool_), 0);
}

TEST_F(RedisPoolServerTest, ReconnectsWhenRedisComesBack) {
  ASSERT_TRUE(pool_->Command({"SET", "k", "v"}).ok());
  server_->Kill();
  // First call may find the old connection dead, later ones fail to connect.
  for (int i = 0; i < 5; ++i) {
    auto r = pool_->Command({"GET", "k"});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  }
  ASSERT_TRUE(server_->Restart().ok());
  EXPECT_TRUE(Eventually([&] { return pool_->Command({"PING"}).ok(); }, absl::Seconds(3)));
  auto r = pool_->Command({"GET", "k"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->is_nil());  // a fresh server: the cache starts empty
}

TEST_F(RedisPoolServerTest, SlowRedisTimesOutWithinCommandTimeout) {
  ASSERT_TRUE(pool_->Command({"PING"}).ok());
  server_->Pause();
  absl::Time start = absl::Now();
  auto r = pool_->Command({"GET", "k"});
  const absl::Duration first = absl::Now() - start;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_LT(first, absl::Milliseconds(400));
  // Then the pool backs off instead of waiting on Redis every time.
  start = absl::Now();
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(pool_->Command({"GET", "k"}).ok());
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(200));
  server_->Resume();
  EXPECT_TRUE(Eventually([&] { return pool_->Command({"PING"}).ok(); }, absl::Seconds(3)));
}

TEST_F(RedisPoolServerTest, SelectsTheDbFromTheUrl) {
  auto db3 = RedisPool::Create({.url = server_->url() + "/3"});
  ASSERT_TRUE(db3.ok());
  ASSERT_TRUE((*db3)->Command({"SET", "where", "db3"}).ok());
  auto in_db0 = pool_->Command({"GET", "where"});
  ASSERT_TRUE(in_db0.ok());
  EXPECT_TRUE(in_db0->is_nil());
  auto in_db3 = (*db3)->Command({"GET", "where"});
  ASSERT_TRUE(in_db3.ok());
  EXPECT_EQ(in_db3->str, "db3");
}

}  // namespace
}  // namespace chibo::cache
