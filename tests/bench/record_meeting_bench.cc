// Benchmark: RecordMeeting on PostgreSQL at 16 in flight, against pgbench
// running a custom script that does the same rows in one transaction — the
// cell's version row, the meeting update, its attendance rows, the cell's
// fold row (read the cell's meetings of the year and its held ones from the
// year before, as the fold does; upsert the fold), the audit entry and the
// idempotency record — on the same cluster, in the same run, alternating
// rounds after an untimed warm-up of each (--warmup_seconds). Real chibo-registry and chibo-scheduling processes, a throwaway
// PostgreSQL cluster and redis-server, all started here on free ports.
//
// 64 cells (4 members each, a monthly series each): client t of 16 records
// only meetings of cells ≡ t (mod 16), as pgbench's client t does, so neither
// side has two writers in one cell. Goal (issue 7): ≥ 0.5× pgbench.
//
//   record_meeting_bench [--rounds=3] [--seconds=8] [--in_flight=16] [--warmup_seconds=2]
//                        [--client_threads=2]
//
// Both load generators are lean: pgbench runs its 16 clients on 2 threads
// (-j 2), and the chibo side keeps its 16 calls in flight from 2 threads on
// gRPC completion queues (--client_threads), so that neither side's client
// takes the machine's CPU from what is measured.
//
// With CHIBO_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'"
// it also prints each statement's calls and mean execution time.
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/rpc/client.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_processes.h"
#include "tests/support/subprocess.h"

ABSL_FLAG(int, rounds, 3, "Alternating rounds of each");
ABSL_FLAG(int, seconds, 8, "Length of a round");
ABSL_FLAG(int, in_flight, 16, "Calls (pgbench clients) in flight");
ABSL_FLAG(int, client_threads, 2, "Client threads keeping the calls in flight (pgbench -j)");
ABSL_FLAG(int, db_pool_size, 16, "The services' database connections");
ABSL_FLAG(int, worker_threads, 32, "The services' worker threads");
ABSL_FLAG(int, warmup_seconds, 2, "Untimed run of each side before the rounds (connections, caches)");

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
using chibo::testing::ChildProcess;

namespace {

constexpr int kCells = 64;

// What the bench started, stopped by static destruction on any exit (a
// failed step exits through Die and still leaves nothing running).
struct Started {
  std::unique_ptr<chibo::testing::PostgresCluster> pg;
  std::unique_ptr<chibo::testing::RedisServer> redis;
  std::unique_ptr<ChildProcess> registry, scheduling;
  std::string dir;
  ~Started() {
    scheduling.reset();
    registry.reset();
    redis.reset();
    pg.reset();
    if (!dir.empty()) chibo::testing::RemoveTree(dir);
  }
};
Started started;

void Die(const std::string& what) {
  std::cerr << "record_meeting_bench: " << what << "\n";
  std::exit(1);
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

std::string MinMedMax(const std::vector<double>& v) {
  return absl::StrFormat("%.0f / %.0f / %.0f", Percentile(v, 0), Percentile(v, 0.5), Percentile(v, 1));
}

using chibo::testing::TokenContext;

std::unique_ptr<ChildProcess> StartService(const std::string& dir, const std::string& service,
                                           int port, std::vector<std::string> flags) {
  flags.push_back("--log_level=warn");
  auto p = chibo::testing::StartServiceProcess(CHIBO_BINARY_DIR, dir, service, "", port, flags);
  if (!p.ok()) Die(std::string(p.status().message()));
  return *std::move(p);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const std::string dir = started.dir = chibo::testing::MakeTempDir("chibo-record-bench-");
  auto pg_or = chibo::testing::PostgresCluster::Start();
  if (!pg_or.ok()) Die(std::string(pg_or.status().message()));
  auto& pg = started.pg = *std::move(pg_or);
  auto redis_or = chibo::testing::RedisServer::Start();
  if (!redis_or.ok()) Die(std::string(redis_or.status().message()));
  auto& redis = started.redis = *std::move(redis_or);
  auto registry_url = pg->CreateDatabase("bench_registry");
  auto scheduling_url = pg->CreateDatabase("bench_scheduling");
  if (!registry_url.ok() || !scheduling_url.ok()) Die("cannot create databases");
  const std::string key_file = dir + "/jwt-hs256.key";
  auto key = chibo::auth::LoadOrCreateHs256Key(key_file);
  if (!key.ok()) Die("key");
  const int registry_port = chibo::testing::PickFreePort();
  const int scheduling_port = chibo::testing::PickFreePort();
  const std::vector<std::string> common = {"--redis_url=" + redis->url(), "--jwt_hs256_key_file=" + key_file,
                                           absl::StrCat("--worker_threads=", absl::GetFlag(FLAGS_worker_threads)),
                                           absl::StrCat("--db_pool_size=", absl::GetFlag(FLAGS_db_pool_size))};
  auto with = [&](std::vector<std::string> a) {
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };
  started.registry = StartService(dir, "registry", registry_port, with({"--database_url=" + *registry_url}));
  started.scheduling = StartService(dir, "scheduling", scheduling_port,
                                 with({"--database_url=" + *scheduling_url,
                                       absl::StrCat("--registry_addr=127.0.0.1:", registry_port)}));

  const std::string token = chibo::testing::SignToken(*key, chibo::auth::Role::kAdmin, "tinh", "bench");
  auto reg = rv1::RegistryService::NewStub(chibo::rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", registry_port), "chibo.registry.v1.RegistryService"));
  auto sch = sv1::SchedulingService::NewStub(chibo::rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", scheduling_port), "chibo.scheduling.v1.SchedulingService"));

  // tinh → 4 districts → 4 base committees each → 4 cells each.
  auto unit = [&](const std::string& id, rv1::OrgUnitKind kind, const std::string& parent) {
    grpc::Status s = chibo::testing::CreateUnit(*reg, token, id, kind, parent);
    if (!s.ok()) Die(id + ": " + s.error_message());
  };
  unit("tinh", rv1::PROVINCE, "");
  std::vector<std::string> cells;
  for (int d = 0; d < 4; ++d) {
    const std::string district = absl::StrCat("huyen-", d);
    unit(district, rv1::DIRECT_COMMITTEE, "tinh");
    for (int b = 0; b < 4; ++b) {
      const std::string base = absl::StrCat("xa-", d, "-", b);
      unit(base, rv1::BASE_COMMITTEE, district);
      for (int c = 0; c < 4; ++c) {
        cells.push_back(absl::StrCat("cb-", d, "-", b, "-", c));
        unit(cells.back(), rv1::SUBORDINATE_CELL, base);
      }
    }
  }
  std::map<std::string, std::vector<std::string>> members;
  for (int c = 0; c < kCells; ++c) {
    for (int m = 0; m < 4; ++m) {
      rv1::CreateMemberRequest r;
      const std::string id = absl::StrCat("dv-", c, "-", m);
      r.mutable_member()->set_id(id);
      r.mutable_member()->set_card_number(absl::StrCat("BK-", c, "-", m));
      r.mutable_member()->set_full_name("Đảng viên " + id);
      r.mutable_member()->set_home_cell_id(cells[c]);
      r.mutable_member()->set_admitted_on("2015-01-01");
      r.mutable_member()->set_official_on("2016-01-01");
      rv1::Member out;
      grpc::Status s = reg->CreateMember(TokenContext(token).get(), r, &out);
      if (!s.ok()) Die(id + ": " + s.error_message());
      members[cells[c]].push_back(id);
    }
    sv1::CreateSeriesRequest r;
    r.mutable_series()->set_cell_id(cells[c]);
    r.mutable_series()->set_kind(sv1::REGULAR);
    r.mutable_series()->set_rrule("FREQ=MONTHLY;BYDAY=2TU");
    r.mutable_series()->set_first_start("2025-01-14T08:00");
    r.mutable_series()->set_duration_minutes(120);
    r.set_materialize_until("2025-12-31");
    sv1::MeetingSeries out;
    grpc::Status s = sch->CreateSeries(TokenContext(token).get(), r, &out);
    if (!s.ok()) Die("series: " + s.error_message());
  }
  // Meeting n is the (n / 64)-th meeting of cell n % 64.
  std::vector<sv1::Meeting> meetings;
  std::vector<std::vector<sv1::Meeting>> by_cell(kCells);
  for (int c = 0; c < kCells; ++c) {
    sv1::ListMeetingsRequest r;
    r.set_org_unit_id(cells[c]);
    r.set_from("2025-01-01");
    r.set_to("2025-12-31");
    sv1::ListMeetingsResponse out;
    if (!sch->ListMeetings(TokenContext(token).get(), r, &out).ok() || out.meetings_size() != 12) Die("meetings");
    by_cell[c].assign(out.meetings().begin(), out.meetings().end());
  }
  std::string values;
  for (int n = 0; n < 12 * kCells; ++n) {
    meetings.push_back(by_cell[n % kCells][n / kCells]);
    absl::StrAppend(&values, n ? "," : "", "(", n, ",'", meetings.back().id(), "','", cells[n % kCells], "')");
  }
  // The pgbench side's lookup table, in the scheduling database.
  auto made = pg->RunSql(absl::StrCat("CREATE TABLE bench_meetings (n INT PRIMARY KEY, id TEXT, cell TEXT);"
                                         "INSERT INTO bench_meetings VALUES ", values, ";"),
                            "bench_scheduling");
  if (!made.ok()) Die(std::string(made.status().message()));
  const int per_client = 12 * kCells / in_flight;
  const std::string script = dir + "/record.sql";
  std::ofstream(script) << absl::StrFormat(R"sql(\set n :client_id %% %d + %d * random(0, %d)
SELECT id AS mid, cell AS cid FROM bench_meetings WHERE n = :n \gset
BEGIN;
INSERT INTO unit_versions (unit_id, version) VALUES (:cid, 1) ON CONFLICT (unit_id) DO UPDATE SET version = unit_versions.version + 1;
SELECT id, status, version FROM meetings WHERE id = :mid;
UPDATE meetings SET status = 2, actual_start = '2025-01-14T08:00', actual_end = '2025-01-14T10:00', actual_minutes = 120, guests_json = '[]', speakers = 1, opinions = opinions + 1, resolution = '', self_score = 0, roster_total = 4, expected = 4, present = 4, absent_excused = 0, absent_unexcused = 0, version = version + 1, updated_at = '2026-12-01T00:00:00Z', roll_call = 'a:1;b:1;c:1;d:1;' WHERE id = :mid;
DELETE FROM meeting_attendance WHERE meeting_id = :mid;
INSERT INTO meeting_attendance (meeting_id, member_id, mark, reason, member_name, expected) VALUES (:mid, 'a', 1, '', 'Đảng viên a', 1), (:mid, 'b', 1, '', 'Đảng viên b', 1), (:mid, 'c', 1, '', 'Đảng viên c', 1), (:mid, 'd', 1, '', 'Đảng viên d', 1);
DELETE FROM meeting_tasks WHERE meeting_id = :mid;
SELECT starts_at, kind, status, actual_minutes, expected, present, absent_unexcused, speakers, opinions, id, self_score, starts_unix, roll_call FROM meetings WHERE cell_id = :cid AND starts_unix >= 1704042000 AND starts_unix < 1767200400 AND (status IN (2, 3) OR (starts_unix >= 1735664400 AND starts_unix < 1767200400)) ORDER BY starts_unix, id;
INSERT INTO cell_year_facts (cell_id, year, meetings, facts, stamp) VALUES (:cid, 2025, 12, '0114,1,2,120,4,4,0,1,3;0211,1,1,0,0,0,0,0,0;0311,1,1,0,0,0,0,0,0;0408,1,1,0,0,0,0,0,0;0513,1,1,0,0,0,0,0,0;0610,1,1,0,0,0,0,0,0;0708,1,1,0,0,0,0,0,0;0812,1,1,0,0,0,0,0,0;0909,1,1,0,0,0,0,0,0;1014,1,1,0,0,0,0,0,0;1111,1,1,0,0,0,0,0,0;1209,1,1,0,0,0,0,0,0;', CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT)) ON CONFLICT (cell_id, year) DO UPDATE SET meetings = excluded.meetings, facts = excluded.facts, stamp = excluded.stamp;
INSERT INTO journal_audit (at, actor, method, resource_type, resource_id, org_unit_id, request_id, before_json, after_json) VALUES ('2026-12-01T00:00:00Z', 'bench', 'RecordMeeting', 'Meeting', :mid, :cid, '', '{"id":"x","status":"PLANNED"}', '{"id":"x","status":"HELD","expected":4,"present":4}');
INSERT INTO journal_idempotency (request_key, fingerprint, response, created_at) VALUES (md5(random()::text || CAST(:client_id AS TEXT)), '0123456789abcdef', 'Cg50ZXN0', '2026-12-01T00:00:00Z');
END;
)sql", in_flight, in_flight, per_client - 1);

  struct Round {
    double rate = 0, p50 = 0, p99 = 0;
  };
  // chibo: in_flight calls kept in flight by --client_threads threads on
  // completion queues (as pgbench's -j 2 threads drive its 16 clients), call
  // slot t on its own cells, for `length`.
  auto request_for = [&](int slot, int64_t k) {
    const sv1::Meeting& m = meetings[slot + in_flight * (k % per_client)];
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(m.ends_at());
    for (const std::string& id : members[m.cell_id()]) {
      auto* a = r.add_attendance();
      a->set_member_id(id);
      a->set_mark(sv1::PRESENT);
    }
    r.set_speakers(1);
    r.set_opinions(static_cast<int32_t>(1 + k % 7));
    return r;
  };
  auto run_chibo = [&](absl::Duration length) {
    std::atomic<int64_t> calls{0}, errors{0};
    const int threads_n = std::max(1, std::min(absl::GetFlag(FLAGS_client_threads), in_flight));
    std::vector<std::vector<double>> latencies(threads_n);
    std::vector<std::thread> threads;
    const absl::Time end = absl::Now() + length;
    for (int t = 0; t < threads_n; ++t) {
      threads.emplace_back([&, t] {
        struct Call {
          int slot = 0;
          int64_t k = 0;
          std::unique_ptr<grpc::ClientContext> ctx;
          sv1::RecordMeetingRequest request;
          sv1::Meeting response;
          grpc::Status status;
          std::unique_ptr<grpc::ClientAsyncResponseReader<sv1::Meeting>> reader;
          absl::Time start;
        };
        grpc::CompletionQueue cq;
        std::vector<Call> slots;
        for (int slot = t; slot < in_flight; slot += threads_n) slots.push_back(Call{slot});
        auto start_call = [&](Call& c) {
          c.ctx = TokenContext(token);
          c.request = request_for(c.slot, c.k++);
          c.response.Clear();
          c.start = absl::Now();
          c.reader = sch->AsyncRecordMeeting(c.ctx.get(), c.request, &cq);
          c.reader->Finish(&c.response, &c.status, &c);
        };
        for (Call& c : slots) start_call(c);
        size_t pending = slots.size();
        void* tag = nullptr;
        bool ok = false;
        while (pending > 0 && cq.Next(&tag, &ok)) {
          Call& c = *static_cast<Call*>(tag);
          latencies[t].push_back(absl::ToDoubleMilliseconds(absl::Now() - c.start));
          (c.status.ok() ? calls : errors)++;
          if (!c.status.ok() && errors.load() < 3) std::cerr << "RecordMeeting: " << c.status.error_message() << "\n";
          if (absl::Now() < end) {
            start_call(c);
          } else {
            --pending;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    std::vector<double> all;
    for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    if (errors.load() > 0) std::cerr << errors.load() << " errors\n";
    return Round{calls.load() / absl::ToDoubleSeconds(length), Percentile(all, 0.5), Percentile(all, 0.99)};
  };
  auto run_pgbench = [&](int seconds) {
    auto bench = chibo::testing::RunCommand(
        {"/usr/lib/postgresql/15/bin/pgbench", "-n", "-h", "127.0.0.1", "-p", absl::StrCat(pg->port()),
         "-U", "postgres", "-M", "prepared", "-c", absl::StrCat(in_flight), "-j", "2", "-T",
         absl::StrCat(seconds), "-f", script, "bench_scheduling"},
        absl::Seconds(seconds + 60));
    if (!bench.ok() || !bench->ok()) Die("pgbench: " + (bench.ok() ? bench->output : std::string(bench.status().message())));
    double tps = 0;
    for (absl::string_view line : absl::StrSplit(bench->output, '\n')) {
      if (absl::StartsWith(line, "tps = ")) {
        (void)absl::SimpleAtod(line.substr(6, line.find(' ', 6) - 6), &tps);
      }
    }
    return tps;
  };

  if (const int warmup = absl::GetFlag(FLAGS_warmup_seconds); warmup > 0) {
    run_chibo(absl::Seconds(warmup));
    run_pgbench(warmup);
  }
  std::vector<double> chibo_rates, chibo_p50, chibo_p99, pgbench_rates;
  for (int round = 0; round < absl::GetFlag(FLAGS_rounds); ++round) {
    const Round chibo = run_chibo(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
    chibo_rates.push_back(chibo.rate);
    chibo_p50.push_back(chibo.p50);
    chibo_p99.push_back(chibo.p99);
    pgbench_rates.push_back(run_pgbench(absl::GetFlag(FLAGS_seconds)));
    std::cerr << absl::StrFormat("round %d: RecordMeeting %.0f/s, pgbench %.0f tps\n", round,
                                 chibo_rates.back(), pgbench_rates.back());
  }
  if (const char* extra = std::getenv("CHIBO_PG_EXTRA_CONF"); extra != nullptr && absl::StrContains(extra, "pg_stat_statements")) {
    auto stats = pg->RunSql(
        "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT calls, round(mean_exec_time::numeric, 3) AS ms,"
        " left(regexp_replace(query, '\\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25",
        "bench_scheduling");
    std::cerr << (stats.ok() ? *stats : std::string(stats.status().message())) << "\n";
  }
  const double ratio = Percentile(chibo_rates, 0.5) / Percentile(pgbench_rates, 0.5);
  std::cout << absl::StrFormat(
      "%d rounds of %d s, %d in flight, PostgreSQL 15, min / median / max\n\n"
      "| | per second | p50 ms (median round) | p99 ms (median round) |\n|---|---|---|---|\n"
      "| RecordMeeting (gRPC → scheduling → registry roster, one transaction) | %s | %.1f | %.1f |\n"
      "| pgbench, the same rows in one transaction | %s | | |\n\nratio (medians) %.2f — goal ≥ 0.5: %s\n",
      absl::GetFlag(FLAGS_rounds), absl::GetFlag(FLAGS_seconds), in_flight, MinMedMax(chibo_rates),
      Percentile(chibo_p50, 0.5), Percentile(chibo_p99, 0.5), MinMedMax(pgbench_rates), ratio,
      ratio >= 0.5 ? "MET" : "NOT MET");
  return ratio >= 0.5 ? 0 : 2;  // `started` stops everything
}
