// A fixed pool of threads for blocking work (SQL, Redis) so that gRPC's
// callback threads never block. Tasks run in submission order per worker.
#ifndef CHIBO_COMMON_CONCURRENCY_THREAD_POOL_H_
#define CHIBO_COMMON_CONCURRENCY_THREAD_POOL_H_

#include <deque>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace chibo::concurrency {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  // Runs queued tasks to the end, then joins.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(absl::AnyInvocable<void() &&> task);
  size_t queued() const;

 private:
  void Work();

  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace chibo::concurrency

#endif  // CHIBO_COMMON_CONCURRENCY_THREAD_POOL_H_
