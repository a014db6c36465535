#include "common/concurrency/call_deadline.h"

namespace chibo::concurrency {
namespace {
thread_local absl::Time current_deadline = absl::InfiniteFuture();
}  // namespace

absl::Time CurrentDeadline() { return current_deadline; }

ScopedDeadline::ScopedDeadline(absl::Time deadline) : previous_(current_deadline) {
  current_deadline = deadline;
}

ScopedDeadline::~ScopedDeadline() { current_deadline = previous_; }

}  // namespace chibo::concurrency
