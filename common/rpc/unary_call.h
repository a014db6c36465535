// Every unary RPC of every service goes through `CallRunner::Unary`:
//   1. authenticate the bearer token (UNAUTHENTICATED) and check the method's
//      roles (PERMISSION_DENIED);
//   2. check the request against the fields' size and range limits
//      (INVALID_ARGUMENT; common/validation/request_limits.h);
//   3. run the domain work on the blocking pool, never on gRPC's threads
//      (an optional non-blocking fast path may answer inline first);
//      with the call's deadline set for the database layer
//      (common/concurrency/call_deadline.h);
//   4. map absl::Status to grpc::Status with details, count the call by
//      method and code, observe its latency, log it as JSON with its request id.
// Scope (is the target inside the caller's subtree) is the domain's to check:
// only it knows the tree.
#ifndef CHIBO_COMMON_RPC_UNARY_CALL_H_
#define CHIBO_COMMON_RPC_UNARY_CALL_H_

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/auth/claims.h"
#include "common/auth/tokens.h"
#include "common/concurrency/call_deadline.h"
#include "common/concurrency/thread_pool.h"
#include "common/rpc/status_mapping.h"
#include "common/validation/request_limits.h"

namespace chibo::rpc {

// The bearer token of an incoming call ("authorization: Bearer <jwt>").
absl::string_view BearerToken(const grpc::CallbackServerContext* ctx);
// The longest any call may run on a server, whatever deadline it came with.
inline constexpr absl::Duration kMaxCallDuration = absl::Seconds(120);
// The call's deadline, at most kMaxCallDuration from now.
absl::Time CallDeadline(const grpc::CallbackServerContext* ctx);
// "x-request-id" metadata, else a fresh random id.
std::string CallRequestId(const grpc::CallbackServerContext* ctx);

class CallRunner {
 public:
  CallRunner(std::string service, const auth::TokenVerifier* verifier,
             concurrency::ThreadPool* pool)
      : service_(std::move(service)), verifier_(verifier), pool_(pool) {}

  // `work(claims, request, response) -> absl::Status` runs on the pool.
  // `fast(claims, request, response) -> std::optional<absl::Status>` runs
  // inline and must not block; nullopt means "go to the pool".
  template <class Req, class Resp, class Work, class Fast>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, absl::string_view method,
                                  auth::RoleSet roles, const Req* request, Resp* response,
                                  Work work, Fast fast) {
    auto* reactor = ctx->DefaultReactor();
    const absl::Time start = absl::Now();
    auto claims = Authenticate(ctx, roles);
    if (!claims.ok()) {
      Finish(reactor, ctx, method, start, "", claims.status());
      return reactor;
    }
    if (absl::Status limits = validation::CheckRequestLimits(*request); !limits.ok()) {
      Finish(reactor, ctx, method, start, claims->subject, limits);
      return reactor;
    }
    if (std::optional<absl::Status> answered = fast(*claims, *request, response)) {
      Finish(reactor, ctx, method, start, claims->subject, *answered);
      return reactor;
    }
    pool_->Submit([this, reactor, ctx, method, start, request, response, work,
                   claims = *std::move(claims)]() mutable {
      concurrency::ScopedDeadline deadline(CallDeadline(ctx));
      absl::Status status = ctx->IsCancelled()
                                ? absl::CancelledError("call cancelled before it ran")
                                : work(claims, *request, response);
      Finish(reactor, ctx, method, start, claims.subject, status);
    });
    return reactor;
  }

  template <class Req, class Resp, class Work>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, absl::string_view method,
                                  auth::RoleSet roles, const Req* request, Resp* response,
                                  Work work) {
    return Unary(ctx, method, roles, request, response, work,
                 [](const auth::Claims&, const Req&, Resp*) -> std::optional<absl::Status> {
                   return std::nullopt;
                 });
  }

  // The token's claims, if it verifies and holds one of `roles`.
  absl::StatusOr<auth::Claims> Authenticate(grpc::CallbackServerContext* ctx,
                                            auth::RoleSet roles) const;
  // Counts, times and logs a finished call (any kind of call).
  void Observe(grpc::CallbackServerContext* ctx, absl::string_view method, absl::Time start,
               absl::string_view subject, const absl::Status& status);
  concurrency::ThreadPool* pool() const { return pool_; }

 private:
  void Finish(grpc::ServerUnaryReactor* reactor, grpc::CallbackServerContext* ctx,
              absl::string_view method, absl::Time start, absl::string_view subject,
              const absl::Status& status);

  std::string service_;
  const auth::TokenVerifier* verifier_;
  concurrency::ThreadPool* pool_;
};

}  // namespace chibo::rpc

#endif  // CHIBO_COMMON_RPC_UNARY_CALL_H_
