// Request validation of the registry: every RegistryService request type
// into CheckRequestLimits, then into chibo::registry::Registry itself on a
// temp SQLite database holding a small province (request_fuzz.h):
//   tinh → huyen-a → xa-a1 → cb-1 (m1..m4), cb-2 (m5); tinh → huyen-b → cb-b (m6).
#include "absl/time/clock.h"
#include "common/cache/cache.h"
#include "common/concurrency/call_deadline.h"
#include "common/journal/journaled_write.h"
#include "migrations/registry_migrations.h"
#include "chibo/registry/v1/accounts.pb.h"
#include "services/registry/registry.h"
#include "tests/fuzz/fuzz_fixture.h"
#include "tests/fuzz/request_fuzz.h"

namespace chibo::fuzz {
namespace {

namespace v1 = ::chibo::registry::v1;
using auth::Role;

struct RegistryWorld {
  std::unique_ptr<FuzzDatabase> database;
  std::unique_ptr<cache::Cache> cache;
  std::unique_ptr<registry::Registry> registry;
  std::vector<auth::Claims> callers;

  void Rebuild() {
    registry.reset();
    cache.reset();
    cache::CacheOptions options;
    options.name = "registry-fuzz";
    cache = std::make_unique<cache::Cache>(nullptr, options);
    registry = std::make_unique<registry::Registry>(&database->db(), cache.get());
  }
};

void Unit(RegistryWorld& w, const std::string& id, v1::OrgUnitKind kind, const std::string& parent,
          v1::OrgUnitCategory category = v1::OTHER) {
  v1::CreateOrgUnitRequest r;
  r.mutable_org_unit()->set_id(id);
  r.mutable_org_unit()->set_kind(kind);
  r.mutable_org_unit()->set_category(category);
  r.mutable_org_unit()->set_name("Đơn vị " + id);
  r.mutable_org_unit()->set_parent_id(parent);
  r.mutable_org_unit()->set_opened_on("2000-01-01");
  v1::OrgUnit out;
  MustOk(w.registry->CreateOrgUnit(w.callers[0], r, &out), "create " + id);
}

void Member(RegistryWorld& w, const std::string& id, const std::string& cell) {
  v1::CreateMemberRequest r;
  auto* m = r.mutable_member();
  m->set_id(id);
  m->set_card_number("TD-" + id);
  m->set_full_name("Nguyễn Văn " + id);
  m->set_home_cell_id(cell);
  m->set_birth_date("1980-02-03");
  m->set_admitted_on("2015-01-01");
  m->set_official_on("2016-01-01");
  m->set_citizen_id("001203004567");
  m->set_phone("0912345678");
  v1::Member out;
  MustOk(w.registry->CreateMember(w.callers[0], r, &out), "create member " + id);
}

}  // namespace

Service* MakeService() {
  static RegistryWorld w;
  w.database = std::make_unique<FuzzDatabase>(
      "registry", FuzzDatabase::MigrationSet{{"journal", journal::JournalMigrations()},
                                             {"registry", migrations::RegistryMigrations()}});
  w.callers = {Caller(Role::kAdmin, "tinh", "admin"),
               Caller(Role::kSecretary, "cb-1", "secretary-cb-1"),
               Caller(Role::kViewer, "xa-a1", "viewer-xa-a1"),
               Caller(Role::kAdmin, "huyen-b", "admin-huyen-b"),
               Caller(Role::kSupervisor, "huyen-a", "supervisor-huyen-a"),
               Caller(Role::kService, "tinh", "service")};
  w.Rebuild();
  Unit(w, "tinh", v1::PROVINCE, "");
  Unit(w, "huyen-a", v1::DIRECT_COMMITTEE, "tinh");
  Unit(w, "huyen-b", v1::DIRECT_COMMITTEE, "tinh");
  Unit(w, "xa-a1", v1::BASE_COMMITTEE, "huyen-a", v1::COMMUNE_WARD);
  Unit(w, "cb-1", v1::SUBORDINATE_CELL, "xa-a1", v1::RESIDENTIAL);
  Unit(w, "cb-2", v1::SUBORDINATE_CELL, "xa-a1", v1::RESIDENTIAL);
  Unit(w, "cb-b", v1::BASE_CELL, "huyen-b", v1::SCHOOL);
  for (const char* id : {"m1", "m2", "m3", "m4"}) Member(w, id, "cb-1");
  Member(w, "m5", "cb-2");
  Member(w, "m6", "cb-b");
  w.database->Save();

  auto* s = new Service;
  s->descriptor = ServiceNamed("chibo.registry.v1.RegistryService");
  // accounts.pb.cc registers AccountService only if the linker keeps it.
  (void)v1::LoginRequest::descriptor();
  s->limits_only = {ServiceNamed("chibo.registry.v1.AccountService")};
  s->callers = {"admin", "secretary", "viewer", "other-admin", "supervisor", "service"};
  s->words = {"tinh", "huyen-a", "huyen-b", "xa-a1", "cb-1", "cb-2", "cb-b", "nope", "m1", "m2",
              "m3", "m5", "m6", "TD-m1", "TD-m7", "m7", "cb-3", "req-1", "req-2", "Nguyễn",
              "001203004567", "0912345678", "full_name,phone", "parent_id", "1", "2"};
  s->reset = [] {
    w.database->Restore();
    w.Rebuild();
  };
  s->reset_every = 3000;

#define CHIBO_FUZZ_RPC(Method, Request, Response, Roles)                                      \
  s->methods.push_back({#Method, &v1::Request::default_instance(),                            \
                        [](int caller, const google::protobuf::Message& m) -> absl::Status {  \
                          const auth::Claims& c = w.callers[caller];                          \
                          if (!c.HasAnyRole(registry::Roles)) {                               \
                            return absl::PermissionDeniedError("role");                       \
                          }                                                                   \
                          concurrency::ScopedDeadline deadline(absl::Now() + absl::Seconds(20)); \
                          v1::Response out;                                                   \
                          return w.registry->Method(c, static_cast<const v1::Request&>(m), &out); \
                        }});
#define CHIBO_FUZZ_LIFECYCLE(Method, Kind)                                                    \
  s->methods.push_back({#Method, &v1::MemberLifecycleRequest::default_instance(),             \
                        [](int caller, const google::protobuf::Message& m) -> absl::Status {  \
                          const auth::Claims& c = w.callers[caller];                          \
                          if (!c.HasAnyRole(registry::kRollWriters)) {                        \
                            return absl::PermissionDeniedError("role");                       \
                          }                                                                   \
                          concurrency::ScopedDeadline deadline(absl::Now() + absl::Seconds(20)); \
                          v1::Member out;                                                     \
                          return w.registry->RecordLifecycle(                                 \
                              c, v1::Kind, #Method,                                           \
                              static_cast<const v1::MemberLifecycleRequest&>(m), &out);       \
                        }});

  CHIBO_FUZZ_RPC(CreateOrgUnit, CreateOrgUnitRequest, OrgUnit, kTreeWriters)
  CHIBO_FUZZ_RPC(GetOrgUnit, GetOrgUnitRequest, OrgUnit, kReaders)
  CHIBO_FUZZ_RPC(ListOrgUnits, ListOrgUnitsRequest, ListOrgUnitsResponse, kReaders)
  CHIBO_FUZZ_RPC(UpdateOrgUnit, UpdateOrgUnitRequest, OrgUnit, kTreeWriters)
  CHIBO_FUZZ_RPC(CloseOrgUnit, CloseOrgUnitRequest, OrgUnit, kTreeWriters)
  CHIBO_FUZZ_RPC(MoveOrgUnit, MoveOrgUnitRequest, OrgUnit, kTreeWriters)
  CHIBO_FUZZ_RPC(CreateMember, CreateMemberRequest, Member, kRollWriters)
  CHIBO_FUZZ_RPC(BatchCreateMembers, BatchCreateMembersRequest, BatchCreateMembersResponse, kRollWriters)
  CHIBO_FUZZ_RPC(GetMember, GetMemberRequest, Member, kReaders)
  CHIBO_FUZZ_RPC(ListMembers, ListMembersRequest, ListMembersResponse, kReaders)
  CHIBO_FUZZ_RPC(UpdateMember, UpdateMemberRequest, Member, kRollWriters)
  CHIBO_FUZZ_RPC(ListMemberEvents, ListMemberEventsRequest, ListMemberEventsResponse, kReaders)
  CHIBO_FUZZ_RPC(AssignPosition, AssignPositionRequest, Member, kRollWriters)
  CHIBO_FUZZ_RPC(EndPosition, EndPositionRequest, Member, kRollWriters)
  CHIBO_FUZZ_RPC(GetRoster, GetRosterRequest, Roster, kReaders)
  CHIBO_FUZZ_RPC(BatchGetRosters, BatchGetRostersRequest, BatchGetRostersResponse, kReaders)
  CHIBO_FUZZ_RPC(PutRulebook, PutRulebookRequest, RulebookVersion, kTreeWriters)
  CHIBO_FUZZ_RPC(GetRulebook, GetRulebookRequest, RulebookVersion, kReaders)
  CHIBO_FUZZ_RPC(ListRulebookVersions, ListRulebookVersionsRequest, ListRulebookVersionsResponse,
                 kReaders)
  CHIBO_FUZZ_RPC(ListAuditEntries, ListAuditEntriesRequest, ListAuditEntriesResponse,
                 kAuditReaders)
  CHIBO_FUZZ_RPC(GetTreeSnapshot, GetTreeSnapshotRequest, TreeSnapshot, kReaders)
  CHIBO_FUZZ_LIFECYCLE(MakeOfficial, BECAME_OFFICIAL)
  CHIBO_FUZZ_LIFECYCLE(StartTemporaryTransfer, TEMPORARY_TRANSFER_OUT)
  CHIBO_FUZZ_LIFECYCLE(EndTemporaryTransfer, TEMPORARY_TRANSFER_RETURN)
  CHIBO_FUZZ_LIFECYCLE(TransferMember, OFFICIAL_TRANSFER)
  CHIBO_FUZZ_LIFECYCLE(StartExemption, EXEMPTION_STARTED)
  CHIBO_FUZZ_LIFECYCLE(EndExemption, EXEMPTION_ENDED)
  CHIBO_FUZZ_LIFECYCLE(StartSuspension, SUSPENSION_STARTED)
  CHIBO_FUZZ_LIFECYCLE(EndSuspension, SUSPENSION_ENDED)
  CHIBO_FUZZ_LIFECYCLE(RemoveMember, REMOVAL)
  CHIBO_FUZZ_LIFECYCLE(ExpelMember, EXPULSION)
  CHIBO_FUZZ_LIFECYCLE(RecordDeath, DEATH)
#undef CHIBO_FUZZ_RPC
#undef CHIBO_FUZZ_LIFECYCLE
  return s;
}

}  // namespace chibo::fuzz
