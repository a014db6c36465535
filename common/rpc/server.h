// Starts a gRPC server on the callback API with grpc.health.v1 and
// reflection, plaintext or TLS / mTLS (one flag away). It never shares its
// port (no SO_REUSEPORT): Start fails with "port already in use" instead.
#ifndef CHIBO_COMMON_RPC_SERVER_H_
#define CHIBO_COMMON_RPC_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace chibo::rpc {

struct ServerOptions {
  std::string listen = "127.0.0.1:0";  // HOST:PORT; port 0 picks a free one
  std::string tls_cert_file;           // PEM; set with tls_key_file to serve TLS
  std::string tls_key_file;
  std::string tls_client_ca_file;      // set to require client certificates (mTLS)
};

class GrpcServer {
 public:
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(const ServerOptions& options,
                                                          const std::vector<grpc::Service*>& services);
  ~GrpcServer();
  int port() const { return port_; }
  void Shutdown();  // stops accepting, waits briefly for calls in flight
  void Wait();

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace chibo::rpc

#endif  // CHIBO_COMMON_RPC_SERVER_H_
