// The deadline of the call the current thread is working for. The RPC layer
// sets it around each call's work (CallRunner); the database layer stops a
// statement still running at it (SQLite: a progress handler; PostgreSQL: a
// cancel request), so a call past its deadline stops burning a core.
#ifndef CHIBO_COMMON_CONCURRENCY_CALL_DEADLINE_H_
#define CHIBO_COMMON_CONCURRENCY_CALL_DEADLINE_H_

#include "absl/time/time.h"

namespace chibo::concurrency {

// absl::InfiniteFuture() when the thread works for no call with a deadline.
absl::Time CurrentDeadline();

// Sets the current thread's deadline for its lifetime, then restores the
// one before.
class ScopedDeadline {
 public:
  explicit ScopedDeadline(absl::Time deadline);
  ~ScopedDeadline();
  ScopedDeadline(const ScopedDeadline&) = delete;
  ScopedDeadline& operator=(const ScopedDeadline&) = delete;

 private:
  absl::Time previous_;
};

}  // namespace chibo::concurrency

#endif  // CHIBO_COMMON_CONCURRENCY_CALL_DEADLINE_H_
