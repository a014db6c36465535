// TLS and mTLS between services, "one flag away": certificates made with
// openssl for a throwaway CA; a server requiring client certificates; a
// client with and without one, and a plaintext client.
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "chibo/bench/v1/echo.grpc.pb.h"
#include "common/rpc/client.h"
#include "common/rpc/server.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace chibo::rpc {
namespace {

class EchoServer final : public bench::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const bench::v1::EchoMessage* in,
                                 bench::v1::EchoMessage* out) override {
    out->set_payload(in->payload());
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = chibo::testing::MakeTempDir("chibo-tls");
    const std::string d = dir_;
    Run(absl::StrCat("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=chibo-test-ca -keyout ", d,
                     "/ca.key -out ", d, "/ca.pem"));
    for (const char* who : {"server", "client"}) {
      Run(absl::StrCat("openssl req -newkey rsa:2048 -nodes -subj /CN=", who, " -keyout ", d, "/", who,
                       ".key -out ", d, "/", who, ".csr"));
      Run(absl::StrCat("printf 'subjectAltName=DNS:localhost,IP:127.0.0.1' > ", d, "/", who, ".ext && ",
                       "openssl x509 -req -in ", d, "/", who, ".csr -CA ", d, "/ca.pem -CAkey ", d,
                       "/ca.key -CAcreateserial -days 2 -extfile ", d, "/", who, ".ext -out ", d, "/", who, ".pem"));
    }
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.tls_cert_file = d + "/server.pem";
    options.tls_key_file = d + "/server.key";
    options.tls_client_ca_file = d + "/ca.pem";
    auto server = GrpcServer::Start(options, {&echo_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    chibo::testing::RemoveTree(dir_);
  }
  void Run(const std::string& command) {
    auto r = chibo::testing::RunCommand({"sh", "-c", command + " 2>&1"});
    ASSERT_TRUE(r.ok() && r->ok()) << command << ": " << (r.ok() ? r->output : r.status().ToString());
  }
  grpc::Status Call(const ChannelOptions& options) {
    auto stub = bench::v1::EchoService::NewStub(
        MakeChannel(absl::StrCat("localhost:", server_->port()), "chibo.bench.v1.EchoService", options));
    bench::v1::EchoMessage in, out;
    in.set_payload("xin chào");
    auto ctx = MakeClientContext("", absl::Seconds(5));
    grpc::Status s = stub->Echo(ctx.get(), in, &out);
    if (s.ok()) EXPECT_EQ(out.payload(), "xin chào");
    return s;
  }

  std::string dir_;
  EchoServer echo_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(TlsTest, MutualTlsWorksAndEverythingElseIsRefused) {
  ChannelOptions mtls;
  mtls.tls_ca_file = dir_ + "/ca.pem";
  mtls.tls_cert_file = dir_ + "/client.pem";
  mtls.tls_key_file = dir_ + "/client.key";
  EXPECT_TRUE(Call(mtls).ok());
  ChannelOptions no_client_cert;
  no_client_cert.tls_ca_file = dir_ + "/ca.pem";
  EXPECT_FALSE(Call(no_client_cert).ok());
  EXPECT_FALSE(Call(ChannelOptions{}).ok());  // plaintext
}

}  // namespace
}  // namespace chibo::rpc
