// Benchmark: ProposeVisitPlan end to end against a running chibo with the
// demo province (tests/bench/plan_bench.sh starts it at 1× or 10×): the
// province committee's plan for a quarter with all its teams, by the
// min-cost flow and by the greedy baseline, --rounds times each, then one
// plan for every other committee that has teams. Baseline in the same run:
// the cheapest read of the quarter's meetings (one SQL COUNT over the
// scheduling SQLite file) — what any plan must at least look at.
// Prints min / median / max, the plans' figures against each other and the
// bound, and the RSS of the supervision process after the rounds.
//
// Goal (issue 10, at 10×): the province's quarter plan in under 5 s.
#include <grpcpp/grpcpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/rpc/client.h"

ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "chibo-supervision");
ABSL_FLAG(std::string, data_dir, "data", "The run's data directory (SQLite files, run/*.pid)");
ABSL_FLAG(std::string, org, "tinh", "The committee whose plan is timed");
ABSL_FLAG(std::string, period, "", "A quarter (default: the next one, whole)");
ABSL_FLAG(int, rounds, 5, "Proposals of each solver");

namespace pv1 = ::chibo::supervision::v1;

namespace {

double At(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}
std::string MinMedMax(const std::vector<double>& v) {
  return absl::StrFormat("%.0f / %.0f / %.0f", At(v, 0), At(v, 0.5), At(v, 1));
}

int64_t RssMb(const std::string& pid_file) {
  std::ifstream pf(pid_file);
  std::string pid;
  if (!std::getline(pf, pid)) return -1;
  std::ifstream status("/proc/" + pid + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6)) / 1024;
  }
  return -1;
}

// The quarter's meetings counted straight from the SQLite file; ms.
double CountMeetings(const std::string& file, int64_t from, int64_t to, int64_t* n) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  const absl::Time start = absl::Now();
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT cell_id, starts_unix, ends_unix, status FROM meetings WHERE starts_unix >= ?1 AND starts_unix < ?2",
                     -1, &stmt, nullptr);
  if (stmt == nullptr) {
    std::cerr << "plan_bench: " << sqlite3_errmsg(db) << "\n";
    std::exit(1);
  }
  sqlite3_bind_int64(stmt, 1, from);
  sqlite3_bind_int64(stmt, 2, to);
  *n = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) ++*n;
  sqlite3_finalize(stmt);
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  sqlite3_close(db);
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string data = absl::GetFlag(FLAGS_data_dir);
  std::string token;
  std::getline(std::ifstream(data + "/admin.token"), token);
  auto stub = pv1::SupervisionService::NewStub(
      chibo::rpc::MakeChannel(absl::GetFlag(FLAGS_supervision_addr), "chibo.supervision.v1.SupervisionService"));
  auto ctx = [&] { return chibo::rpc::MakeClientContext(token, absl::Minutes(2)); };

  // The next whole quarter (its meetings are all still ahead).
  const absl::TimeZone vn = absl::FixedTimeZone(7 * 3600);
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), vn);
  std::string period = absl::GetFlag(FLAGS_period);
  int year = today.year(), q = (today.month() - 1) / 3 + 2;
  if (q == 5) q = 1, ++year;
  if (period.empty()) period = absl::StrFormat("%04d-Q%d", year, q);
  year = std::stoi(period.substr(0, 4));
  q = period[6] - '0';
  const absl::CivilDay first(year, 3 * (q - 1) + 1, 1);
  const absl::CivilDay after = absl::CivilDay(absl::CivilMonth(first) + 3);

  std::vector<double> ms[2], baseline;
  pv1::VisitPlan last[2];
  int64_t meetings = 0;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    for (int solver = 0; solver < 2; ++solver) {
      pv1::ProposeVisitPlanRequest r;
      r.set_owner_org_id(absl::GetFlag(FLAGS_org));
      r.set_period(period);
      r.set_solver(solver == 0 ? pv1::MIN_COST_FLOW : pv1::GREEDY);
      r.set_request_id(absl::StrFormat("plan-bench-%d-%d-%d", absl::ToUnixSeconds(absl::Now()), round, solver));
      const absl::Time start = absl::Now();
      grpc::Status s = stub->ProposeVisitPlan(ctx().get(), r, &last[solver]);
      ms[solver].push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      if (!s.ok()) {
        std::cerr << "plan_bench: ProposeVisitPlan: " << s.error_message() << "\n";
        return 1;
      }
    }
    baseline.push_back(CountMeetings(data + "/scheduling.db", absl::ToUnixSeconds(absl::FromCivil(first, vn)),
                                     absl::ToUnixSeconds(absl::FromCivil(after, vn)), &meetings));
  }
  std::cout << absl::StrFormat("ProposeVisitPlan %s %s, %d rounds (min / median / max ms):\n",
                               absl::GetFlag(FLAGS_org), period, absl::GetFlag(FLAGS_rounds));
  std::cout << absl::StrFormat("  min-cost flow  %s   (%.1f× the baseline's median)\n", MinMedMax(ms[0]),
                               At(ms[0], 0.5) / std::max(0.001, At(baseline, 0.5)));
  std::cout << absl::StrFormat("  greedy         %s\n", MinMedMax(ms[1]));
  std::cout << absl::StrFormat("  baseline: the quarter's %d meetings read by one SQL query: %s ms\n", meetings,
                               absl::StrFormat("%.1f / %.1f / %.1f", At(baseline, 0), At(baseline, 0.5), At(baseline, 1)));
  for (int solver = 0; solver < 2; ++solver) {
    const pv1::PlanFigures& f = last[solver].figures();
    std::cout << absl::StrFormat(
        "  %-13s  teams %d, cells %d (remote %d), visits %d, covered %d, remote covered %d (%.1f%%), "
        "quotas met %d/%d, duplicates %d, overlaps %d, own cell %d, priority %d of bound %d (gap %.3f)\n",
        solver == 0 ? "min-cost flow" : "greedy", f.teams(), f.cells(), f.remote_cells(), f.visits(),
        f.cells_covered(), f.remote_cells_covered(), 100 * f.remote_share(), f.quotas_met(), f.teams(),
        f.duplicates(), f.overlaps(), f.own_cell_visits(), f.priority_covered(), f.priority_bound(), f.gap());
  }

  // Every other committee that has teams: one plan each.
  pv1::ListTeamsRequest teams_request;
  teams_request.set_org_unit_id(absl::GetFlag(FLAGS_org));
  pv1::ListTeamsResponse teams;
  if (grpc::Status s = stub->ListTeams(ctx().get(), teams_request, &teams); !s.ok()) {
    std::cerr << "plan_bench: ListTeams: " << s.error_message() << "\n";
    return 1;
  }
  std::set<std::string> owners;
  for (const auto& t : teams.teams()) {
    if (t.owner_org_id() != absl::GetFlag(FLAGS_org)) owners.insert(t.owner_org_id());
  }
  std::vector<double> others;
  int other_visits = 0;
  for (const std::string& owner : owners) {
    pv1::ProposeVisitPlanRequest r;
    r.set_owner_org_id(owner);
    r.set_period(period);
    r.set_request_id(absl::StrFormat("plan-bench-%d-%s", absl::ToUnixSeconds(absl::Now()), owner));
    pv1::VisitPlan plan;
    const absl::Time start = absl::Now();
    grpc::Status s = stub->ProposeVisitPlan(ctx().get(), r, &plan);
    others.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    if (!s.ok()) {
      std::cerr << "plan_bench: ProposeVisitPlan " << owner << ": " << s.error_message() << "\n";
      return 1;
    }
    other_visits += plan.figures().visits();
  }
  if (!others.empty()) {
    double total = 0;
    for (double x : others) total += x;
    std::cout << absl::StrFormat("  every other committee with teams: %d plans, %d visits, %s ms each, %.0f ms in all\n",
                                 others.size(), other_visits, MinMedMax(others), total);
  }
  std::cout << absl::StrFormat("  RSS after: supervision %d MB, scheduling %d MB, registry %d MB\n",
                               RssMb(data + "/run/supervision.pid"), RssMb(data + "/run/scheduling.pid"),
                               RssMb(data + "/run/registry.pid"));
  return 0;
}
