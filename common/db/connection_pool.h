// A fixed set of connections handed out one thread at a time; an internal
// helper of the SQLite and PostgreSQL backends.
#ifndef CHIBO_COMMON_DB_CONNECTION_POOL_H_
#define CHIBO_COMMON_DB_CONNECTION_POOL_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace chibo::db {

// Totals over every connection pool in the process (a service has one
// database), for /metrics.
struct PoolCounters {
  std::atomic<int64_t> connections{0};  // in pools that exist
  std::atomic<int64_t> in_use{0};       // leased right now
  std::atomic<int64_t> waits{0};        // acquisitions that found none free
  std::atomic<int64_t> timeouts{0};     // ... and gave up
};
inline PoolCounters& ProcessPoolCounters() {
  static PoolCounters counters;
  return counters;
}

}  // namespace chibo::db

namespace chibo::db::internal {

template <typename Conn>
class ConnectionPool {
 public:
  // Returns the connection to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, Conn* conn) : pool_(pool), conn_(conn) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::exchange(other.conn_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (pool_ != nullptr) pool_->Release(conn_);
    }
    Conn* get() const { return conn_; }
    Conn* operator->() const { return conn_; }
    Conn& operator*() const { return *conn_; }

   private:
    ConnectionPool* pool_;
    Conn* conn_;
  };

  explicit ConnectionPool(std::vector<std::unique_ptr<Conn>> conns) : all_(std::move(conns)) {
    for (auto& c : all_) free_.push_back(c.get());
    ProcessPoolCounters().connections += static_cast<int64_t>(all_.size());
  }
  ~ConnectionPool() { ProcessPoolCounters().connections -= static_cast<int64_t>(all_.size()); }

  // Blocks until a connection is free; gives up after `timeout` (a body that
  // holds one connection while asking for another on an exhausted pool would
  // otherwise wait forever).
  absl::StatusOr<Lease> Acquire(absl::Duration timeout = absl::Seconds(30)) {
    mu_.Lock();
    if (free_.empty()) ++ProcessPoolCounters().waits;
    if (!mu_.AwaitWithTimeout(absl::Condition(this, &ConnectionPool::HasFree), timeout)) {
      mu_.Unlock();
      ++ProcessPoolCounters().timeouts;
      return absl::UnavailableError(absl::StrCat("all ", all_.size(),
                                                 " database connections busy for ",
                                                 absl::FormatDuration(timeout)));
    }
    Conn* conn = free_.back();
    free_.pop_back();
    mu_.Unlock();
    ++ProcessPoolCounters().in_use;
    return Lease(this, conn);
  }

  size_t size() const { return all_.size(); }

 private:
  bool HasFree() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !free_.empty(); }

  void Release(Conn* conn) {
    --ProcessPoolCounters().in_use;
    absl::MutexLock lock(&mu_);
    free_.push_back(conn);
  }

  const std::vector<std::unique_ptr<Conn>> all_;
  absl::Mutex mu_;
  std::vector<Conn*> free_ ABSL_GUARDED_BY(mu_);
};

}  // namespace chibo::db::internal

#endif  // CHIBO_COMMON_DB_CONNECTION_POOL_H_
