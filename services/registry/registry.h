// The membership registry's business logic (sổ đảng viên): a plain class that
// knows nothing of gRPC, so tests build it directly. Every method validates
// its request (INVALID_ARGUMENT naming the fields), checks that the target
// lies inside the caller's scope (PERMISSION_DENIED), and returns the answer.
// Writes go through the journal (one transaction, idempotent on request_id,
// audited) and then invalidate the cache entries they affect.
#ifndef CHIBO_SERVICES_REGISTRY_REGISTRY_H_
#define CHIBO_SERVICES_REGISTRY_REGISTRY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "chibo/registry/v1/registry.pb.h"
#include "common/auth/claims.h"
#include "common/cache/cache.h"
#include "common/db/database.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"

namespace chibo::registry {

// Who may call what: the roles of each group of methods.
inline constexpr auth::RoleSet kReaders = auth::kAllRoles;
inline constexpr auth::RoleSet kTreeWriters = auth::RoleBit(auth::Role::kAdmin);
inline constexpr auth::RoleSet kRollWriters =
    auth::RoleBit(auth::Role::kAdmin) | auth::RoleBit(auth::Role::kSecretary);
inline constexpr auth::RoleSet kAuditReaders = auth::RoleBit(auth::Role::kAdmin);
// Roles that see citizen id and phone unmasked.
inline constexpr auth::RoleSet kPersonalDataReaders = auth::RoleBit(auth::Role::kAdmin) |
                                                     auth::RoleBit(auth::Role::kSecretary) |
                                                     auth::RoleBit(auth::Role::kService);

class Registry {
 public:
  // `cache` must outlive the registry; it may run without Redis.
  Registry(db::Database* db, cache::Cache* cache) : db_(db), cache_(cache) {}

  // Org units (tổ chức đảng).
  absl::Status CreateOrgUnit(const auth::Claims& caller, const v1::CreateOrgUnitRequest& request,
                             v1::OrgUnit* response);
  absl::Status GetOrgUnit(const auth::Claims& caller, const v1::GetOrgUnitRequest& request,
                          v1::OrgUnit* response);
  absl::Status ListOrgUnits(const auth::Claims& caller, const v1::ListOrgUnitsRequest& request,
                            v1::ListOrgUnitsResponse* response);
  absl::Status UpdateOrgUnit(const auth::Claims& caller, const v1::UpdateOrgUnitRequest& request,
                             v1::OrgUnit* response);
  absl::Status CloseOrgUnit(const auth::Claims& caller, const v1::CloseOrgUnitRequest& request,
                            v1::OrgUnit* response);
  absl::Status MoveOrgUnit(const auth::Claims& caller, const v1::MoveOrgUnitRequest& request,
                           v1::OrgUnit* response);

  // Members (đảng viên).
  absl::Status CreateMember(const auth::Claims& caller, const v1::CreateMemberRequest& request,
                            v1::Member* response);
  absl::Status BatchCreateMembers(const auth::Claims& caller, const v1::BatchCreateMembersRequest& request,
                                  v1::BatchCreateMembersResponse* response);
  absl::Status GetMember(const auth::Claims& caller, const v1::GetMemberRequest& request,
                         v1::Member* response);
  // The cached GetMember answered from the in-process near-cache without any
  // I/O, or nullopt when it would have to wait (then call GetMember).
  std::optional<absl::Status> TryGetMemberWithoutIo(const auth::Claims& caller,
                                                     const v1::GetMemberRequest& request,
                                                     v1::Member* response);
  absl::Status ListMembers(const auth::Claims& caller, const v1::ListMembersRequest& request,
                           v1::ListMembersResponse* response);
  absl::Status UpdateMember(const auth::Claims& caller, const v1::UpdateMemberRequest& request,
                            v1::Member* response);
  absl::Status ListMemberEvents(const auth::Claims& caller,
                                const v1::ListMemberEventsRequest& request,
                                v1::ListMemberEventsResponse* response);

  // Lifecycle (biến động): one dated event each.
  absl::Status RecordLifecycle(const auth::Claims& caller, v1::MemberEventKind kind,
                               absl::string_view method, const v1::MemberLifecycleRequest& request,
                               v1::Member* response);
  absl::Status AssignPosition(const auth::Claims& caller, const v1::AssignPositionRequest& request,
                              v1::Member* response);
  absl::Status EndPosition(const auth::Claims& caller, const v1::EndPositionRequest& request,
                           v1::Member* response);

  // Roster (đảng số) of a cell's meeting on a date.
  absl::Status GetRoster(const auth::Claims& caller, const v1::GetRosterRequest& request,
                         v1::Roster* response);
  absl::Status BatchGetRosters(const auth::Claims& caller, const v1::BatchGetRostersRequest& request,
                               v1::BatchGetRostersResponse* response);
  // GetRoster answered from the near-cache without any I/O (scope path,
  // roster version and roster all held), or nullopt (then call GetRoster).
  std::optional<absl::Status> TryGetRosterWithoutIo(const auth::Claims& caller,
                                                    const v1::GetRosterRequest& request,
                                                    v1::Roster* response);

  // Rulebook.
  absl::Status PutRulebook(const auth::Claims& caller, const v1::PutRulebookRequest& request,
                           v1::RulebookVersion* response);
  absl::Status GetRulebook(const auth::Claims& caller, const v1::GetRulebookRequest& request,
                           v1::RulebookVersion* response);
  absl::Status ListRulebookVersions(const auth::Claims& caller,
                                    const v1::ListRulebookVersionsRequest& request,
                                    v1::ListRulebookVersionsResponse* response);

  // tree_snapshot.cc: the whole tree and rulebook of the caller's province,
  // for services keeping a local copy; not_modified when known_version is current.
  absl::Status GetTreeSnapshot(const auth::Claims& caller, const v1::GetTreeSnapshotRequest& request,
                               v1::TreeSnapshot* response);

  // roll_report.cc
  absl::Status GetRollReport(const auth::Claims& caller, const v1::GetRollReportRequest& request,
                             v1::RollReport* response);

  // Audit.
  absl::Status ListAuditEntries(const auth::Claims& caller,
                                const v1::ListAuditEntriesRequest& request,
                                v1::ListAuditEntriesResponse* response);

  // scope.cc: OK when `unit_id` lies in the subtree of the caller's scope
  // today (AccountService checks accounts' scopes with it too).
  absl::Status CheckScope(const auth::Claims& caller, absl::string_view unit_id);

 private:
  // tree_snapshot.cc: the province's units with their parent history and its
  // rulebook versions, as GetTreeSnapshot answers them.
  absl::Status LoadTreeSnapshot(const std::string& province_id, v1::TreeSnapshot* response);
  // scope.cc: the unit's ancestors as of today, root first (cached).
  absl::StatusOr<std::vector<std::string>> AncestorPath(absl::string_view unit_id);
  // True when the near-cache holds the unit's path today and the caller's
  // scope is on it; false when it does not know (the full check decides).
  bool InScopeWithoutIo(const auth::Claims& caller, absl::string_view unit_id);
  void InvalidateAfterWrite(const std::vector<std::string>& keys);

  // members.cc
  absl::StatusOr<v1::Member> LoadMember(db::Session& s, absl::string_view id,
                                        absl::string_view date);
  absl::StatusOr<v1::Member> CachedMember(absl::string_view id);
  void MaskPersonalData(const auth::Claims& caller, v1::Member* member) const;
  absl::Status WriteMember(const auth::Claims& caller, absl::string_view method,
                           const google::protobuf::Message& request, absl::string_view request_id,
                           absl::string_view member_id, v1::Member* response,
                           absl::FunctionRef<absl::Status(db::Session&, const v1::Member& before,
                                                          std::vector<std::string>& touched_cells)>
                               body);

  // tree_snapshot.cc: the tree's version, read from SQL (never cached).
  absl::StatusOr<std::string> TreeVersion();

  // org_units.cc
  absl::StatusOr<v1::OrgUnit> LoadOrgUnit(db::Session& s, absl::string_view id,
                                          absl::string_view as_of);

  // roster.cc
  absl::StatusOr<v1::Roster> ComputeRoster(absl::string_view cell_id, absl::string_view date);
  // The cell's roster data version (bumped by every write about its members).
  absl::StatusOr<int64_t> RosterVersion(absl::string_view cell_id);
  // The roster on `date` at that version, from the cache or computed.
  absl::Status RosterAt(absl::string_view cell_id, int64_t version, absl::string_view date, v1::Roster* out);
  // members.cc: CreateMember's checks of one request (no I/O), and its rows
  // written in a transaction (the cell's data version is the caller's to bump).
  void CheckNewMember(const v1::CreateMemberRequest& request, errors::FieldViolations& v) const;
  absl::Status WriteNewMember(db::Session& s, const auth::Claims& caller, const v1::CreateMemberRequest& request,
                              const std::string& id, v1::Member* response, journal::AuditNote* note);

  db::Database* db_;
  cache::Cache* cache_;
};

// rulebook.cc: the thresholds DOMAIN.md gives (in force before any stored
// version), and a stored version's row (effective_from, rules_json, version).
v1::Rules DefaultRules();
absl::StatusOr<v1::RulebookVersion> RulebookVersionFromRow(absl::string_view province_id,
                                                           const db::Row& row);
// The rules in force in `province_id` on `date`, read inside a write.
absl::StatusOr<v1::Rules> RulesOn(db::Session& s, absl::string_view province_id,
                                  absl::string_view date);
// Refuses an effective date (a move, a close, a member event) later than the
// rulebook's effective_max_days_ahead after today, naming `field`.
absl::Status CheckNotTooFarAhead(db::Session& s, absl::string_view province_id,
                                 absl::string_view field, absl::string_view date);

// Cache keys, in one place so writers invalidate exactly what readers fill.
std::string MemberCacheKey(absl::string_view member_id, absl::string_view date);
std::string PathCacheKey(absl::string_view unit_id, absl::string_view date);
// GetOrgUnit's answers are cached under the tree's version (read from SQL),
// so a tree write needs no invalidation of them.
std::string OrgUnitCacheKey(absl::string_view unit_id, absl::string_view as_of,
                            absl::string_view tree_version);
std::string RosterVersionCacheKey(absl::string_view cell_id);
std::string RosterCacheKey(absl::string_view cell_id, int64_t version, absl::string_view date);
std::string RulebookCacheKey(absl::string_view province_id);

// Keys to invalidate when a member changes (its entry for days around today).
std::vector<std::string> MemberCacheKeys(absl::string_view member_id);
std::vector<std::string> PathCacheKeys(absl::string_view unit_id);

}  // namespace chibo::registry

#endif  // CHIBO_SERVICES_REGISTRY_REGISTRY_H_
