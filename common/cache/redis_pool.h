// A small pool of blocking hiredis connections, safe to share between threads.
//
// hiredis contexts are not thread-safe, so each call borrows one connection
// for the duration of one command (or one pipeline) and returns it. The pool
// is built for a cache that must never make a request fail:
//   * creation only validates the URL; Redis may be down at start-up;
//   * every command is bounded by `command_timeout`; on a connect failure the
//     whole pool is marked down for `retry_backoff`, during which calls return
//     UNAVAILABLE immediately without touching the network (a down Redis costs
//     next to nothing per call);
//   * after the backoff the next call reconnects by itself, so service
//     resumes when Redis comes back.
// A connection that saw an I/O error or a timeout is discarded (its protocol
// stream may be out of step); the command is not retried.
//
// Creating a pool sets SIGPIPE to SIG_IGN for the process (hiredis writes with
// write(2), and a write to a connection Redis has closed must not kill us).
#ifndef CHIBO_COMMON_CACHE_REDIS_POOL_H_
#define CHIBO_COMMON_CACHE_REDIS_POOL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

struct redisContext;  // hiredis

namespace chibo::observability {
class Counter;
class Gauge;
}  // namespace chibo::observability

namespace chibo::cache {

struct RedisOptions {
  // redis://[[user]:password@]host[:port][/db]; port defaults to 6379, db to 0.
  std::string url;
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Milliseconds(100);
  absl::Duration command_timeout = absl::Milliseconds(100);
  absl::Duration retry_backoff = absl::Milliseconds(500);
};

// Where to connect, parsed from RedisOptions::url.
struct RedisAddress {
  std::string host;
  int port = 6379;
  int db = 0;
  std::string user;      // empty: AUTH <password> (Redis < 6 style)
  std::string password;  // empty: no AUTH
};

// Parses redis://[[user]:password@]host[:port][/db]. InvalidArgument otherwise.
absl::StatusOr<RedisAddress> ParseRedisUrl(std::string_view url);

// One RESP2 reply as a plain value.
struct Reply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };

  Type type = Type::kNil;
  std::string str;             // kString, kStatus ("OK"), kError (the message)
  int64_t integer = 0;         // kInteger
  std::vector<Reply> elements;  // kArray

  bool is_nil() const { return type == Type::kNil; }
  bool is_string() const { return type == Type::kString; }
  bool is_integer() const { return type == Type::kInteger; }
  bool is_array() const { return type == Type::kArray; }
  bool is_status() const { return type == Type::kStatus; }
  bool is_error() const { return type == Type::kError; }

  static Reply Nil() { return Reply{}; }
  static Reply String(std::string s) { return Reply{Type::kString, std::move(s), 0, {}}; }
  static Reply Integer(int64_t i) { return Reply{Type::kInteger, {}, i, {}}; }
  static Reply Status(std::string s) { return Reply{Type::kStatus, std::move(s), 0, {}}; }
  static Reply Error(std::string s) { return Reply{Type::kError, std::move(s), 0, {}}; }
  static Reply Array(std::vector<Reply> e) { return Reply{Type::kArray, {}, 0, std::move(e)}; }
};

// Opens a blocking hiredis connection to `address` (connect bounded by
// `connect_timeout`, then reads/writes bounded by `io_timeout`), authenticates
// and selects the db. The caller owns the context (redisFree). Used by the
// pool and by long-lived connections such as a cache's SUBSCRIBE connection.
absl::StatusOr<redisContext*> ConnectRedis(const RedisAddress& address,
                                           absl::Duration connect_timeout,
                                           absl::Duration io_timeout);

class RedisPool {
 public:
  // Fails only when options.url is malformed (or pool_size < 1); an
  // unreachable Redis is not an error here.
  static absl::StatusOr<std::unique_ptr<RedisPool>> Create(RedisOptions options);

  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;
  ~RedisPool();

  // Runs one command, binary-safe (argv elements may hold any bytes).
  // A Redis error reply ("-ERR ...") is an OK status holding a kError Reply.
  // UNAVAILABLE when Redis cannot be reached, the pool is in its backoff
  // window, no connection frees up within command_timeout, or the command
  // times out.
  absl::StatusOr<Reply> Command(const std::vector<std::string>& argv);

  // Sends all commands in one write and reads their replies in order (one
  // round trip). Same error rules as Command: all replies or UNAVAILABLE.
  absl::StatusOr<std::vector<Reply>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // True while the pool is in its backoff window after a failure to connect.
  bool in_backoff() const;

  const RedisOptions& options() const { return options_; }
  const RedisAddress& address() const { return address_; }

 private:
  RedisPool(RedisOptions options, RedisAddress address);

  // Borrows a connection (connecting a new one if needed).
  absl::StatusOr<redisContext*> Acquire();
  // Returns a connection; `broken` discards it.
  void Release(redisContext* ctx, bool broken);
  // Records a connect failure: starts the backoff window, drops idle connections.
  void MarkDown(const absl::Status& why);

  absl::StatusOr<std::vector<Reply>> Run(const std::vector<std::string>* commands, size_t n);

  const RedisOptions options_;
  const RedisAddress address_;

  mutable absl::Mutex mu_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;  // idle + borrowed + being connected
  // absl::ToUnixNanos of the end of the backoff window; 0 when not down.
  std::atomic<int64_t> down_until_ns_{0};

  observability::Gauge* in_use_gauge_;
  observability::Counter* connect_failures_;
};

}  // namespace chibo::cache

#endif  // CHIBO_COMMON_CACHE_REDIS_POOL_H_
