#include "common/cache/cache.h"

#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "common/observability/logging.h"
#include "common/observability/metrics.h"

namespace chibo::cache {
namespace {

using observability::Log;
using observability::LogLevel;

// absl::string_view is not std::string_view in this Abseil build.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

absl::Status NotFound(std::string_view key) {
  return absl::NotFoundError(absl::StrCat("not found: ", Sv(key)));
}

constexpr char kValueTag = 'v';
constexpr char kNotFoundTag = 'n';

// The subscriber PINGs this often and gives up on a connection that has been
// silent for kSubscriberDeadAfter (a half-open TCP connection would otherwise
// leave the near-cache trusted while invalidations are being lost).
constexpr absl::Duration kSubscriberPingEvery = absl::Seconds(1);
constexpr absl::Duration kSubscriberDeadAfter = absl::Seconds(3);
// How often the subscriber looks at the shutdown flag.
constexpr int kSubscriberPollMillis = 100;

// An invalidation message names many keys, one per line: a write that drops
// thousands of keys (a batch of members) sends a few messages, not one per
// key for Redis to fan out and every subscriber to wake for (the demo's load
// at 10× sent 1.37 million messages; now 67 thousand). A key with a newline
// or an empty key goes alone; the
// receiver drops the message as one key as well as line by line. (A replica
// of an earlier release reads such a message as one key: in a rolling
// upgrade its near-cache may keep an entry until near_ttl.)
constexpr char kKeySeparator = '\n';
constexpr size_t kMaxMessageBytes = 32 * 1024;
// A message's first line names the Cache that sent it (kOriginMark and 16
// hex digits), so that the sender skips its own message when it comes back:
// Invalidate() already dropped the keys here, and a load of one of them
// begun since then read the store after the write — voiding it (as a
// message received during a load does) would only make the next read load
// again. A replica of an earlier release drops the origin line as a key no
// one uses.
constexpr char kOriginMark = '\x01';

std::string NewOrigin() {
  absl::BitGen gen;
  return absl::StrFormat("%c%016x", kOriginMark, absl::Uniform<uint64_t>(gen));
}

void AppendPublishes(const std::string& channel, const std::string& origin,
                     const std::vector<std::string>& keys,
                     std::vector<std::vector<std::string>>& commands) {
  std::string message;
  auto flush = [&] {
    if (!message.empty()) commands.push_back({"PUBLISH", channel, std::move(message)});
    message.clear();
  };
  for (const std::string& key : keys) {
    if (key.empty() || key.find(kKeySeparator) != std::string::npos || key[0] == kOriginMark) {
      commands.push_back({"PUBLISH", channel, key});  // alone, as it is
      continue;
    }
    if (!message.empty() && message.size() + 1 + key.size() > kMaxMessageBytes) flush();
    if (message.empty()) message = origin;
    message.push_back(kKeySeparator);
    message.append(key);
  }
  flush();
}

}  // namespace

struct Cache::Flight {
  absl::Notification done;
  bool invalidated = false;  // guarded by Cache::flights_mu_
  absl::StatusOr<std::string> result;  // set before done.Notify()
};

struct Cache::Counters {
  struct Pair {
    std::atomic<int64_t> local{0};
    observability::Counter* global = nullptr;
    void Add(int64_t n = 1) {
      local.fetch_add(n, std::memory_order_relaxed);
      global->Increment(n);
    }
    int64_t value() const { return local.load(std::memory_order_relaxed); }
  };
  Pair hit_near, hit_redis, miss, bypass, coalesced, load_errors, invalidations_sent,
      invalidations_received, invalidation_failures;
  observability::Gauge* near_active = nullptr;

  explicit Counters(const std::string& name) {
    auto& m = observability::Metrics::Global();
    constexpr const char* kReqName = "chibo_cache_requests_total";
    constexpr const char* kReqHelp =
        "Cache lookups by outcome: hit_near, hit_redis, miss (loader ran), bypass (Redis "
        "unavailable, loader ran), coalesced (shared another caller's load).";
    hit_near.global = &m.GetCounter(kReqName, kReqHelp, {{"cache", name}, {"result", "hit_near"}});
    hit_redis.global = &m.GetCounter(kReqName, kReqHelp, {{"cache", name}, {"result", "hit_redis"}});
    miss.global = &m.GetCounter(kReqName, kReqHelp, {{"cache", name}, {"result", "miss"}});
    bypass.global = &m.GetCounter(kReqName, kReqHelp, {{"cache", name}, {"result", "bypass"}});
    coalesced.global = &m.GetCounter(kReqName, kReqHelp, {{"cache", name}, {"result", "coalesced"}});
    load_errors.global = &m.GetCounter("chibo_cache_load_errors_total",
                                       "Loader (store) errors seen by the cache.", {{"cache", name}});
    constexpr const char* kInvName = "chibo_cache_invalidations_total";
    constexpr const char* kInvHelp =
        "Keys invalidated: sent by this process, or received on the invalidation channel.";
    invalidations_sent.global =
        &m.GetCounter(kInvName, kInvHelp, {{"cache", name}, {"direction", "sent"}});
    invalidations_received.global =
        &m.GetCounter(kInvName, kInvHelp, {{"cache", name}, {"direction", "received"}});
    invalidation_failures.global = &m.GetCounter(
        "chibo_cache_invalidation_failures_total",
        "Invalidate() calls whose Redis DEL/PUBLISH failed (local drop still done).",
        {{"cache", name}});
    near_active = &m.GetGauge("chibo_cache_near_active",
                              "Cache instances whose near-cache is currently trusted.",
                              {{"cache", name}});
  }
};

Cache::Cache(RedisPool* redis, CacheOptions options)
    : Cache(redis, redis != nullptr ? redis->options() : RedisOptions{}, std::move(options)) {}

Cache::Cache(RedisPool* redis, RedisOptions subscriber, CacheOptions options)
    : redis_(redis),
      subscriber_options_(std::move(subscriber)),
      options_(std::move(options)),
      origin_(NewOrigin()),
      near_(options_.near_cache ? options_.near_capacity : 0),
      counters_(std::make_unique<Counters>(options_.name)) {
  if (redis_ == nullptr) {
    // Single process, every write goes through Invalidate() here.
    if (options_.near_cache) EnableNear();
    return;
  }
  subscriber_ = std::thread([this] { SubscriberLoop(); });
}

Cache::~Cache() {
  {
    absl::MutexLock lock(&shutdown_mu_);
    shutdown_ = true;
  }
  shutdown_flag_.store(true);
  if (subscriber_.joinable()) subscriber_.join();
  DisableNear();
}

Cache::Stats Cache::stats() const {
  Stats s;
  s.hit_near = counters_->hit_near.value();
  s.hit_redis = counters_->hit_redis.value();
  s.miss = counters_->miss.value();
  s.bypass = counters_->bypass.value();
  s.coalesced = counters_->coalesced.value();
  s.load_errors = counters_->load_errors.value();
  s.invalidations_sent = counters_->invalidations_sent.value();
  s.invalidations_received = counters_->invalidations_received.value();
  s.invalidation_failures = counters_->invalidation_failures.value();
  {
    absl::MutexLock lock(&pending_mu_);
    s.invalidations_pending = static_cast<int64_t>(pending_.size());
  }
  return s;
}

bool Cache::near_cache_active() const { return near_enabled_.load(); }

bool Cache::WaitForNearCache(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!near_enabled_.load()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

void Cache::EnableNear() {
  if (!options_.near_cache) return;
  // Anything a load read before now may predate invalidations we missed.
  near_epoch_.fetch_add(1);
  near_.Clear();
  if (!near_enabled_.exchange(true)) counters_->near_active->Add(1);
}

void Cache::DisableNear() {
  if (near_enabled_.exchange(false)) counters_->near_active->Add(-1);
  near_epoch_.fetch_add(1);
  near_.Clear();
}

std::optional<absl::StatusOr<std::string>> Cache::PeekNear(std::string_view key) {
  if (!near_enabled_.load(std::memory_order_acquire)) return std::nullopt;
  std::optional<NearCache::Value> v = near_.Get(key, absl::Now());
  if (!v.has_value()) return std::nullopt;
  counters_->hit_near.Add();
  if (!v->found) return absl::StatusOr<std::string>(NotFound(key));
  return absl::StatusOr<std::string>(std::move(v->value));
}

absl::StatusOr<std::string> Cache::GetOrLoad(std::string_view key, Loader loader) {
  if (std::optional<absl::StatusOr<std::string>> near = PeekNear(key)) return *std::move(near);

  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&flights_mu_);
    auto it = flights_.find(Sv(key));
    if (it != flights_.end()) {
      flight = it->second;
    } else {
      flight = std::make_shared<Flight>();
      flights_.emplace(std::string(key), flight);
      leader = true;
    }
  }
  if (!leader) {
    flight->done.WaitForNotification();
    counters_->coalesced.Add();
    // The leader's own deadline (or cancellation) is not this caller's: load
    // again under this caller's deadline instead of failing with it.
    const absl::StatusCode code = flight->result.status().code();
    if (code == absl::StatusCode::kDeadlineExceeded || code == absl::StatusCode::kCancelled) {
      return GetOrLoad(key, loader);
    }
    return flight->result;
  }
  return Lead(key, loader, *flight);
}

absl::StatusOr<std::string> Cache::Lead(std::string_view key, Loader loader, Flight& flight) {
  // Read trust before any lookup: a change while we work voids our near write.
  const uint64_t near_epoch = near_epoch_.load();
  const bool near_ok = near_enabled_.load();

  bool redis_up = redis_ != nullptr && RedisTrustedFor(key);
  if (redis_up) {
    absl::StatusOr<Reply> got = redis_->Command({"GET", std::string(key)});
    if (!got.ok()) {
      redis_up = false;  // down or slow: go to the store, write nothing to Redis
    } else if (got->is_string() && !got->str.empty()) {
      const std::string& raw = got->str;
      if (raw[0] == kValueTag) {
        counters_->hit_redis.Add();
        std::string_view value = std::string_view(raw).substr(1);
        FinishFlight(key, flight, /*found=*/true, value, near_epoch, near_ok);
        flight.result = std::string(value);
        flight.done.Notify();
        return std::string(value);
      }
      if (raw.size() == 1 && raw[0] == kNotFoundTag) {
        counters_->hit_redis.Add();
        FinishFlight(key, flight, /*found=*/false, {}, near_epoch, near_ok);
        flight.result = NotFound(key);
        flight.done.Notify();
        return flight.result;
      }
      // Not ours (or a format from the future): treat as a miss and overwrite.
    }
  }

  (redis_up || redis_ == nullptr ? counters_->miss : counters_->bypass).Add();
  // An invalidation of this key may be pending; then nothing goes to Redis.
  if (redis_up && !RedisTrustedFor(key)) redis_up = false;
  absl::StatusOr<std::optional<std::string>> loaded = loader();
  if (!loaded.ok()) {
    counters_->load_errors.Add();
    {
      absl::MutexLock lock(&flights_mu_);
      flights_.erase(Sv(key));
      flight.result = loaded.status();
    }
    flight.done.Notify();
    return loaded.status();
  }
  const bool found = loaded->has_value();
  std::string_view value = found ? std::string_view(**loaded) : std::string_view();

  if (redis_up) {
    bool invalidated;
    {
      absl::MutexLock lock(&flights_mu_);
      invalidated = flight.invalidated;
    }
    if (!invalidated) {
      std::string stored;
      stored.reserve(value.size() + 1);
      stored.push_back(found ? kValueTag : kNotFoundTag);
      stored.append(value);
      const absl::Duration ttl = found ? JitteredTtl() : options_.negative_ttl;
      const int64_t ttl_ms = std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl));
      absl::StatusOr<Reply> set = redis_->Command(
          {"SET", std::string(key), std::move(stored), "PX", absl::StrCat(ttl_ms)});
      if (set.ok()) {
        {
          absl::MutexLock lock(&flights_mu_);
          invalidated = flight.invalidated;
        }
        // Invalidated while we were writing: our value may predate the write
        // that caused it, so take it out again.
        if (invalidated) (void)redis_->Command({"DEL", std::string(key)});
      }
    }
  }

  FinishFlight(key, flight, found, value, near_epoch, near_ok);
  if (found) {
    flight.result = std::string(value);
  } else {
    flight.result = NotFound(key);
  }
  flight.done.Notify();
  return flight.result;
}

std::vector<absl::StatusOr<std::string>> Cache::GetOrLoadMany(const std::vector<std::string>& keys,
                                                              IndexedLoader load) {
  std::vector<absl::StatusOr<std::string>> results(keys.size(), absl::UnknownError("not looked up"));
  std::vector<size_t> led;                                          // this call loads them
  std::vector<std::pair<size_t, std::shared_ptr<Flight>>> followed;  // another caller does
  std::vector<std::shared_ptr<Flight>> flights(keys.size());
  {
    absl::flat_hash_set<std::string_view> seen;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (std::optional<absl::StatusOr<std::string>> near = PeekNear(keys[i])) {
        results[i] = *std::move(near);
        continue;
      }
      if (!seen.insert(keys[i]).second) {
        followed.emplace_back(i, nullptr);  // a key listed twice: answered as its first
        continue;
      }
      absl::MutexLock lock(&flights_mu_);
      auto it = flights_.find(Sv(keys[i]));
      if (it != flights_.end()) {
        followed.emplace_back(i, it->second);
      } else {
        flights[i] = std::make_shared<Flight>();
        flights_.emplace(keys[i], flights[i]);
        led.push_back(i);
      }
    }
  }
  // Read trust before any lookup: a change while we work voids our near writes.
  const uint64_t near_epoch = near_epoch_.load();
  const bool near_ok = near_enabled_.load();
  auto finish = [&](size_t i, bool found, std::string_view value) {
    FinishFlight(keys[i], *flights[i], found, value, near_epoch, near_ok);
    flights[i]->result = found ? absl::StatusOr<std::string>(std::string(value)) : NotFound(keys[i]);
    results[i] = flights[i]->result;
    flights[i]->done.Notify();
  };

  // Redis, for the keys this call leads: one round trip.
  std::vector<size_t> missing;
  absl::flat_hash_set<size_t> untrusted;  // an invalidation of theirs is pending: no Redis
  bool redis_up = redis_ != nullptr && !led.empty();
  if (redis_up) {
    std::vector<std::vector<std::string>> gets;
    std::vector<size_t> asked;
    for (size_t i : led) {
      if (RedisTrustedFor(keys[i])) {
        gets.push_back({"GET", keys[i]});
        asked.push_back(i);
      } else {
        missing.push_back(i);
        untrusted.insert(i);
      }
    }
    absl::StatusOr<std::vector<Reply>> got =
        gets.empty() ? std::vector<Reply>{} : redis_->Pipeline(gets);
    if (!got.ok() || got->size() != asked.size()) {
      redis_up = false;  // down or slow: go to the store, write nothing to Redis
      missing.insert(missing.end(), asked.begin(), asked.end());
    } else {
      for (size_t k = 0; k < asked.size(); ++k) {
        const Reply& r = (*got)[k];
        const size_t i = asked[k];
        if (r.is_string() && !r.str.empty() && r.str[0] == kValueTag) {
          counters_->hit_redis.Add();
          finish(i, true, std::string_view(r.str).substr(1));
        } else if (r.is_string() && r.str.size() == 1 && r.str[0] == kNotFoundTag) {
          counters_->hit_redis.Add();
          finish(i, false, {});
        } else {
          missing.push_back(i);  // absent (or not ours: overwritten)
        }
      }
    }
  } else {
    missing = led;
  }

  // The store, for what Redis lacked; then the answers to Redis in one round trip.
  std::vector<std::optional<std::string>> loaded(keys.size());
  std::vector<size_t> stored;  // written to Redis
  std::vector<std::vector<std::string>> sets;
  for (size_t i : missing) {
    ((redis_up && !untrusted.contains(i)) || redis_ == nullptr ? counters_->miss : counters_->bypass).Add();
    absl::StatusOr<std::optional<std::string>> one = load(i);
    if (!one.ok()) {
      counters_->load_errors.Add();
      {
        absl::MutexLock lock(&flights_mu_);
        flights_.erase(Sv(keys[i]));
        flights[i]->result = one.status();
      }
      results[i] = one.status();
      flights[i]->done.Notify();
      flights[i] = nullptr;
      continue;
    }
    loaded[i] = *std::move(one);
    bool invalidated;
    {
      absl::MutexLock lock(&flights_mu_);
      invalidated = flights[i]->invalidated;
    }
    // An invalidation of this key may be pending; then nothing goes to Redis.
    if (!redis_up || invalidated || !RedisTrustedFor(keys[i])) continue;
    const bool found = loaded[i].has_value();
    std::string value(1, found ? kValueTag : kNotFoundTag);
    if (found) value.append(*loaded[i]);
    const absl::Duration ttl = found ? JitteredTtl() : options_.negative_ttl;
    sets.push_back({"SET", keys[i], std::move(value), "PX",
                    absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(ttl)))});
    stored.push_back(i);
  }
  if (!sets.empty() && redis_->Pipeline(sets).ok()) {
    // Invalidated while we were writing: our value may predate the write
    // that caused it, so take it out again.
    std::vector<std::string> del{"DEL"};
    {
      absl::MutexLock lock(&flights_mu_);
      for (size_t i : stored) {
        if (flights[i]->invalidated) del.push_back(keys[i]);
      }
    }
    if (del.size() > 1) (void)redis_->Command(del);
  }
  for (size_t i : missing) {
    if (flights[i] != nullptr) finish(i, loaded[i].has_value(), loaded[i].has_value() ? *loaded[i] : "");
  }

  // Keys another caller was loading (or listed twice): their answers, once
  // this call's own loads are done (two batches waiting on each other's
  // keys would otherwise wait forever).
  for (auto& [i, flight] : followed) {
    if (flight == nullptr) {
      for (size_t j = 0; j < i; ++j) {
        if (keys[j] == keys[i]) {
          results[i] = results[j];
          break;
        }
      }
      continue;
    }
    flight->done.WaitForNotification();
    counters_->coalesced.Add();
    const absl::StatusCode code = flight->result.status().code();
    results[i] = code == absl::StatusCode::kDeadlineExceeded || code == absl::StatusCode::kCancelled
                     ? GetOrLoad(keys[i], [&, i = i] { return load(i); })
                     : flight->result;
  }
  return results;
}

void Cache::FinishFlight(std::string_view key, Flight& flight, bool found, std::string_view value,
                         uint64_t near_epoch, bool cache_near) {
  absl::MutexLock lock(&flights_mu_);
  if (cache_near && !flight.invalidated) {
    const absl::Duration ttl =
        found ? options_.near_ttl : std::min(options_.near_ttl, options_.negative_ttl);
    near_.Put(key, found, value, absl::Now() + ttl, [&] {
      return near_enabled_.load() && near_epoch_.load() == near_epoch;
    });
  }
  // Waiters hold their own reference; from here on new callers start afresh.
  flights_.erase(Sv(key));
}

void Cache::DropLocal(std::string_view key) {
  absl::MutexLock lock(&flights_mu_);
  auto it = flights_.find(Sv(key));
  if (it != flights_.end()) it->second->invalidated = true;
  near_.Erase(key);
}

void Cache::DropLocal(const std::vector<std::string>& keys) {
  absl::MutexLock lock(&flights_mu_);
  for (const std::string& key : keys) {
    auto it = flights_.find(key);
    if (it != flights_.end()) it->second->invalidated = true;
    near_.Erase(key);
  }
}

void Cache::Invalidate(const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  counters_->invalidations_sent.Add(static_cast<int64_t>(keys.size()));
  DropLocal(keys);
  if (redis_ == nullptr) return;

  std::vector<std::vector<std::string>> commands;
  commands.reserve(keys.size() + 1);
  std::vector<std::string> del;
  del.reserve(keys.size() + 1);
  del.emplace_back("DEL");
  del.insert(del.end(), keys.begin(), keys.end());
  commands.push_back(std::move(del));
  AppendPublishes(options_.invalidation_channel, origin_, keys, commands);
  if (any_pending_.load()) RetryPending();
  absl::StatusOr<std::vector<Reply>> replies = redis_->Pipeline(commands);
  if (!replies.ok()) {
    counters_->invalidation_failures.Add();
    AddPending(keys);
    if (observability::LogEnabled(LogLevel::kDebug)) {
      Log(LogLevel::kDebug, "cache invalidation not sent to redis",
          {{"cache", options_.name}, {"error", std::string(replies.status().message())}});
    }
  }
  // A load that started after the first drop may have read the old value
  // from Redis before our DEL: void it too.
  DropLocal(keys);
}

bool Cache::RedisTrustedFor(std::string_view key) {
  if (!any_pending_.load(std::memory_order_acquire)) return true;
  absl::MutexLock lock(&pending_mu_);
  if (pending_overflow_ || absl::Now() < distrust_until_) return false;
  return !pending_.contains(Sv(key));
}

void Cache::AddPending(const std::vector<std::string>& keys) {
  absl::MutexLock lock(&pending_mu_);
  for (const std::string& key : keys) {
    if (pending_.size() >= options_.max_pending) {
      pending_overflow_ = true;
      break;
    }
    pending_.insert(key);
  }
  any_pending_.store(true, std::memory_order_release);
}

void Cache::RetryPending() {
  std::vector<std::string> keys;
  bool overflow;
  {
    absl::MutexLock lock(&pending_mu_);
    keys.assign(pending_.begin(), pending_.end());
    overflow = pending_overflow_;
  }
  if (!keys.empty()) {
    std::vector<std::vector<std::string>> commands;
    for (size_t at = 0; at < keys.size(); at += 500) {
      std::vector<std::string> del{"DEL"};
      for (size_t i = at; i < std::min(keys.size(), at + 500); ++i) del.push_back(keys[i]);
      commands.push_back(std::move(del));
    }
    AppendPublishes(options_.invalidation_channel, origin_, keys, commands);
    if (!redis_->Pipeline(commands).ok()) return;  // still unreachable: keep them
  } else if (overflow) {
    if (!redis_->Command({"PING"}).ok()) return;
  }
  absl::MutexLock lock(&pending_mu_);
  for (const std::string& key : keys) pending_.erase(key);
  if (overflow) {
    // Keys were lost: trust Redis again only once every entry written
    // before the failed invalidations has expired.
    pending_overflow_ = false;
    distrust_until_ = absl::Now() + options_.ttl * (1.0 + options_.ttl_jitter);
  }
  if (pending_.empty() && !pending_overflow_ && absl::Now() >= distrust_until_) {
    any_pending_.store(false, std::memory_order_release);
  }
}

absl::Duration Cache::JitteredTtl() {
  if (options_.ttl_jitter <= 0) return options_.ttl;
  thread_local absl::InsecureBitGen gen;
  const double j = std::min(options_.ttl_jitter, 0.99);
  return options_.ttl * (1.0 + absl::Uniform<double>(absl::IntervalClosedClosed, gen, -j, j));
}

bool Cache::SleepUnlessShutdown(absl::Duration d) {
  absl::MutexLock lock(&shutdown_mu_);
  shutdown_mu_.AwaitWithTimeout(absl::Condition(&shutdown_), d);
  return !shutdown_;
}

void Cache::SubscriberLoop() {
  absl::StatusOr<RedisAddress> address = ParseRedisUrl(subscriber_options_.url);
  if (!address.ok()) {
    Log(LogLevel::kError, "cache invalidation subscriber disabled; near-cache stays off",
        {{"cache", options_.name}, {"error", std::string(address.status().message())}});
    return;
  }
  const std::string& channel = options_.invalidation_channel;
  bool reported_down = false;

  while (!shutdown_flag_.load()) {
    absl::StatusOr<redisContext*> connected = ConnectRedis(
        *address, subscriber_options_.connect_timeout, subscriber_options_.command_timeout);
    if (!connected.ok()) {
      if (!reported_down) {
        Log(LogLevel::kWarn, "cache invalidation subscriber cannot connect; near-cache off",
            {{"cache", options_.name}, {"error", std::string(connected.status().message())}});
        reported_down = true;
      }
      if (!SleepUnlessShutdown(subscriber_options_.retry_backoff)) break;
      continue;
    }
    redisContext* c = *connected;
    bool subscribed = false;

    // Returns when the connection is unusable or on shutdown.
    [&] {
      const char* argv[] = {"SUBSCRIBE", channel.data()};
      const size_t lens[] = {9, channel.size()};
      if (redisAppendCommandArgv(c, 2, argv, lens) != REDIS_OK) return;
      for (int done = 0; !done;) {
        if (redisBufferWrite(c, &done) != REDIS_OK) return;
      }
      absl::Time now = absl::Now();
      absl::Time last_rx = now;
      absl::Time last_ping = now;
      const absl::Time subscribe_deadline =
          now + std::max(absl::Seconds(1), 10 * subscriber_options_.command_timeout);
      while (!shutdown_flag_.load()) {
        for (;;) {  // everything already buffered
          void* raw = nullptr;
          if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return;
          if (raw == nullptr) break;
          auto* r = static_cast<redisReply*>(raw);
          if (r->type == REDIS_REPLY_ARRAY && r->elements >= 3 &&
              r->element[0]->type == REDIS_REPLY_STRING) {
            std::string_view kind(r->element[0]->str, r->element[0]->len);
            if (kind == "message" && r->element[2]->type == REDIS_REPLY_STRING) {
              const std::string_view message(r->element[2]->str, r->element[2]->len);
              if (absl::StartsWith(Sv(message), origin_) && message.size() > origin_.size() &&
                  message[origin_.size()] == kKeySeparator) {
                // Our own (dropped here when sent).
              } else if (message.find(kKeySeparator) != std::string_view::npos) {
                DropLocal(message);
                std::vector<std::string> keys = absl::StrSplit(Sv(message), kKeySeparator, absl::SkipEmpty());
                if (!keys.empty() && keys.front()[0] == kOriginMark) keys.erase(keys.begin());
                DropLocal(keys);
                counters_->invalidations_received.Add(static_cast<int64_t>(keys.size()));
              } else {
                DropLocal(message);
                counters_->invalidations_received.Add();
              }
            } else if (kind == "subscribe") {
              subscribed = true;
              EnableNear();
              if (reported_down) {
                Log(LogLevel::kInfo, "cache invalidation subscriber connected; near-cache on",
                    {{"cache", options_.name}});
                reported_down = false;
              }
            }
          }
          freeReplyObject(raw);
        }
        pollfd pfd{c->fd, POLLIN, 0};
        const int rc = poll(&pfd, 1, kSubscriberPollMillis);
        if (rc < 0 && errno != EINTR) return;
        now = absl::Now();
        if (rc > 0) {
          if (redisBufferRead(c) != REDIS_OK) return;  // closed or reset
          last_rx = now;
        }
        if (!subscribed) {
          if (now > subscribe_deadline) return;
          continue;
        }
        // Redis answers again: send what could not be sent.
        if (any_pending_.load()) RetryPending();
        if (now - last_rx > kSubscriberDeadAfter) return;
        if (now - last_ping >= kSubscriberPingEvery) {
          const char* ping[] = {"PING"};
          const size_t ping_len[] = {4};
          if (redisAppendCommandArgv(c, 1, ping, ping_len) != REDIS_OK) return;
          for (int done = 0; !done;) {
            if (redisBufferWrite(c, &done) != REDIS_OK) return;
          }
          last_ping = now;
        }
      }
    }();

    redisFree(c);
    DisableNear();
    if (shutdown_flag_.load()) break;
    if (!reported_down) {
      Log(LogLevel::kWarn, "cache invalidation subscription lost; near-cache off",
          {{"cache", options_.name}});
      reported_down = true;
    }
    // A live subscription that broke: try again at once. One that never got
    // going: wait, so a half-working Redis is not hammered.
    if (!subscribed && !SleepUnlessShutdown(subscriber_options_.retry_backoff)) break;
  }
}

}  // namespace chibo::cache
