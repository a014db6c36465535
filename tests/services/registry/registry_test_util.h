// Small helpers shared by the registry's tests: building a tree and members
// through the RPCs, and reading errors back.
#ifndef CHIBO_TESTS_SERVICES_REGISTRY_REGISTRY_TEST_UTIL_H_
#define CHIBO_TESTS_SERVICES_REGISTRY_REGISTRY_TEST_UTIL_H_

#include <string>
#include <vector>

#include "common/errors/errors.h"
#include "common/rpc/status_mapping.h"
#include "gtest/gtest.h"
#include "tests/services/registry/registry_harness.h"

namespace chibo::registry::testing {

inline std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : errors::FieldViolationsOf(rpc::FromGrpcStatus(status))) out.push_back(v.field);
  return out;
}

// Creates a unit through the RPC, asserting success.
inline v1::OrgUnit MakeUnit(RegistryHarness& h, const std::string& token, const std::string& id,
                            v1::OrgUnitKind kind, const std::string& parent,
                            const std::string& opened_on = "2000-01-01",
                            v1::OrgUnitCategory category = v1::OTHER) {
  v1::CreateOrgUnitRequest r;
  r.mutable_org_unit()->set_id(id);
  r.mutable_org_unit()->set_kind(kind);
  r.mutable_org_unit()->set_category(category);
  r.mutable_org_unit()->set_name("Đơn vị " + id);
  r.mutable_org_unit()->set_parent_id(parent);
  r.mutable_org_unit()->set_opened_on(opened_on);
  v1::OrgUnit out;
  grpc::Status s = h.stub().CreateOrgUnit(RegistryHarness::Ctx(token).get(), r, &out);
  EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
  return out;
}

inline v1::Member MakeMember(RegistryHarness& h, const std::string& token, const std::string& id,
                             const std::string& cell, const std::string& admitted_on,
                             const std::string& official_on) {
  v1::CreateMemberRequest r;
  auto* m = r.mutable_member();
  m->set_id(id);
  m->set_card_number("TD-" + id);
  m->set_full_name("Nguyễn Văn " + id);
  m->set_home_cell_id(cell);
  m->set_admitted_on(admitted_on);
  m->set_official_on(official_on);
  m->set_citizen_id("001203004567");
  m->set_phone("0912345678");
  v1::Member out;
  grpc::Status s = h.stub().CreateMember(RegistryHarness::Ctx(token).get(), r, &out);
  EXPECT_TRUE(s.ok()) << id << ": " << s.error_message();
  return out;
}

inline v1::Roster RosterOn(RegistryHarness& h, const std::string& token, const std::string& cell,
                           const std::string& date) {
  v1::GetRosterRequest r;
  r.set_cell_id(cell);
  r.set_date(date);
  v1::Roster out;
  grpc::Status s = h.stub().GetRoster(RegistryHarness::Ctx(token).get(), r, &out);
  EXPECT_TRUE(s.ok()) << cell << "@" << date << ": " << s.error_message();
  return out;
}

inline v1::MemberLifecycleRequest Lifecycle(const std::string& member, const std::string& on,
                                            const std::string& to_cell = "") {
  v1::MemberLifecycleRequest r;
  r.set_member_id(member);
  r.set_effective_on(on);
  r.set_to_cell_id(to_cell);
  return r;
}

}  // namespace chibo::registry::testing

#endif  // CHIBO_TESTS_SERVICES_REGISTRY_REGISTRY_TEST_UTIL_H_
