#include "common/rpc/client.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/auth/tokens.h"
#include "common/validation/request_limits.h"

namespace chibo::rpc {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, const std::string& service,
                                           const ChannelOptions& options) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(absl::StrReplaceAll(R"({
    "methodConfig": [{
      "name": [{"service": "$SERVICE"}],
      "retryPolicy": {
        "maxAttempts": 4,
        "initialBackoff": "0.05s",
        "maxBackoff": "1s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"]
      }
    }]
  })",
                                                {{"$SERVICE", service}}));
  args.SetInt("chibo.channel_tag", options.channel_tag);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  // Clients accept what servers may send, and send what servers accept.
  args.SetMaxReceiveMessageSize(validation::kMaxResponseBytes);
  args.SetMaxSendMessageSize(validation::kMaxRequestBytes);
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials();
  if (!options.tls_ca_file.empty()) {
    grpc::SslCredentialsOptions ssl;
    if (auto ca = auth::ReadFileToString(options.tls_ca_file); ca.ok()) ssl.pem_root_certs = *ca;
    if (!options.tls_cert_file.empty()) {
      if (auto c = auth::ReadFileToString(options.tls_cert_file); c.ok()) ssl.pem_cert_chain = *c;
      if (auto k = auth::ReadFileToString(options.tls_key_file); k.ok()) ssl.pem_private_key = *k;
    }
    creds = grpc::SslCredentials(ssl);
  }
  return grpc::CreateCustomChannel(target, creds, args);
}

std::unique_ptr<grpc::ClientContext> MakeClientContext(
    const std::string& bearer_token, absl::Duration timeout,
    const grpc::CallbackServerContext* incoming) {
  std::unique_ptr<grpc::ClientContext> ctx =
      incoming ? grpc::ClientContext::FromCallbackServerContext(*incoming)
               : std::make_unique<grpc::ClientContext>();
  auto own_deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
  if (!incoming || incoming->deadline() > own_deadline) ctx->set_deadline(own_deadline);
  if (!bearer_token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", bearer_token));
  return ctx;
}

std::unique_ptr<grpc::ClientContext> MakeCallerContext(const auth::Claims& caller,
                                                       absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(std::min(caller.deadline, absl::Now() + timeout)));
  if (!caller.token.empty()) ctx->AddMetadata("authorization", absl::StrCat("Bearer ", caller.token));
  if (!caller.request_id.empty()) ctx->AddMetadata("x-request-id", caller.request_id);
  return ctx;
}

}  // namespace chibo::rpc
