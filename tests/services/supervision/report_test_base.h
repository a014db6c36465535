// What the end-to-end report tests share: one suite per engine (SQLite, and
// a throwaway PostgreSQL cluster started once per suite), the three services
// with a real Redis, the small tree of scheduling's tests, and the calls
// every report test makes.
#ifndef CHIBO_TESTS_SERVICES_SUPERVISION_REPORT_TEST_BASE_H_
#define CHIBO_TESTS_SERVICES_SUPERVISION_REPORT_TEST_BASE_H_

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/services/scheduling/scheduling_test_util.h"
#include "tests/services/supervision/supervision_harness.h"
#include "tests/support/postgres_cluster.h"

namespace chibo::supervision::testing {

enum class Engine { kSqlite, kPostgres };

inline std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "SQLite" : "PostgreSQL";
}

class ReportTestBase : public ::testing::TestWithParam<Engine> {
 protected:
  static void SetUpTestSuite() {
    auto pg = chibo::testing::PostgresCluster::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    postgres_ = pg->release();
  }
  static void TearDownTestSuite() {
    delete postgres_;
    postgres_ = nullptr;
  }

  // The services (on PostgreSQL, databases <prefix><name>_<run>), the
  // admin and supervisor tokens, and scheduling's test tree:
  // tinh → huyen-a → xa-a1 → cb-1 (m1..m4), cb-2 (m5); tinh → huyen-b → cb-b (m6).
  void StartServices(const std::string& database_prefix) {
    SupervisionHarnessOptions options;
    if (GetParam() == Engine::kPostgres) {
      static int n = 0;
      const int run = ++n;
      options.create_database = [database_prefix, run](const std::string& name) {
        return postgres_->CreateDatabase(absl::StrCat(database_prefix, name, "_", run));
      };
    }
    auto h = SupervisionHarness::Start(options);
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->registry().Token(auth::Role::kAdmin, "tinh");
    supervisor_ = h_->registry().Token(auth::Role::kSupervisor, "tinh", "to-truong");
    scheduling::testing::BuildTree(h_->scheduling(), admin_);
  }

  // A regular monthly series of `cell` from `first` through 2026.
  void Series(const std::string& cell, const std::string& rrule, const std::string& first) {
    scheduling::v1::CreateSeriesRequest r;
    r.mutable_series()->set_cell_id(cell);
    r.mutable_series()->set_kind(scheduling::v1::REGULAR);
    r.mutable_series()->set_rrule(rrule);
    r.mutable_series()->set_first_start(first);
    r.mutable_series()->set_duration_minutes(120);
    r.set_materialize_until("2026-12-31");
    scheduling::v1::MeetingSeries out;
    grpc::Status s = h_->scheduling().stub().CreateSeries(scheduling::testing::Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::ActivityReport Activity(const std::string& org = "tinh", const std::string& period = "2026-H1") {
    v1::ReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    v1::ActivityReport out;
    grpc::Status s = h_->stub().GetActivityReport(scheduling::testing::Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << org << " " << period << ": " << s.error_message();
    return out;
  }

  v1::ComplianceReport Compliance(const std::string& org = "tinh", const std::string& period = "2026-H1") {
    v1::ReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    v1::ComplianceReport out;
    grpc::Status s = h_->stub().GetComplianceReport(scheduling::testing::Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << org << " " << period << ": " << s.error_message();
    return out;
  }

  // Stores a rulebook version from `from`: the rules in force that day,
  // changed by `change`.
  template <typename Change>
  void PutRules(const std::string& from, Change change) {
    registry::v1::GetRulebookRequest get;
    get.set_province_id("tinh");
    get.set_on_date(from);
    registry::v1::RulebookVersion current;
    ASSERT_TRUE(h_->registry().stub().GetRulebook(scheduling::testing::Ctx(admin_).get(), get, &current).ok());
    registry::v1::PutRulebookRequest put;
    put.set_province_id("tinh");
    put.set_effective_from(from);
    *put.mutable_rules() = current.rules();
    change(put.mutable_rules());
    registry::v1::RulebookVersion stored;
    grpc::Status s = h_->registry().stub().PutRulebook(scheduling::testing::Ctx(admin_).get(), put, &stored);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  inline static chibo::testing::PostgresCluster* postgres_ = nullptr;
  std::unique_ptr<SupervisionHarness> h_;
  std::string admin_, supervisor_;
};

}  // namespace chibo::supervision::testing

#endif  // CHIBO_TESTS_SERVICES_SUPERVISION_REPORT_TEST_BASE_H_
