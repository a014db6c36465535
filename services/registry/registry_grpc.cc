#include "services/registry/registry_grpc.h"

namespace chibo::registry {

// One line per RPC: its roles and the Registry method doing the work.
#define CHIBO_RPC(Method, Request, Response, Roles)                                            \
  grpc::ServerUnaryReactor* RegistryGrpcService::Method(                                       \
      grpc::CallbackServerContext* ctx, const v1::Request* req, v1::Response* resp) {          \
    return runner_->Unary(ctx, #Method, Roles, req, resp,                                      \
                          [this](const auth::Claims& c, const v1::Request& r, v1::Response* o) { \
                            return registry_->Method(c, r, o);                                 \
                          });                                                                  \
  }

// The hot reads: answered on gRPC's thread when the near-cache holds all
// they need (registry_->TryMethod, no I/O), else on the pool.
#define CHIBO_NEAR_CACHED_RPC(Method, TryMethod, Request, Response, Roles)                      \
  grpc::ServerUnaryReactor* RegistryGrpcService::Method(                                       \
      grpc::CallbackServerContext* ctx, const v1::Request* req, v1::Response* resp) {          \
    return runner_->Unary(                                                                     \
        ctx, #Method, Roles, req, resp,                                                        \
        [this](const auth::Claims& c, const v1::Request& r, v1::Response* o) {                 \
          return registry_->Method(c, r, o);                                                   \
        },                                                                                     \
        [this](const auth::Claims& c, const v1::Request& r, v1::Response* o) {                 \
          return registry_->TryMethod(c, r, o);                                                \
        });                                                                                    \
  }

#define CHIBO_LIFECYCLE_RPC(Method, Kind)                                                       \
  grpc::ServerUnaryReactor* RegistryGrpcService::Method(grpc::CallbackServerContext* ctx,      \
                                                        const v1::MemberLifecycleRequest* req, \
                                                        v1::Member* resp) {                    \
    return runner_->Unary(                                                                     \
        ctx, #Method, kRollWriters, req, resp,                                                 \
        [this](const auth::Claims& c, const v1::MemberLifecycleRequest& r, v1::Member* o) {    \
          return registry_->RecordLifecycle(c, v1::Kind, #Method, r, o);                       \
        });                                                                                    \
  }

CHIBO_RPC(CreateOrgUnit, CreateOrgUnitRequest, OrgUnit, kTreeWriters)
CHIBO_RPC(GetOrgUnit, GetOrgUnitRequest, OrgUnit, kReaders)
CHIBO_RPC(ListOrgUnits, ListOrgUnitsRequest, ListOrgUnitsResponse, kReaders)
CHIBO_RPC(UpdateOrgUnit, UpdateOrgUnitRequest, OrgUnit, kTreeWriters)
CHIBO_RPC(CloseOrgUnit, CloseOrgUnitRequest, OrgUnit, kTreeWriters)
CHIBO_RPC(MoveOrgUnit, MoveOrgUnitRequest, OrgUnit, kTreeWriters)
CHIBO_RPC(CreateMember, CreateMemberRequest, Member, kRollWriters)
CHIBO_RPC(BatchCreateMembers, BatchCreateMembersRequest, BatchCreateMembersResponse, kRollWriters)
CHIBO_RPC(ListMembers, ListMembersRequest, ListMembersResponse, kReaders)
CHIBO_RPC(UpdateMember, UpdateMemberRequest, Member, kRollWriters)
CHIBO_RPC(ListMemberEvents, ListMemberEventsRequest, ListMemberEventsResponse, kReaders)
CHIBO_RPC(AssignPosition, AssignPositionRequest, Member, kRollWriters)
CHIBO_RPC(EndPosition, EndPositionRequest, Member, kRollWriters)
CHIBO_NEAR_CACHED_RPC(GetMember, TryGetMemberWithoutIo, GetMemberRequest, Member, kReaders)
CHIBO_NEAR_CACHED_RPC(GetRoster, TryGetRosterWithoutIo, GetRosterRequest, Roster, kReaders)
CHIBO_RPC(BatchGetRosters, BatchGetRostersRequest, BatchGetRostersResponse, kReaders)
CHIBO_RPC(PutRulebook, PutRulebookRequest, RulebookVersion, kTreeWriters)
CHIBO_RPC(GetRulebook, GetRulebookRequest, RulebookVersion, kReaders)
CHIBO_RPC(ListRulebookVersions, ListRulebookVersionsRequest, ListRulebookVersionsResponse, kReaders)
CHIBO_RPC(ListAuditEntries, ListAuditEntriesRequest, ListAuditEntriesResponse, kAuditReaders)
CHIBO_RPC(GetRollReport, GetRollReportRequest, RollReport, kReaders)
CHIBO_RPC(GetTreeSnapshot, GetTreeSnapshotRequest, TreeSnapshot, kReaders)

CHIBO_LIFECYCLE_RPC(MakeOfficial, BECAME_OFFICIAL)
CHIBO_LIFECYCLE_RPC(StartTemporaryTransfer, TEMPORARY_TRANSFER_OUT)
CHIBO_LIFECYCLE_RPC(EndTemporaryTransfer, TEMPORARY_TRANSFER_RETURN)
CHIBO_LIFECYCLE_RPC(TransferMember, OFFICIAL_TRANSFER)
CHIBO_LIFECYCLE_RPC(StartExemption, EXEMPTION_STARTED)
CHIBO_LIFECYCLE_RPC(EndExemption, EXEMPTION_ENDED)
CHIBO_LIFECYCLE_RPC(StartSuspension, SUSPENSION_STARTED)
CHIBO_LIFECYCLE_RPC(EndSuspension, SUSPENSION_ENDED)
CHIBO_LIFECYCLE_RPC(RemoveMember, REMOVAL)
CHIBO_LIFECYCLE_RPC(ExpelMember, EXPULSION)
CHIBO_LIFECYCLE_RPC(RecordDeath, DEATH)

#undef CHIBO_RPC
#undef CHIBO_NEAR_CACHED_RPC
#undef CHIBO_LIFECYCLE_RPC

}  // namespace chibo::registry
