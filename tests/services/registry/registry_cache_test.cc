// The registry's reads through the cache with a real redis-server: writes
// invalidate what they change, and Redis killed mid-loop costs no call.
#include "common/observability/metrics.h"
#include "common/time/dates.h"
#include "gtest/gtest.h"
#include "tests/services/registry/registry_test_util.h"

namespace chibo::registry::testing {
namespace {

class RegistryCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = RegistryHarness::Start({.with_redis = true});
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->Token(auth::Role::kAdmin, "tinh");
    MakeUnit(*h_, admin_, "tinh", v1::PROVINCE, "");
    MakeUnit(*h_, admin_, "cb", v1::BASE_CELL, "tinh");
    MakeMember(*h_, admin_, "m1", "cb", "2015-01-01", "2016-01-01");
    ASSERT_TRUE(h_->cache().WaitForNearCache(absl::Seconds(5)));
  }

  grpc::Status Get(v1::Member* out) {
    v1::GetMemberRequest r;
    r.set_id("m1");
    return h_->stub().GetMember(RegistryHarness::Ctx(admin_).get(), r, out);
  }

  std::unique_ptr<RegistryHarness> h_;
  std::string admin_;
};

TEST_F(RegistryCacheTest, RepeatedReadsAreServedFromTheCache) {
  v1::Member m;
  ASSERT_TRUE(Get(&m).ok());
  auto before = h_->cache().stats();
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Get(&m).ok());
  auto after = h_->cache().stats();
  EXPECT_GE(after.hit_near - before.hit_near, 50);
  EXPECT_EQ(after.miss, before.miss);
}

TEST_F(RegistryCacheTest, EveryWriteMakesTheNextReadFresh) {
  v1::Member m;
  ASSERT_TRUE(Get(&m).ok());
  v1::UpdateMemberRequest u;
  u.mutable_member()->set_id("m1");
  u.mutable_member()->set_full_name("Bàn Văn Mới");
  u.mutable_update_mask()->add_paths("full_name");
  ASSERT_TRUE(h_->stub().UpdateMember(RegistryHarness::Ctx(admin_).get(), u, &m).ok());
  ASSERT_TRUE(Get(&m).ok());
  EXPECT_EQ(m.full_name(), "Bàn Văn Mới");

  // The roster is cached too, and a lifecycle write refreshes it.
  EXPECT_EQ(RosterOn(*h_, admin_, "cb", "2024-06-01").expected(), 1);
  ASSERT_TRUE(h_->stub().StartExemption(RegistryHarness::Ctx(admin_).get(), Lifecycle("m1", "2024-01-01"), &m).ok());
  EXPECT_EQ(RosterOn(*h_, admin_, "cb", "2024-06-01").expected(), 0);
  ASSERT_TRUE(Get(&m).ok());
  EXPECT_EQ(m.status(), v1::EXEMPTED);
}

TEST_F(RegistryCacheTest, TreeWritesMakeTheNextOrgUnitReadFresh) {
  auto get = [&](const std::string& id, const std::string& as_of = "") {
    v1::GetOrgUnitRequest r;
    r.set_id(id);
    r.set_as_of(as_of);
    v1::OrgUnit out;
    EXPECT_TRUE(h_->stub().GetOrgUnit(RegistryHarness::Ctx(admin_).get(), r, &out).ok()) << id;
    return out;
  };
  EXPECT_EQ(get("cb").name(), "Đơn vị cb");
  const auto before = h_->cache().stats();
  EXPECT_EQ(get("cb").name(), "Đơn vị cb");  // from the cache
  EXPECT_GT(h_->cache().stats().hit_near + h_->cache().stats().hit_redis, before.hit_near + before.hit_redis);
  v1::UpdateOrgUnitRequest u;
  u.mutable_org_unit()->set_id("cb");
  u.mutable_org_unit()->set_name("Chi bộ thôn Nà Pài");
  u.mutable_update_mask()->add_paths("name");
  v1::OrgUnit out;
  ASSERT_TRUE(h_->stub().UpdateOrgUnit(RegistryHarness::Ctx(admin_).get(), u, &out).ok());
  EXPECT_EQ(get("cb").name(), "Chi bộ thôn Nà Pài");
  // A new unit, then a move: the moved unit's parent and ancestors change now,
  // and stay as they were for an earlier date.
  MakeUnit(*h_, admin_, "huyen-2", v1::DIRECT_COMMITTEE, "tinh");
  v1::MoveOrgUnitRequest mv;
  mv.set_id("cb");
  mv.set_new_parent_id("huyen-2");
  mv.set_effective_on(time::TodayText());
  ASSERT_TRUE(h_->stub().MoveOrgUnit(RegistryHarness::Ctx(admin_).get(), mv, &out).ok());
  EXPECT_EQ(get("cb").parent_id(), "huyen-2");
  EXPECT_EQ(get("cb").ancestor_ids(1), "huyen-2");
  EXPECT_NE(get("cb", "2021-01-01").parent_id(), "huyen-2");
}

TEST_F(RegistryCacheTest, RedisKilledDuringAReadLoopFailsNoCall) {
  v1::Member m;
  int failures = 0;
  for (int i = 0; i < 300; ++i) {
    if (i == 100) h_->redis()->Kill();
    if (i == 150) {
      // A write while Redis is down still commits, and is read back.
      v1::UpdateMemberRequest u;
      u.mutable_member()->set_id("m1");
      u.mutable_member()->set_phone("0987654321");
      u.mutable_update_mask()->add_paths("phone");
      if (!h_->stub().UpdateMember(RegistryHarness::Ctx(admin_).get(), u, &m).ok()) ++failures;
    }
    if (i == 200) ASSERT_TRUE(h_->redis()->Restart().ok());
    grpc::Status s = Get(&m);
    if (!s.ok()) {
      ++failures;
      ADD_FAILURE() << "call " << i << ": " << s.error_message();
    }
    if (i > 150) {
      EXPECT_EQ(m.phone(), "0987654321") << "call " << i;
    }
  }
  EXPECT_EQ(failures, 0);
  auto stats = h_->cache().stats();
  EXPECT_GT(stats.bypass, 0) << "reads during the outage went to SQL";
  EXPECT_NE(observability::Metrics::Global().RenderPrometheus().find("bypass"), std::string::npos);

  // Back: the subscription returns, and hits resume.
  ASSERT_TRUE(h_->cache().WaitForNearCache(absl::Seconds(10)));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Get(&m).ok());
  auto before = h_->cache().stats();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Get(&m).ok());
  auto after = h_->cache().stats();
  EXPECT_GE((after.hit_near + after.hit_redis) - (before.hit_near + before.hit_redis), 20);
  EXPECT_EQ(after.bypass, before.bypass);
}

}  // namespace
}  // namespace chibo::registry::testing
