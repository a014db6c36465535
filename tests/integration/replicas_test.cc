// Production's shape: two replicas of each service — real chibo-registry,
// chibo-scheduling and chibo-supervision processes — on one PostgreSQL
// cluster and one redis-server, all started here on free ports. Every
// guarantee of docs/reports.md must hold when a write goes through one
// replica and the read through the other: meetings, visits, renames and
// moves show in the next report read, and a moved unit leaves a district's
// scope at once.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/rpc/client.h"
#include "gtest/gtest.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/redis_server.h"
#include "tests/support/service_processes.h"
#include "tests/support/subprocess.h"

namespace chibo {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
namespace pv1 = ::chibo::supervision::v1;
using chibo::testing::ChildProcess;

struct Replica {
  std::unique_ptr<ChildProcess> process;
  std::string address;
};

class ReplicasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = chibo::testing::MakeTempDir("chibo-replicas-");
    auto pg = chibo::testing::PostgresCluster::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    postgres_ = *std::move(pg);
    auto redis = chibo::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
    key_file_ = dir_ + "/jwt-hs256.key";
    auto key = auth::LoadOrCreateHs256Key(key_file_);
    ASSERT_TRUE(key.ok()) << key.status();
    key_ = *key;
    for (const char* service : {"registry", "scheduling", "supervision"}) {
      auto url = postgres_->CreateDatabase(absl::StrCat("replicas_", service));
      ASSERT_TRUE(url.ok()) << url.status();
      urls_[service] = *url;
    }
    // The first replica of each migrates; the second starts on the migrated schema.
    for (int i = 0; i < 2; ++i) Start("registry", i, {});
    for (int i = 0; i < 2; ++i) Start("scheduling", i, {"--registry_addr=" + registry_[i].address});
    for (int i = 0; i < 2; ++i) {
      Start("supervision", i, {"--registry_addr=" + registry_[i].address,
                               "--scheduling_addr=" + scheduling_[i].address});
    }
    admin_ = Token(auth::Role::kAdmin, "tinh");
  }

  void TearDown() override {
    for (auto* group : {&supervision_, &scheduling_, &registry_}) {
      for (Replica& r : *group) r.process.reset();
    }
    redis_.reset();
    postgres_.reset();
    chibo::testing::RemoveTree(dir_);
  }

  void Start(const std::string& service, int i, std::vector<std::string> flags) {
    const int port = chibo::testing::PickFreePort();
    flags.insert(flags.end(), {"--database_url=" + urls_[service], "--redis_url=" + redis_->url(),
                               "--jwt_hs256_key_file=" + key_file_, "--worker_threads=4",
                               "--db_pool_size=4"});
    auto process = chibo::testing::StartServiceProcess(CHIBO_BINARY_DIR, dir_, service,
                                                       absl::StrCat(i), port, flags);
    ASSERT_TRUE(process.ok()) << process.status();
    (service == "registry" ? registry_ : service == "scheduling" ? scheduling_ : supervision_)
        .push_back(Replica{*std::move(process), absl::StrCat("127.0.0.1:", port)});
  }

  std::string Token(auth::Role role, const std::string& org) {
    return chibo::testing::SignToken(key_, role, org);
  }

  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    return chibo::testing::TokenContext(token);
  }

  std::unique_ptr<rv1::RegistryService::Stub> RegistryAt(int i) {
    return rv1::RegistryService::NewStub(rpc::MakeChannel(registry_[i].address, "chibo.registry.v1.RegistryService"));
  }
  std::unique_ptr<sv1::SchedulingService::Stub> SchedulingAt(int i) {
    return sv1::SchedulingService::NewStub(rpc::MakeChannel(scheduling_[i].address, "chibo.scheduling.v1.SchedulingService"));
  }
  std::unique_ptr<pv1::SupervisionService::Stub> SupervisionAt(int i) {
    return pv1::SupervisionService::NewStub(rpc::MakeChannel(supervision_[i].address, "chibo.supervision.v1.SupervisionService"));
  }

  void Unit(int replica, const std::string& id, rv1::OrgUnitKind kind, const std::string& parent) {
    grpc::Status s = chibo::testing::CreateUnit(*RegistryAt(replica), admin_, id, kind, parent);
    ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
  }

  sv1::Meeting Meeting(int replica, const std::string& cell, const std::string& start) {
    sv1::CreateMeetingRequest r;
    r.mutable_meeting()->set_cell_id(cell);
    r.mutable_meeting()->set_kind(sv1::REGULAR);
    r.mutable_meeting()->set_starts_at(start);
    r.mutable_meeting()->set_ends_at(start.substr(0, 11) + "11:00");
    sv1::Meeting out;
    grpc::Status s = SchedulingAt(replica)->CreateMeeting(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  void Record(int replica, const sv1::Meeting& m) {
    sv1::RecordMeetingRequest r;
    r.set_id(m.id());
    r.set_actual_start(m.starts_at());
    r.set_actual_end(m.ends_at());
    auto* a = r.add_attendance();
    a->set_member_id("m1");
    a->set_mark(sv1::PRESENT);
    r.set_opinions(2);
    sv1::Meeting out;
    grpc::Status s = SchedulingAt(replica)->RecordMeeting(Ctx(admin_).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  pv1::ComplianceReport Compliance(int replica, const std::string& org, const std::string& period) {
    pv1::ReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    pv1::ComplianceReport out;
    grpc::Status s = SupervisionAt(replica)->GetComplianceReport(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  pv1::ActivityReport Activity(int replica, const std::string& org, const std::string& period) {
    pv1::ReportRequest r;
    r.set_org_unit_id(org);
    r.set_period(period);
    pv1::ActivityReport out;
    grpc::Status s = SupervisionAt(replica)->GetActivityReport(Ctx(admin_).get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  std::string dir_, key_file_, key_, admin_;
  std::map<std::string, std::string> urls_;
  std::unique_ptr<chibo::testing::PostgresCluster> postgres_;
  std::unique_ptr<chibo::testing::RedisServer> redis_;
  std::vector<Replica> registry_, scheduling_, supervision_;
};

TEST_F(ReplicasTest, AWriteThroughOneReplicaShowsInTheNextReadThroughTheOther) {
  Unit(0, "tinh", rv1::PROVINCE, "");
  Unit(0, "huyen-a", rv1::DIRECT_COMMITTEE, "tinh");
  Unit(1, "huyen-b", rv1::DIRECT_COMMITTEE, "tinh");
  Unit(0, "xa-a1", rv1::BASE_COMMITTEE, "huyen-a");
  Unit(1, "xa-b1", rv1::BASE_COMMITTEE, "huyen-b");
  Unit(0, "cb-1", rv1::SUBORDINATE_CELL, "xa-a1");
  rv1::CreateMemberRequest member;
  member.mutable_member()->set_id("m1");
  member.mutable_member()->set_card_number("TD-1");
  member.mutable_member()->set_full_name("Nguyễn Văn Một");
  member.mutable_member()->set_home_cell_id("cb-1");
  member.mutable_member()->set_admitted_on("2015-01-01");
  member.mutable_member()->set_official_on("2016-01-01");
  rv1::Member m;
  ASSERT_TRUE(RegistryAt(1)->CreateMember(Ctx(admin_).get(), member, &m).ok());

  const sv1::Meeting jan = Meeting(0, "cb-1", "2026-01-06T08:00");
  const sv1::Meeting feb = Meeting(1, "cb-1", "2026-02-03T08:00");
  // Both replicas of supervision read (and cache) the quarter.
  for (int i : {0, 1}) {
    EXPECT_EQ(Compliance(i, "huyen-a", "2026-Q1").totals().regular_held(), 0);
    EXPECT_EQ(Compliance(i, "huyen-a", "2026-Q1").totals().unrecorded_past_meetings(), 2);
  }
  Record(0, jan);  // through scheduling replica 0
  EXPECT_EQ(Compliance(1, "huyen-a", "2026-Q1").totals().regular_held(), 1);
  EXPECT_EQ(Compliance(0, "huyen-a", "2026-Q1").totals().regular_held(), 1);
  Record(1, feb);  // through scheduling replica 1
  EXPECT_EQ(Compliance(0, "huyen-a", "2026-Q1").totals().regular_held(), 2);
  EXPECT_EQ(Compliance(1, "huyen-a", "2026-Q1").totals().regular_held(), 2);

  // A visit through supervision 0, read through supervision 1.
  pv1::CreateTeamRequest team;
  team.mutable_team()->set_id("to-tinh");
  team.mutable_team()->set_name("Tổ 1 cấp tỉnh");
  team.mutable_team()->set_owner_org_id("tinh");
  team.mutable_team()->set_leader_member_id("m1");
  pv1::Team t;
  ASSERT_TRUE(SupervisionAt(0)->CreateTeam(Ctx(admin_).get(), team, &t).ok());
  EXPECT_TRUE(Activity(1, "tinh", "2026-Q1").levels().empty());
  pv1::RecordVisitRequest visit;
  visit.mutable_visit()->set_team_id("to-tinh");
  visit.mutable_visit()->set_meeting_id(jan.id());
  visit.mutable_visit()->set_observations("Đúng quy trình");
  pv1::Visit v;
  grpc::Status s = SupervisionAt(0)->RecordVisit(Ctx(admin_).get(), visit, &v);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const pv1::ActivityReport activity = Activity(1, "tinh", "2026-Q1");
  ASSERT_EQ(activity.levels_size(), 1);
  EXPECT_EQ(activity.levels(0).cells_attended(), 1);

  // A rename through registry 1 shows in both supervision replicas.
  rv1::UpdateOrgUnitRequest rename;
  rename.mutable_org_unit()->set_id("huyen-a");
  rename.mutable_org_unit()->set_name("Đảng bộ huyện Ba Bể");
  rename.mutable_update_mask()->add_paths("name");
  rv1::OrgUnit renamed;
  ASSERT_TRUE(RegistryAt(1)->UpdateOrgUnit(Ctx(admin_).get(), rename, &renamed).ok());
  for (int i : {0, 1}) {
    const pv1::ComplianceReport c = Compliance(i, "tinh", "2026-Q1");
    std::string name;
    for (const auto& child : c.children()) {
      if (child.org_unit_id() == "huyen-a") name = child.name();
    }
    EXPECT_EQ(name, "Đảng bộ huyện Ba Bể") << "replica " << i;
  }

  // A move through registry 0: huyen-a's token loses cb-1 at once in every
  // scheduling replica, and the Q1 figures stay where cb-1 then stood.
  const std::string district_a = Token(auth::Role::kAdmin, "huyen-a");
  sv1::GetMeetingRequest get;
  get.set_id(jan.id());
  sv1::Meeting got;
  for (int i : {0, 1}) ASSERT_TRUE(SchedulingAt(i)->GetMeeting(Ctx(district_a).get(), get, &got).ok());
  rv1::MoveOrgUnitRequest move;
  move.set_id("cb-1");
  move.set_new_parent_id("xa-b1");
  move.set_effective_on("2026-04-01");
  rv1::OrgUnit moved;
  ASSERT_TRUE(RegistryAt(0)->MoveOrgUnit(Ctx(admin_).get(), move, &moved).ok());
  // Until April cb-1 is still huyen-a's (the move is dated); from then on it is not.
  for (int i : {0, 1}) {
    EXPECT_EQ(Compliance(i, "huyen-a", "2026-Q1").totals().regular_held(), 2);
    EXPECT_EQ(Compliance(i, "huyen-b", "2026-Q2").totals().cells(), 1);
    EXPECT_EQ(Compliance(i, "huyen-a", "2026-Q2").totals().cells(), 0);
    EXPECT_EQ(SchedulingAt(i)->GetMeeting(Ctx(district_a).get(), get, &got).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << "replica " << i;
  }
}

}  // namespace
}  // namespace chibo
