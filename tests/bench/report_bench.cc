// Benchmark: the supervision activity and compliance reports for a whole
// province over a year, against a running chibo (tests/bench/report_bench.sh
// starts one with the full demo province). Cold = the first read after a
// write below the province (the cache key's data version moved, so the
// report is recomputed from scheduling's facts and the registry's tree);
// cached = the reads after it. Goal: cold < 1 s, cached < 10 ms.
//
//   report_bench --supervision_addr=127.0.0.1:50053 --token_file=data/admin.token
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/rpc/client.h"

ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "chibo-supervision");
ABSL_FLAG(std::string, token_file, "data/admin.token", "An admin token of the province");
ABSL_FLAG(std::string, org, "tinh", "Organization");
ABSL_FLAG(std::string, period, "2025", "Period");
ABSL_FLAG(int, rounds, 5, "Cold reads (each after a write)");
ABSL_FLAG(int, cached_reads, 50, "Cached reads after each cold one");

namespace pv1 = ::chibo::supervision::v1;

namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::ifstream in(absl::GetFlag(FLAGS_token_file));
  std::string token;
  std::getline(in, token);
  auto stub = pv1::SupervisionService::NewStub(chibo::rpc::MakeChannel(
      absl::GetFlag(FLAGS_supervision_addr), "chibo.supervision.v1.SupervisionService"));
  auto ctx = [&] { return chibo::rpc::MakeClientContext(token, absl::Seconds(60)); };
  pv1::ReportRequest request;
  request.set_org_unit_id(absl::GetFlag(FLAGS_org));
  request.set_period(absl::GetFlag(FLAGS_period));

  // A visit whose recommendation the bench toggles: a real write below the
  // province that moves the reports' data version.
  pv1::ListVisitsRequest lv;
  lv.set_org_unit_id(request.org_unit_id());
  lv.set_from("2000-01-01");
  lv.set_to("2100-12-31");
  lv.set_page_size(1);
  pv1::ListVisitsResponse visits;
  grpc::Status s = stub->ListVisits(ctx().get(), lv, &visits);
  if (!s.ok() || visits.visits().empty()) {
    std::cerr << "report_bench: no visit to write to (" << s.error_message() << ")\n";
    return 1;
  }
  pv1::GetVisitRequest gv;
  gv.set_id(visits.visits(0).id());
  pv1::Visit visit;
  if (!stub->GetVisit(ctx().get(), gv, &visit).ok() || visit.recommendations().empty()) {
    std::cerr << "report_bench: the visit has no recommendation\n";
    return 1;
  }

  std::vector<double> cold[2], cached[2];
  int64_t figures = 0;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    pv1::UpdateRecommendationRequest write;
    write.set_visit_id(visit.id());
    write.set_recommendation_id(visit.recommendations(0).id());
    write.set_status(round % 2 ? pv1::OPEN : pv1::DONE);
    write.set_follow_up(absl::StrFormat("bench round %d", round));
    pv1::Visit written;
    if (!(s = stub->UpdateRecommendation(ctx().get(), write, &written)).ok()) {
      std::cerr << "report_bench: write failed: " << s.error_message() << "\n";
      return 1;
    }
    for (int kind = 0; kind < 2; ++kind) {
      for (int i = 0; i <= absl::GetFlag(FLAGS_cached_reads); ++i) {
        const absl::Time start = absl::Now();
        if (kind == 0) {
          pv1::ActivityReport report;
          s = stub->GetActivityReport(ctx().get(), request, &report);
          figures += report.levels_size();
        } else {
          pv1::ComplianceReport report;
          s = stub->GetComplianceReport(ctx().get(), request, &report);
          figures += report.totals().meetings_held();
        }
        const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
        if (!s.ok()) {
          std::cerr << "report_bench: " << s.error_message() << "\n";
          return 1;
        }
        (i == 0 ? cold : cached)[kind].push_back(ms);
      }
    }
  }
  const char* names[] = {"activity", "compliance"};
  bool met = true;
  std::cout << "| report | cold p50 ms | cold max ms | cached p50 ms | cached p99 ms |\n|---|---|---|---|---|\n";
  for (int kind = 0; kind < 2; ++kind) {
    const double cold_max = *std::max_element(cold[kind].begin(), cold[kind].end());
    const double cached_p99 = Percentile(cached[kind], 0.99);
    std::cout << absl::StrFormat("| %s | %.1f | %.1f | %.2f | %.2f |\n", names[kind], Percentile(cold[kind], 0.5),
                                 cold_max, Percentile(cached[kind], 0.5), cached_p99);
    met = met && cold_max < 1000 && cached_p99 < 10;
  }
  std::cout << (met ? "GOAL MET" : "GOAL NOT MET") << " (cold < 1000 ms, cached < 10 ms)\n";
  return met ? 0 : 2;
}
