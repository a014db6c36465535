#include "common/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "common/auth/tokens.h"
#include "common/observability/listen_socket.h"
#include "common/validation/request_limits.h"

namespace chibo::rpc {

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  std::shared_ptr<grpc::ServerCredentials> creds = grpc::InsecureServerCredentials();
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    auto cert = auth::ReadFileToString(options.tls_cert_file);
    auto key = auth::ReadFileToString(options.tls_key_file);
    if (!cert.ok() || !key.ok()) return absl::InvalidArgumentError("cannot read TLS cert/key");
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({*key, *cert});
    if (!options.tls_client_ca_file.empty()) {
      auto ca = auth::ReadFileToString(options.tls_client_ca_file);
      if (!ca.ok()) return ca.status();
      ssl.pem_root_certs = *ca;
      ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
    }
    creds = grpc::SslServerCredentials(ssl);
  }

  auto out = std::unique_ptr<GrpcServer>(new GrpcServer());
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, creds, &out->port_);
  // gRPC sets SO_REUSEPORT by default: a second process on a port already
  // served would start and take half its connections. Refuse instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // The largest request and response (common/validation/request_limits.h):
  // the fields' limits keep every legal request far below the first.
  builder.SetMaxReceiveMessageSize(validation::kMaxRequestBytes);
  builder.SetMaxSendMessageSize(validation::kMaxResponseBytes);
  for (grpc::Service* s : services) builder.RegisterService(s);
  out->server_ = builder.BuildAndStart();
  if (!out->server_ || out->port_ == 0) return observability::ListenFailure(options.listen);
  out->server_->GetHealthCheckService()->SetServingStatus(true);
  return out;
}

GrpcServer::~GrpcServer() { Shutdown(); }

void GrpcServer::Shutdown() {
  if (server_) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }
}

void GrpcServer::Wait() {
  if (server_) server_->Wait();
}

}  // namespace chibo::rpc
