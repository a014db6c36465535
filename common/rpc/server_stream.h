// Server-streaming RPCs on the callback API, with the same promises as
// `CallRunner::Unary`: the token is checked, the blocking work runs on the
// pool (never on gRPC's threads), and the call is counted, timed and logged.
//
//   return new rpc::ServerStream<Request, Item>(runner, ctx, "StreamFacts", roles, request,
//       [this](const auth::Claims& c, const Request& r) { return facts_->Collect(c, r); });
//
// The work returns every item at once (the reports that consume these streams
// are bounded by an organization and a period); the reactor then writes them
// one after another, honouring flow control, and deletes itself when done.
#ifndef CHIBO_COMMON_RPC_SERVER_STREAM_H_
#define CHIBO_COMMON_RPC_SERVER_STREAM_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "common/auth/claims.h"
#include "common/rpc/status_mapping.h"
#include "common/rpc/unary_call.h"

namespace chibo::rpc {

template <class Request, class Item>
class ServerStream : public grpc::ServerWriteReactor<Item> {
 public:
  using Work = std::function<absl::StatusOr<std::vector<Item>>(const auth::Claims&, const Request&)>;

  ServerStream(CallRunner* runner, grpc::CallbackServerContext* ctx, std::string method,
               auth::RoleSet roles, const Request* request, Work work)
      : runner_(runner), ctx_(ctx), method_(std::move(method)), start_(absl::Now()) {
    auto claims = runner_->Authenticate(ctx, roles);
    if (!claims.ok()) {
      End(claims.status());
      return;
    }
    subject_ = claims->subject;
    if (absl::Status limits = validation::CheckRequestLimits(*request); !limits.ok()) {
      End(limits);
      return;
    }
    runner_->pool()->Submit([this, request, work = std::move(work), claims = *std::move(claims)] {
      concurrency::ScopedDeadline deadline(CallDeadline(ctx_));
      if (ctx_->IsCancelled()) {
        End(absl::CancelledError("call cancelled before it ran"));
        return;
      }
      auto items = work(claims, *request);
      if (!items.ok()) {
        End(items.status());
        return;
      }
      items_ = *std::move(items);
      WriteNext();
    });
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      End(absl::CancelledError("client went away"));
      return;
    }
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    if (next_ == items_.size()) {
      End(absl::OkStatus());
      return;
    }
    this->StartWrite(&items_[next_++]);
  }

  void End(const absl::Status& status) {
    runner_->Observe(ctx_, method_, start_, subject_, status);
    this->Finish(ToGrpcStatus(status));
  }

  CallRunner* runner_;
  grpc::CallbackServerContext* ctx_;
  std::string method_;
  absl::Time start_;
  std::string subject_;
  std::vector<Item> items_;
  size_t next_ = 0;
};

}  // namespace chibo::rpc

#endif  // CHIBO_COMMON_RPC_SERVER_STREAM_H_
