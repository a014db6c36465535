#include "common/cache/redis_pool.h"

#include <hiredis/hiredis.h>

#include <cerrno>
#include <csignal>
#include <mutex>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/observability/logging.h"
#include "common/observability/metrics.h"

namespace chibo::cache {
namespace {

using observability::Log;
using observability::LogLevel;

void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

Reply ToReply(const redisReply* r) {
  switch (r->type) {
    case REDIS_REPLY_STRING:
      return Reply::String(std::string(r->str, r->len));
    case REDIS_REPLY_STATUS:
      return Reply::Status(std::string(r->str, r->len));
    case REDIS_REPLY_ERROR:
      return Reply::Error(std::string(r->str, r->len));
    case REDIS_REPLY_INTEGER:
      return Reply::Integer(r->integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> elements;
      elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) elements.push_back(ToReply(r->element[i]));
      return Reply::Array(std::move(elements));
    }
    case REDIS_REPLY_NIL:
    default:
      return Reply::Nil();
  }
}

// absl::string_view is not std::string_view in this Abseil build.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

std::string AddressLabel(const RedisAddress& a) { return absl::StrCat(a.host, ":", a.port); }

// Runs one command on a freshly connected context during the handshake.
absl::Status HandshakeCommand(redisContext* c, const std::vector<std::string>& argv) {
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data()));
  if (r == nullptr) return absl::UnavailableError(absl::StrCat(argv[0], ": ", c->errstr));
  absl::Status status;
  if (r->type == REDIS_REPLY_ERROR) {
    status = absl::UnavailableError(absl::StrCat(argv[0], " failed: ", std::string(r->str, r->len)));
  }
  freeReplyObject(r);
  return status;
}

}  // namespace

absl::StatusOr<RedisAddress> ParseRedisUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("malformed redis url \"", Sv(url), "\": ", Sv(why)));
  };
  constexpr std::string_view kScheme = "redis://";
  if (!absl::StartsWith(Sv(url), Sv(kScheme))) return bad("want redis://host[:port][/db]");
  std::string_view rest = url.substr(kScheme.size());
  RedisAddress address;

  // Path: /db
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      if (!absl::SimpleAtoi(Sv(db), &address.db) || address.db < 0) return bad("db is not a number");
    }
  }
  if (rest.find_first_of("?#") != std::string_view::npos) return bad("query not supported");

  // Userinfo: [user]:password@
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      address.user = std::string(userinfo.substr(0, colon));
      address.password = std::string(userinfo.substr(colon + 1));
    } else {
      address.password = std::string(userinfo);
    }
  }

  // Host[:port], host may be [v6].
  std::string_view port;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated [");
    address.host = std::string(rest.substr(1, close - 1));
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad("junk after ]");
      port = after.substr(1);
      if (port.empty()) return bad("empty port");
    }
  } else {
    size_t colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) return bad("empty port");
      rest = rest.substr(0, colon);
    }
    address.host = std::string(rest);
  }
  if (address.host.empty()) return bad("no host");
  if (address.host.find_first_of(" /@") != std::string::npos) return bad("bad host");
  if (!port.empty()) {
    if (!absl::SimpleAtoi(Sv(port), &address.port) || address.port <= 0 || address.port > 65535) {
      return bad("bad port");
    }
  }
  return address;
}

absl::StatusOr<redisContext*> ConnectRedis(const RedisAddress& address,
                                           absl::Duration connect_timeout,
                                           absl::Duration io_timeout) {
  redisContext* c =
      redisConnectWithTimeout(address.host.c_str(), address.port, absl::ToTimeval(connect_timeout));
  if (c == nullptr) return absl::UnavailableError("redis: cannot allocate context");
  if (c->err) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("redis ", AddressLabel(address), ": connect: ", c->errstr));
    redisFree(c);
    return status;
  }
  redisSetTimeout(c, absl::ToTimeval(io_timeout));
  redisEnableKeepAlive(c);
  absl::Status status;
  if (!address.password.empty()) {
    if (address.user.empty()) {
      status = HandshakeCommand(c, {"AUTH", address.password});
    } else {
      status = HandshakeCommand(c, {"AUTH", address.user, address.password});
    }
  }
  if (status.ok() && address.db != 0) {
    status = HandshakeCommand(c, {"SELECT", absl::StrCat(address.db)});
  }
  if (!status.ok()) {
    redisFree(c);
    return absl::UnavailableError(absl::StrCat("redis ", AddressLabel(address), ": ", status.message()));
  }
  return c;
}

absl::StatusOr<std::unique_ptr<RedisPool>> RedisPool::Create(RedisOptions options) {
  absl::StatusOr<RedisAddress> address = ParseRedisUrl(options.url);
  if (!address.ok()) return address.status();
  if (options.pool_size < 1) return absl::InvalidArgumentError("redis pool_size must be >= 1");
  IgnoreSigpipeOnce();
  return std::unique_ptr<RedisPool>(new RedisPool(std::move(options), *std::move(address)));
}

RedisPool::RedisPool(RedisOptions options, RedisAddress address)
    : options_(std::move(options)), address_(std::move(address)) {
  const observability::Labels labels = {{"redis", AddressLabel(address_)}};
  auto& metrics = observability::Metrics::Global();
  in_use_gauge_ = &metrics.GetGauge("chibo_redis_connections_in_use",
                                    "Redis connections currently borrowed from the pool.", labels);
  connect_failures_ = &metrics.GetCounter(
      "chibo_redis_connection_failures_total",
      "Redis connections that could not be opened or broke (I/O error, timeout).", labels);
}

RedisPool::~RedisPool() {
  absl::MutexLock lock(&mu_);
  for (redisContext* c : idle_) redisFree(c);
  idle_.clear();
}

bool RedisPool::in_backoff() const {
  return absl::GetCurrentTimeNanos() < down_until_ns_.load(std::memory_order_relaxed);
}

void RedisPool::MarkDown(const absl::Status& why) {
  connect_failures_->Increment();
  const int64_t now = absl::GetCurrentTimeNanos();
  const int64_t previous = down_until_ns_.exchange(
      now + absl::ToInt64Nanoseconds(options_.retry_backoff), std::memory_order_relaxed);
  std::vector<redisContext*> drop;
  {
    absl::MutexLock lock(&mu_);
    drop.swap(idle_);
    open_ -= static_cast<int>(drop.size());
  }
  for (redisContext* c : drop) redisFree(c);
  if (previous == 0) {  // log transitions only, not every probe
    Log(LogLevel::kWarn, "redis unavailable; bypassing it",
        {{"redis", AddressLabel(address_)}, {"error", std::string(why.message())}});
  }
}

absl::StatusOr<redisContext*> RedisPool::Acquire() {
  const int64_t now = absl::GetCurrentTimeNanos();
  int64_t down_until = down_until_ns_.load(std::memory_order_relaxed);
  if (down_until != 0) {
    if (now < down_until) {
      return absl::UnavailableError(
          absl::StrCat("redis ", AddressLabel(address_), " unavailable (in retry backoff)"));
    }
    // Backoff over: exactly one caller probes; the others keep failing fast.
    if (!down_until_ns_.compare_exchange_strong(
            down_until, now + absl::ToInt64Nanoseconds(options_.retry_backoff),
            std::memory_order_relaxed)) {
      return absl::UnavailableError(
          absl::StrCat("redis ", AddressLabel(address_), " unavailable (reconnecting)"));
    }
  }

  mu_.Lock();
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !idle_.empty() || open_ < options_.pool_size;
  };
  if (!ready()) {
    mu_.Unlock();
    if (!mu_.LockWhenWithTimeout(absl::Condition(&ready), options_.command_timeout)) {
      mu_.Unlock();
      return absl::UnavailableError("redis pool exhausted: no connection freed up in time");
    }
  }
  if (!idle_.empty()) {
    redisContext* c = idle_.back();
    idle_.pop_back();
    mu_.Unlock();
    in_use_gauge_->Add(1);
    return c;
  }
  ++open_;
  mu_.Unlock();

  absl::StatusOr<redisContext*> c =
      ConnectRedis(address_, options_.connect_timeout, options_.command_timeout);
  if (!c.ok()) {
    {
      absl::MutexLock lock(&mu_);
      --open_;
    }
    MarkDown(c.status());
    return c.status();
  }
  in_use_gauge_->Add(1);
  return *c;
}

void RedisPool::Release(redisContext* ctx, bool broken) {
  in_use_gauge_->Add(-1);
  if (broken || ctx->err != 0) {
    redisFree(ctx);
    absl::MutexLock lock(&mu_);
    --open_;
    return;
  }
  absl::MutexLock lock(&mu_);
  idle_.push_back(ctx);
}

absl::StatusOr<std::vector<Reply>> RedisPool::Run(const std::vector<std::string>* commands,
                                                   size_t n) {
  std::vector<Reply> replies;
  if (n == 0) return replies;
  for (size_t i = 0; i < n; ++i) {
    if (commands[i].empty()) return absl::InvalidArgumentError("redis: empty command");
  }
  absl::StatusOr<redisContext*> acquired = Acquire();
  if (!acquired.ok()) return acquired.status();
  redisContext* c = *acquired;

  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
  for (size_t i = 0; i < n; ++i) {
    const std::vector<std::string>& argv = commands[i];
    ptrs.clear();
    lens.clear();
    for (const auto& a : argv) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
    if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), ptrs.data(), lens.data()) !=
        REDIS_OK) {
      absl::Status status = absl::UnavailableError(absl::StrCat("redis: append: ", c->errstr));
      Release(c, /*broken=*/true);
      connect_failures_->Increment();
      return status;
    }
  }
  replies.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    void* raw = nullptr;
    errno = 0;
    if (redisGetReply(c, &raw) != REDIS_OK || raw == nullptr) {
      const int saved_errno = errno;
      const bool timed_out =
          c->err == REDIS_ERR_IO &&
          (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK || saved_errno == ETIMEDOUT);
      absl::Status status = absl::UnavailableError(absl::StrCat(
          "redis ", AddressLabel(address_), ": ", timed_out ? "command timed out" : c->errstr));
      Release(c, /*broken=*/true);
      if (timed_out) {
        MarkDown(status);  // slow Redis: stop waiting on it for a while
      } else {
        connect_failures_->Increment();  // dropped connection: reconnect on next call
      }
      return status;
    }
    auto* r = static_cast<redisReply*>(raw);
    replies.push_back(ToReply(r));
    freeReplyObject(r);
  }
  Release(c, /*broken=*/false);
  if (down_until_ns_.load(std::memory_order_relaxed) != 0 &&
      down_until_ns_.exchange(0, std::memory_order_relaxed) != 0) {
    Log(LogLevel::kInfo, "redis reachable again", {{"redis", AddressLabel(address_)}});
  }
  return replies;
}

absl::StatusOr<Reply> RedisPool::Command(const std::vector<std::string>& argv) {
  absl::StatusOr<std::vector<Reply>> replies = Run(&argv, 1);
  if (!replies.ok()) return replies.status();
  return std::move(replies->front());
}

absl::StatusOr<std::vector<Reply>> RedisPool::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  return Run(commands.data(), commands.size());
}

}  // namespace chibo::cache
