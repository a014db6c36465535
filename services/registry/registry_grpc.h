// The registry's gRPC adapter: registers each RPC, names the roles that may
// call it, and hands the work to the plain Registry through the CallRunner
// (auth, pool, status mapping, metrics, logs). No logic lives here.
#ifndef CHIBO_SERVICES_REGISTRY_REGISTRY_GRPC_H_
#define CHIBO_SERVICES_REGISTRY_REGISTRY_GRPC_H_

#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/rpc/unary_call.h"
#include "services/registry/registry.h"

namespace chibo::registry {

class RegistryGrpcService final : public v1::RegistryService::CallbackService {
 public:
  RegistryGrpcService(Registry* registry, rpc::CallRunner* runner)
      : registry_(registry), runner_(runner) {}

#define CHIBO_REGISTRY_RPC(Method, Request, Response)                                      \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Request* req, \
                                   v1::Response* resp) override;
  CHIBO_REGISTRY_RPC(CreateOrgUnit, CreateOrgUnitRequest, OrgUnit)
  CHIBO_REGISTRY_RPC(GetOrgUnit, GetOrgUnitRequest, OrgUnit)
  CHIBO_REGISTRY_RPC(ListOrgUnits, ListOrgUnitsRequest, ListOrgUnitsResponse)
  CHIBO_REGISTRY_RPC(UpdateOrgUnit, UpdateOrgUnitRequest, OrgUnit)
  CHIBO_REGISTRY_RPC(CloseOrgUnit, CloseOrgUnitRequest, OrgUnit)
  CHIBO_REGISTRY_RPC(MoveOrgUnit, MoveOrgUnitRequest, OrgUnit)
  CHIBO_REGISTRY_RPC(CreateMember, CreateMemberRequest, Member)
  CHIBO_REGISTRY_RPC(BatchCreateMembers, BatchCreateMembersRequest, BatchCreateMembersResponse)
  CHIBO_REGISTRY_RPC(GetMember, GetMemberRequest, Member)
  CHIBO_REGISTRY_RPC(ListMembers, ListMembersRequest, ListMembersResponse)
  CHIBO_REGISTRY_RPC(UpdateMember, UpdateMemberRequest, Member)
  CHIBO_REGISTRY_RPC(ListMemberEvents, ListMemberEventsRequest, ListMemberEventsResponse)
  CHIBO_REGISTRY_RPC(MakeOfficial, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(StartTemporaryTransfer, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(EndTemporaryTransfer, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(TransferMember, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(StartExemption, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(EndExemption, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(StartSuspension, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(EndSuspension, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(RemoveMember, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(ExpelMember, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(RecordDeath, MemberLifecycleRequest, Member)
  CHIBO_REGISTRY_RPC(AssignPosition, AssignPositionRequest, Member)
  CHIBO_REGISTRY_RPC(EndPosition, EndPositionRequest, Member)
  CHIBO_REGISTRY_RPC(GetRoster, GetRosterRequest, Roster)
  CHIBO_REGISTRY_RPC(BatchGetRosters, BatchGetRostersRequest, BatchGetRostersResponse)
  CHIBO_REGISTRY_RPC(PutRulebook, PutRulebookRequest, RulebookVersion)
  CHIBO_REGISTRY_RPC(GetRulebook, GetRulebookRequest, RulebookVersion)
  CHIBO_REGISTRY_RPC(ListRulebookVersions, ListRulebookVersionsRequest, ListRulebookVersionsResponse)
  CHIBO_REGISTRY_RPC(ListAuditEntries, ListAuditEntriesRequest, ListAuditEntriesResponse)
  CHIBO_REGISTRY_RPC(GetRollReport, GetRollReportRequest, RollReport)
  CHIBO_REGISTRY_RPC(GetTreeSnapshot, GetTreeSnapshotRequest, TreeSnapshot)
#undef CHIBO_REGISTRY_RPC

 private:
  Registry* registry_;
  rpc::CallRunner* runner_;
};

}  // namespace chibo::registry

#endif  // CHIBO_SERVICES_REGISTRY_REGISTRY_GRPC_H_
