// Benchmark: cached GetMember on the real chibo-registry process (SQLite,
// real redis-server) against a bare gRPC echo server, in the same run, on
// the same machine, at 64 calls in flight over one connection.
// Goal: registry ≥ 0.8 × echo throughput with p99 ≤ 5 ms.
//
//   get_member_bench [--seconds=5] [--rounds=2] [--members=1000] [--bin_dir=DIR]
#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "chibo/bench/v1/echo.grpc.pb.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/rpc/client.h"
#include "tests/support/redis_server.h"
#include "tests/support/subprocess.h"
#include "tools/loadgen/load_generator.h"

ABSL_FLAG(int, seconds, 5, "Measured seconds per round and server");
ABSL_FLAG(int, rounds, 4, "Alternating rounds (echo, registry, echo, registry, ...)");
ABSL_FLAG(int, members, 1000, "Members to create and read");
ABSL_FLAG(int, in_flight, 64, "Calls in flight");
ABSL_FLAG(int, channels, 1, "Connections (one HTTP/2 connection, as a service-to-service client holds)");
ABSL_FLAG(std::string, bin_dir, "", "Directory of chibo-registry and chibo-echo-server (default: next to this binary)");

namespace v1 = chibo::registry::v1;
using chibo::loadgen::LoadResult;

namespace {

std::string BinDir(const char* argv0) {
  std::string dir = absl::GetFlag(FLAGS_bin_dir);
  if (!dir.empty()) return dir;
  // <build>/tests/bench/get_member_bench → <build>
  return std::filesystem::canonical("/proc/self/exe").parent_path().parent_path().parent_path().string();
}

std::vector<std::shared_ptr<grpc::Channel>> Channels(const std::string& target, const std::string& service) {
  std::vector<std::shared_ptr<grpc::Channel>> out;
  for (int i = 0; i < absl::GetFlag(FLAGS_channels); ++i) {
    chibo::rpc::ChannelOptions o;
    o.channel_tag = i;  // distinct arguments: one connection each
    out.push_back(chibo::rpc::MakeChannel(target, service, o));
    if (!out.back()->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10))) {
      std::cerr << "cannot connect to " << target << "\n";
      std::exit(1);
    }
  }
  return out;
}

chibo::loadgen::LoadOptions Options() {
  chibo::loadgen::LoadOptions o;
  o.in_flight = absl::GetFlag(FLAGS_in_flight);
  o.channels = absl::GetFlag(FLAGS_channels);
  o.warmup = absl::Seconds(1);
  o.duration = absl::Seconds(absl::GetFlag(FLAGS_seconds));
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string bin = BinDir(argv[0]);
  const std::string dir = chibo::testing::MakeTempDir("chibo-bench-");

  auto redis = chibo::testing::RedisServer::Start();
  if (!redis.ok()) {
    std::cerr << redis.status() << "\n";
    return 1;
  }
  const int echo_port = chibo::testing::PickFreePort();
  const int registry_port = chibo::testing::PickFreePort();
  auto echo = chibo::testing::ChildProcess::Start(
      {bin + "/tests/bench/chibo-echo-server", absl::StrCat("--listen=127.0.0.1:", echo_port)}, dir + "/echo.log");
  auto registry = chibo::testing::ChildProcess::Start(
      {bin + "/services/registry/chibo-registry", absl::StrCat("--listen=127.0.0.1:", registry_port),
       "--data_dir=" + dir, "--redis_url=" + (*redis)->url(), "--province_id=tinh", "--log_level=warn"},
      dir + "/registry.log");
  if (!echo.ok() || !registry.ok()) {
    std::cerr << "cannot start servers\n";
    return 1;
  }
  auto echo_channels = Channels(absl::StrCat("127.0.0.1:", echo_port), "chibo.bench.v1.EchoService");
  auto registry_channels = Channels(absl::StrCat("127.0.0.1:", registry_port), "chibo.registry.v1.RegistryService");

  std::ifstream token_file(dir + "/admin.token");
  std::string token;
  std::getline(token_file, token);

  // Seed: a province, a cell, members.
  auto stub = v1::RegistryService::NewStub(registry_channels[0]);
  auto call = [&](auto method, const auto& request, auto* response) {
    auto ctx = chibo::rpc::MakeClientContext(token, absl::Seconds(30));
    grpc::Status s = ((*stub).*method)(ctx.get(), request, response);
    if (!s.ok()) {
      std::cerr << "seed failed: " << s.error_message() << "\n";
      std::exit(1);
    }
  };
  v1::OrgUnit unit;
  v1::CreateOrgUnitRequest province;
  province.mutable_org_unit()->set_id("tinh");
  province.mutable_org_unit()->set_kind(v1::PROVINCE);
  province.mutable_org_unit()->set_name("Tỉnh thử nghiệm");
  province.mutable_org_unit()->set_opened_on("2000-01-01");
  call(&v1::RegistryService::Stub::CreateOrgUnit, province, &unit);
  v1::CreateOrgUnitRequest cell = province;
  cell.mutable_org_unit()->set_id("cb");
  cell.mutable_org_unit()->set_kind(v1::BASE_CELL);
  cell.mutable_org_unit()->set_parent_id("tinh");
  cell.mutable_org_unit()->set_name("Chi bộ thử nghiệm");
  call(&v1::RegistryService::Stub::CreateOrgUnit, cell, &unit);
  const int members = absl::GetFlag(FLAGS_members);
  std::vector<std::string> ids;
  v1::Member sample;
  for (int i = 0; i < members; ++i) {
    v1::CreateMemberRequest r;
    auto* m = r.mutable_member();
    m->set_id(absl::StrFormat("m-%05d", i));
    m->set_card_number(absl::StrFormat("BK-%06d", i));
    m->set_full_name(absl::StrCat("Hoàng Văn Bench ", i));
    m->set_home_cell_id("cb");
    m->set_admitted_on("2015-03-02");
    m->set_official_on("2016-03-02");
    m->set_citizen_id("006088001234");
    m->set_phone("0912345678");
    call(&v1::RegistryService::Stub::CreateMember, r, &sample);
    ids.push_back(m->id());
  }
  for (const auto& id : ids) {  // warm the caches
    v1::GetMemberRequest r;
    r.set_id(id);
    call(&v1::RegistryService::Stub::GetMember, r, &sample);
  }
  const std::string payload = sample.SerializeAsString();

  // The issuers.
  std::vector<std::unique_ptr<chibo::bench::v1::EchoService::Stub>> echo_stubs;
  for (auto& c : echo_channels) echo_stubs.push_back(chibo::bench::v1::EchoService::NewStub(c));
  std::vector<std::unique_ptr<v1::RegistryService::Stub>> registry_stubs;
  for (auto& c : registry_channels) registry_stubs.push_back(v1::RegistryService::NewStub(c));

  chibo::loadgen::IssueFn echo_issue = [&](int channel, auto done) {
    struct Call {
      grpc::ClientContext ctx;
      chibo::bench::v1::EchoMessage request, response;
    };
    auto* c = new Call();
    c->request.set_payload(payload);
    c->ctx.AddMetadata("authorization", "Bearer " + token);  // same bytes on the wire
    echo_stubs[channel]->async()->Echo(&c->ctx, &c->request, &c->response, [c, done](grpc::Status s) {
      done(s.ok(), s.error_message());
      delete c;
    });
  };
  chibo::loadgen::IssueFn registry_issue = [&](int channel, auto done) {
    struct Call {
      grpc::ClientContext ctx;
      v1::GetMemberRequest request;
      v1::Member response;
    };
    thread_local absl::BitGen gen;
    auto* c = new Call();
    c->request.set_id(ids[absl::Uniform<size_t>(gen, 0, ids.size())]);
    c->ctx.AddMetadata("authorization", "Bearer " + token);
    registry_stubs[channel]->async()->GetMember(&c->ctx, &c->request, &c->response, [c, done](grpc::Status s) {
      done(s.ok(), s.error_message());
      delete c;
    });
  };

  std::vector<LoadResult> echo_results, registry_results;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    echo_results.push_back(chibo::loadgen::RunClosedLoop(Options(), echo_issue));
    std::cout << "echo      round " << round + 1 << ": " << echo_results.back().Summary() << std::endl;
    registry_results.push_back(chibo::loadgen::RunClosedLoop(Options(), registry_issue));
    std::cout << "GetMember round " << round + 1 << ": " << registry_results.back().Summary() << std::endl;
  }
  auto mean = [](const std::vector<LoadResult>& rs, double LoadResult::*f) {
    double sum = 0;
    for (const auto& r : rs) sum += r.*f;
    return sum / rs.size();
  };
  const double echo_qps = mean(echo_results, &LoadResult::calls_per_second);
  const double reg_qps = mean(registry_results, &LoadResult::calls_per_second);
  const double reg_p99 = mean(registry_results, &LoadResult::p99_us);
  int64_t errors = 0;
  for (const auto& r : registry_results) errors += r.errors;
  for (const auto& r : echo_results) errors += r.errors;

  std::cout << "\n| server | calls/s | p50 µs | p99 µs |\n|---|---|---|---|\n"
            << absl::StrFormat("| bare echo | %.0f | %.0f | %.0f |\n", echo_qps,
                               mean(echo_results, &LoadResult::p50_us), mean(echo_results, &LoadResult::p99_us))
            << absl::StrFormat("| GetMember (cached) | %.0f | %.0f | %.0f |\n", reg_qps,
                               mean(registry_results, &LoadResult::p50_us), reg_p99)
            << absl::StrFormat("\nratio %.2f (goal ≥ 0.80), p99 %.2f ms (goal ≤ 5 ms), errors %d\n",
                               reg_qps / echo_qps, reg_p99 / 1000, errors);
  (*registry)->Stop();
  (*echo)->Stop();
  redis->reset();
  chibo::testing::RemoveTree(dir);
  const bool met = reg_qps >= 0.8 * echo_qps && reg_p99 <= 5000 && errors == 0;
  std::cout << (met ? "GOAL MET" : "GOAL NOT MET") << std::endl;
  return errors == 0 ? 0 : 1;
}
