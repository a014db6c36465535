// Client side of service-to-service and CLI calls: channels with retries on
// UNAVAILABLE (every chibo write carries a request_id, so a retried write is
// safe), and contexts that carry a deadline and the caller's token.
#ifndef CHIBO_COMMON_RPC_CLIENT_H_
#define CHIBO_COMMON_RPC_CLIENT_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/auth/claims.h"

namespace chibo::rpc {

struct ChannelOptions {
  std::string tls_ca_file;    // set to use TLS, verifying the server with this CA
  std::string tls_cert_file;  // client certificate for mTLS
  std::string tls_key_file;
  int channel_tag = 0;        // channels with different tags get their own connection
};

// `service` is the full proto service name the retry policy applies to.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const std::string& service,
                                           const ChannelOptions& options = {});

// A context for an outgoing call: bearer token, deadline, request id.
// When `incoming` is given the deadline and cancellation propagate from it
// (the earlier of its deadline and `timeout` wins).
std::unique_ptr<grpc::ClientContext> MakeClientContext(
    const std::string& bearer_token, absl::Duration timeout,
    const grpc::CallbackServerContext* incoming = nullptr);

// A context for a call made on behalf of `caller` (a service calling another
// while serving it): the caller's token and request id, and the earlier of
// the caller's own deadline and `timeout`.
std::unique_ptr<grpc::ClientContext> MakeCallerContext(const auth::Claims& caller,
                                                       absl::Duration timeout);

}  // namespace chibo::rpc

#endif  // CHIBO_COMMON_RPC_CLIENT_H_
