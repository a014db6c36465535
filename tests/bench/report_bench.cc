// Benchmark: the activity and compliance reports for a whole province over a
// year, against a running chibo (tests/bench/report_bench.sh starts one with
// the demo province at 1× or 10×), against a baseline measured in the same
// run: the same sums by one SQL GROUP BY over the raw meetings (and visits)
// table, straight from the SQLite files (no tree, no rulebook by date — the
// cheapest the facts can be read).
//
// Each round writes a meeting record and a visit's recommendation below the
// province (so both reports are cold: their data moved), reads each report
// once cold and --cached_reads times cached, and runs each GROUP BY once.
// After the rounds it prints the RSS of every process of the run (from the
// run command's pid files).
//
// Goals (issue 7, at 10×): cold ≤ 500 ms and ≤ 0.5× the GROUP BY, cached
// p99 ≤ 2 ms, RSS of each process < 200 MB after 20 cold reports.
#include <grpcpp/grpcpp.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/rpc/client.h"

ABSL_FLAG(std::string, supervision_addr, "127.0.0.1:50053", "chibo-supervision");
ABSL_FLAG(std::string, scheduling_addr, "127.0.0.1:50052", "chibo-scheduling");
ABSL_FLAG(std::string, data_dir, "data", "The run's data directory (SQLite files, run/*.pid)");
ABSL_FLAG(std::string, token_file, "", "An admin token of the province (default <data_dir>/admin.token)");
ABSL_FLAG(std::string, org, "tinh", "Organization");
ABSL_FLAG(std::string, period, "2025", "Period (a year)");
ABSL_FLAG(int, rounds, 20, "Cold reads of each report (each after a write)");
ABSL_FLAG(int, cached_reads, 50, "Cached reads after each cold one");
ABSL_FLAG(std::string, samples_out, "",
          "If set, every read's time goes to this file, a line each: report, round, read (0 = cold), ms");

namespace pv1 = ::chibo::supervision::v1;
namespace sv1 = ::chibo::scheduling::v1;

namespace {

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::string MinMedMax(const std::vector<double>& v) {
  return absl::StrFormat("%.1f / %.1f / %.1f", Percentile(v, 0), Percentile(v, 0.5), Percentile(v, 1));
}

// One GROUP BY over a SQLite file, every row stepped through; ms.
double TimeGroupBy(const std::string& file, const std::string& sql,
                   const std::vector<std::string>& params, int64_t* rows_out) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  const absl::Time start = absl::Now();
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::cerr << "report_bench: " << sqlite3_errmsg(db) << "\n";
    std::exit(1);
  }
  for (size_t i = 0; i < params.size(); ++i) {
    sqlite3_bind_text(stmt, static_cast<int>(i + 1), params[i].c_str(), -1, SQLITE_TRANSIENT);
  }
  int64_t rows = 0;
  double sum = 0;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    ++rows;
    for (int c = 2; c < sqlite3_column_count(stmt); ++c) sum += sqlite3_column_double(stmt, c);
  }
  sqlite3_finalize(stmt);
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - start);
  sqlite3_close(db);
  *rows_out = rows + (sum < 0 ? 1 : 0);
  return ms;
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

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string data = absl::GetFlag(FLAGS_data_dir);
  std::string token_file = absl::GetFlag(FLAGS_token_file);
  if (token_file.empty()) token_file = data + "/admin.token";
  std::ifstream in(token_file);
  std::string token;
  std::getline(in, token);
  auto stub = pv1::SupervisionService::NewStub(chibo::rpc::MakeChannel(
      absl::GetFlag(FLAGS_supervision_addr), "chibo.supervision.v1.SupervisionService"));
  auto scheduling = sv1::SchedulingService::NewStub(chibo::rpc::MakeChannel(
      absl::GetFlag(FLAGS_scheduling_addr), "chibo.scheduling.v1.SchedulingService"));
  auto ctx = [&] { return chibo::rpc::MakeClientContext(token, absl::Seconds(60)); };
  pv1::ReportRequest request;
  request.set_org_unit_id(absl::GetFlag(FLAGS_org));
  request.set_period(absl::GetFlag(FLAGS_period));
  const std::string year = request.period().substr(0, 4);
  const std::string from = year + "-01-01", to = year + "-12-31";

  // A visit whose recommendation the bench toggles, and a held meeting
  // (without tasks) whose opinions it toggles: real writes below the province.
  pv1::ListVisitsRequest lv;
  lv.set_org_unit_id(request.org_unit_id());
  lv.set_from(from);
  lv.set_to(to);
  lv.set_page_size(100);
  pv1::ListVisitsResponse visits;
  grpc::Status s = stub->ListVisits(ctx().get(), lv, &visits);
  pv1::GetVisitRequest gv;
  pv1::Visit visit;
  // The first of them that made a recommendation.
  for (int i = 0; s.ok() && i < visits.visits_size() && visit.recommendations().empty(); ++i) {
    gv.set_id(visits.visits(i).id());
    s = stub->GetVisit(ctx().get(), gv, &visit);
  }
  if (!s.ok() || visit.recommendations().empty()) {
    std::cerr << "report_bench: no visit with a recommendation to write to (" << s.error_message() << ")\n";
    return 1;
  }
  sv1::ListMeetingsRequest lm;
  lm.set_org_unit_id(request.org_unit_id());
  lm.set_subtree(true);
  lm.set_from(from);
  lm.set_to(to);
  lm.set_status(sv1::HELD);
  lm.set_page_size(50);
  sv1::ListMeetingsResponse held;
  s = scheduling->ListMeetings(ctx().get(), lm, &held);
  sv1::Meeting meeting;
  for (const auto& m : held.meetings()) {
    sv1::GetMeetingRequest gm;
    gm.set_id(m.id());
    if (scheduling->GetMeeting(ctx().get(), gm, &meeting).ok() && meeting.tasks().empty()) break;
    meeting.Clear();
  }
  if (meeting.id().empty()) {
    std::cerr << "report_bench: no held meeting without tasks to write to\n";
    return 1;
  }

  const std::string meetings_sql =
      "SELECT cell_id, substr(starts_at, 1, 7), count(*),"
      " sum(CASE WHEN status IN (2,3) THEN 1 ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) AND kind IN (1,3) THEN 1 ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) AND kind IN (2,3) THEN 1 ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) AND actual_minutes < (CASE WHEN kind = 3 THEN 120 ELSE 90 END)"
      "     THEN 1 ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) THEN opinions ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) THEN actual_minutes ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) AND expected > 0 THEN 1.0 * present / expected ELSE 0 END),"
      " sum(CASE WHEN status IN (2,3) AND expected > 0 AND present * 100 >= 90 * expected THEN 1 ELSE 0 END),"
      " sum(CASE WHEN status = 1 AND starts_unix < CAST(?3 AS INTEGER) THEN 1 ELSE 0 END)"
      " FROM meetings WHERE starts_unix >= CAST(?1 AS INTEGER) AND starts_unix < CAST(?2 AS INTEGER)"
      " GROUP BY cell_id, substr(starts_at, 1, 7)";
  const std::string visits_sql =
      "SELECT level, unit_id, count(*), sum(CASE WHEN meeting_kind IN (2,3) THEN 1 ELSE 0 END),"
      " sum(remote) FROM visits WHERE visit_date >= ?1 AND visit_date <= ?2 GROUP BY level, unit_id";
  const absl::TimeZone vn = [] {
    absl::TimeZone tz;
    absl::LoadTimeZone("Asia/Ho_Chi_Minh", &tz);
    return tz;
  }();
  const int y = std::stoi(year);
  const std::string from_unix = absl::StrCat(absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(y, 1, 1), vn)));
  const std::string to_unix = absl::StrCat(absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(y + 1, 1, 1), vn)));
  const std::string now_unix = absl::StrCat(absl::ToUnixSeconds(absl::Now()));

  const char* processes[] = {"registry", "scheduling", "supervision", "gateway", "redis"};
  std::map<std::string, int64_t> rss_first;
  std::vector<double> cold[2], cached[2], baseline[2];
  std::ofstream samples;
  if (!absl::GetFlag(FLAGS_samples_out).empty()) samples.open(absl::GetFlag(FLAGS_samples_out));
  int64_t figures = 0, baseline_rows[2] = {0, 0};
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    pv1::UpdateRecommendationRequest write;
    write.set_visit_id(visit.id());
    write.set_recommendation_id(visit.recommendations(0).id());
    write.set_status(round % 2 ? pv1::OPEN : pv1::DONE);
    write.set_follow_up(absl::StrFormat("bench round %d", round));
    pv1::Visit written;
    if (!(s = stub->UpdateRecommendation(ctx().get(), write, &written)).ok()) {
      std::cerr << "report_bench: visit write failed: " << s.error_message() << "\n";
      return 1;
    }
    sv1::RecordMeetingRequest record;
    record.set_id(meeting.id());
    record.set_actual_start(meeting.actual_start());
    record.set_actual_end(meeting.actual_end());
    *record.mutable_attendance() = meeting.attendance();
    *record.mutable_guests() = meeting.guests();
    record.set_speakers(meeting.speakers());
    record.set_opinions(meeting.opinions() + (round % 2 ? 0 : 1));
    record.set_resolution(meeting.resolution());
    record.set_self_score(meeting.self_score());
    sv1::Meeting recorded;
    if (!(s = scheduling->RecordMeeting(ctx().get(), record, &recorded)).ok()) {
      std::cerr << "report_bench: meeting write failed: " << s.error_message() << "\n";
      return 1;
    }
    // Compliance first: the activity report's paragraph reads the compliance
    // report too (its standard sentence), so read after, each is cold for its own work.
    for (int kind : {1, 0}) {
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
        if (samples) samples << (kind == 0 ? "activity" : "compliance") << ' ' << round << ' ' << i << ' ' << ms << '\n';
      }
    }
    if (round == 0) {
      for (const char* p : processes) rss_first[p] = RssMb(absl::StrCat(data, "/run/", p, ".pid"));
    }
    baseline[0].push_back(TimeGroupBy(data + "/supervision.db", visits_sql, {from, to}, &baseline_rows[0]));
    baseline[1].push_back(TimeGroupBy(data + "/scheduling.db", meetings_sql, {from_unix, to_unix, now_unix},
                                      &baseline_rows[1]));
  }
  const char* names[] = {"activity", "compliance"};
  bool met = true;
  std::cout << absl::StrFormat("%d rounds; cold = the first read after a write, min / median / max ms\n\n",
                               absl::GetFlag(FLAGS_rounds));
  std::cout << "| report | cold ms | cached p50 ms | cached p99 ms | ÷ the meetings GROUP BY (median) |\n"
               "|---|---|---|---|---|\n";
  const double meetings_groupby = Percentile(baseline[1], 0.5);
  for (int kind = 0; kind < 2; ++kind) {
    // The baseline for both reports: the compliance sums by one
    // GROUP BY over the raw meetings table.
    const double ratio = Percentile(cold[kind], 0.5) / meetings_groupby;
    const double cached_p99 = Percentile(cached[kind], 0.99);
    std::cout << absl::StrFormat("| %s | %s | %.2f | %.2f | %.2f |\n", names[kind], MinMedMax(cold[kind]),
                                 Percentile(cached[kind], 0.5), cached_p99, ratio);
    met = met && Percentile(cold[kind], 1) <= 500 && ratio <= 0.5 && cached_p99 <= 2;
  }
  std::cout << absl::StrFormat(
      "\nbaselines, same run: GROUP BY over the meetings %s ms (%d groups per round); "
      "over the visits %s ms (%d groups per round); activity ÷ visits GROUP BY %.2f\n",
      MinMedMax(baseline[1]), baseline_rows[1], MinMedMax(baseline[0]), baseline_rows[0],
      Percentile(cold[0], 0.5) / Percentile(baseline[0], 0.5));
  std::cout << "\n| process | RSS MB after the first cold round | after the last |\n|---|---|---|\n";
  for (const char* p : processes) {
    const int64_t mb = RssMb(absl::StrCat(data, "/run/", p, ".pid"));
    std::cout << absl::StrFormat("| %s | %d | %d |\n", p, rss_first[p], mb);
    if (std::string(p) != "redis") met = met && mb >= 0 && mb < 200;
  }
  std::cout << (met ? "\nGOAL MET" : "\nGOAL NOT MET")
            << " (cold ≤ 500 ms and ≤ 0.5× the meetings GROUP BY, cached p99 ≤ 2 ms, RSS < 200 MB)\n";
  return met ? 0 : 2;
}
