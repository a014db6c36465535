// chibo-echo-server: the baseline of RPC benchmarks, a bare gRPC callback
// server answering each call with its own request. Same gRPC, same machine,
// no auth, no logic: what the hardware and gRPC alone allow.
#include <grpcpp/grpcpp.h>

#include <csignal>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "chibo/bench/v1/echo.grpc.pb.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "HOST:PORT");

namespace {

class EchoService final : public chibo::bench::v1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const chibo::bench::v1::EchoMessage* request,
                                 chibo::bench::v1::EchoMessage* response) override {
    *response = *request;
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

absl::Notification* g_stop = nullptr;
void OnSignal(int) {
  if (g_stop && !g_stop->HasBeenNotified()) g_stop->Notify();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  // As the services do (TurnOffMutexDeadlockDetection): the baseline gets
  // the same lock cost.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  EchoService service;
  int port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (!server) return 1;
  std::cout << "echo server on port " << port << std::endl;
  absl::Notification stop;
  g_stop = &stop;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  stop.WaitForNotification();
  server->Shutdown();
  return 0;
}
