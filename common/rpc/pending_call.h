// A unary call in flight, so the calling thread can do other work (a cache
// lookup, a local query) before it waits for the answer: one round trip
// overlapped instead of queued. It runs on a completion queue of its own
// that the waiting thread drains itself, as a blocking call does, so the
// answer costs no extra thread hand-off.
//
//   rpc::PendingCall<TreeSnapshot> check(std::move(ctx), [&](auto* c, auto* cq) {
//     return stub->AsyncGetTreeSnapshot(c, request, cq);
//   });
//   ... other work ...
//   grpc::Status s = check.Wait();  // check.response() once OK
//
// Neither copyable nor movable (gRPC holds pointers into it). Destroying it
// before Wait() cancels the call and waits for it to end.
#ifndef CHIBO_COMMON_RPC_PENDING_CALL_H_
#define CHIBO_COMMON_RPC_PENDING_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <utility>

namespace chibo::rpc {

template <class Resp>
class PendingCall {
 public:
  // `start(ctx, cq)` starts the call: the stub's Async<Method>(ctx, request, cq).
  template <class Start>
  PendingCall(std::unique_ptr<grpc::ClientContext> ctx, Start start) : ctx_(std::move(ctx)) {
    reader_ = start(ctx_.get(), &cq_);
    reader_->Finish(&response_, &status_, this);
  }
  PendingCall(const PendingCall&) = delete;
  PendingCall& operator=(const PendingCall&) = delete;
  ~PendingCall() {
    if (!done_) ctx_->TryCancel();
    Wait();
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
  }

  // Blocks until the call has finished; its status.
  const grpc::Status& Wait() {
    while (!done_) {
      void* tag;
      bool ok;
      if (!cq_.Next(&tag, &ok)) {  // never before the destructor shuts it down
        status_ = grpc::Status(grpc::StatusCode::INTERNAL, "completion queue shut down");
        done_ = true;
        break;
      }
      done_ = tag == this;
    }
    return status_;
  }
  // The answer (valid once Wait() returned OK).
  Resp& response() { return response_; }

 private:
  std::unique_ptr<grpc::ClientContext> ctx_;
  grpc::CompletionQueue cq_;
  std::unique_ptr<grpc::ClientAsyncResponseReader<Resp>> reader_;
  Resp response_;
  grpc::Status status_;
  bool done_ = false;
};

}  // namespace chibo::rpc

#endif  // CHIBO_COMMON_RPC_PENDING_CALL_H_
