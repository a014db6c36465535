// chibo-gateway: the HTTP/JSON gateway and the web dashboard. With no flags
// it serves http://127.0.0.1:8080 and calls the services on their default
// ports, verifying tokens with the embedded default's key under ./data.
#include <csignal>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/observability/build_info.h"
#include "common/observability/listen_socket.h"
#include "common/observability/logging.h"
#include "common/rpc/client.h"
#include "common/service/service_flags.h"
#include "services/gateway/gateway.h"

ABSL_FLAG(std::string, http_listen, "127.0.0.1:8080", "HTTP listen address HOST:PORT (port 0: any free port)");
ABSL_FLAG(std::string, registry_addr, "127.0.0.1:50051", "chibo-registry's gRPC address");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling's gRPC address");
ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "chibo-supervision's gRPC address");

namespace {

httplib::Server* g_server = nullptr;
void OnSignal(int) {
  if (g_server) g_server->stop();
}

using chibo::observability::Log;
using chibo::observability::LogLevel;

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("chibo-gateway: HTTP/JSON gateway and dashboard (bảng điều khiển)");
  absl::ParseCommandLine(argc, argv);
  chibo::observability::InitJsonLogging("chibo-gateway", absl::GetFlag(FLAGS_log_level));
  chibo::service::TurnOffMutexDeadlockDetection();
  if (absl::Status s = chibo::service::CheckPeerTlsFiles(); !s.ok()) {
    Log(LogLevel::kError, "start-up failed", {{"error", s.ToString()}});
    return 1;
  }
  auto verifier = chibo::service::OpenTokenVerifier();
  if (!verifier.ok()) {
    Log(LogLevel::kError, "start-up failed", {{"error", verifier.status().ToString()}});
    return 1;
  }
  chibo::gateway::Gateway gateway(
      {chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_registry_addr), "chibo.registry.v1.RegistryService",
                            chibo::service::PeerChannelOptions()),
       chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_scheduling_addr), "chibo.scheduling.v1.SchedulingService",
                            chibo::service::PeerChannelOptions()),
       chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_supervision_addr), "chibo.supervision.v1.SupervisionService",
                            chibo::service::PeerChannelOptions())},
      verifier->get());
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(16); };
  gateway.Register(server);
  // The gateway keeps no state: up is ready (its backends have their own /readyz).
  for (const char* path : {"/livez", "/readyz", "/healthz"}) {
    server.Get(path, [](const httplib::Request&, httplib::Response& res) {
      res.set_content("{\"status\":\"ok\"}\n", "application/json");
    });
  }
  server.set_socket_options(chibo::observability::ExclusiveListenSocketOptions);  // no SO_REUSEPORT

  std::vector<std::string> parts = absl::StrSplit(absl::GetFlag(FLAGS_http_listen), ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) {
    Log(LogLevel::kError, "start-up failed", {{"error", "--http_listen must be HOST:PORT"}});
    return 1;
  }
  if (port == 0) {
    port = server.bind_to_any_port(parts[0]);
  } else if (!server.bind_to_port(parts[0], port)) {
    port = -1;
  }
  if (port < 0) {
    Log(LogLevel::kError, "start-up failed",
        {{"error", chibo::observability::ListenFailure(absl::GetFlag(FLAGS_http_listen)).ToString()}});
    return 1;
  }
  chibo::observability::LogAlways(
      "serving", {{"version", std::string(chibo::observability::BuildVersion())},
                  {"listen", absl::GetFlag(FLAGS_http_listen)},
                  {"http_port", absl::StrCat(port)},
                  {"registry", absl::GetFlag(FLAGS_registry_addr)},
                  {"scheduling", absl::GetFlag(FLAGS_scheduling_addr)},
                  {"supervision", absl::GetFlag(FLAGS_supervision_addr)}});
  g_server = &server;
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  server.listen_after_bind();
  Log(LogLevel::kInfo, "stopping");
  return 0;
}
