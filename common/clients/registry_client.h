// What the other services ask of the registry, over gRPC with the
// caller's own token, so the registry's scope rules apply to every answer:
//   - the ancestors of a unit (to check scope here), cached briefly;
//   - the units of a subtree on a date, cached briefly;
//   - the roster of a cell on a date (the registry caches it in Redis under
//     the cell's data version, so it is never stale).
#ifndef CHIBO_COMMON_CLIENTS_REGISTRY_CLIENT_H_
#define CHIBO_COMMON_CLIENTS_REGISTRY_CLIENT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/auth/claims.h"
#include "common/cache/cache.h"

namespace chibo::clients {

class RegistryClient {
 public:
  // `cache` holds the short-lived copies (its TTL bounds how long a moved
  // unit may be seen under its old parent here).
  RegistryClient(std::shared_ptr<grpc::Channel> channel, cache::Cache* cache);

  // OK when `unit_id` lies in the subtree of the caller's scope today;
  // PERMISSION_DENIED / NOT_FOUND otherwise.
  absl::Status CheckScope(const auth::Claims& caller, absl::string_view unit_id);

  // The unit itself (as of `date`, or today when empty).
  absl::StatusOr<registry::v1::OrgUnit> GetOrgUnit(const auth::Claims& caller,
                                                   absl::string_view unit_id,
                                                   absl::string_view date = "");

  // `org_id` and every unit below it on `date`. Shared and immutable: a
  // province's subtree is thousands of units, parsed once per cached copy.
  using Units = std::shared_ptr<const std::vector<registry::v1::OrgUnit>>;
  absl::StatusOr<Units> Subtree(const auth::Claims& caller, absl::string_view org_id,
                                absl::string_view date);

  // The unit's ancestors today, root first, ending with the unit (cached
  // like CheckScope's). Writers bump versions along it.
  absl::StatusOr<std::vector<std::string>> Ancestors(const auth::Claims& caller,
                                                     absl::string_view unit_id);

  absl::StatusOr<registry::v1::Member> GetMember(const auth::Claims& caller,
                                                 absl::string_view member_id);

  absl::StatusOr<registry::v1::Roster> GetRoster(const auth::Claims& caller,
                                                 absl::string_view cell_id,
                                                 absl::string_view date);

  absl::StatusOr<registry::v1::RulebookVersion> GetRulebook(const auth::Claims& caller,
                                                            absl::string_view province_id,
                                                            absl::string_view date);

 private:
  std::unique_ptr<registry::v1::RegistryService::Stub> stub_;
  cache::Cache* cache_;
  // The last parsed subtree per key, reused while the cached bytes are the same.
  absl::Mutex mu_;
  std::map<std::string, std::pair<std::string, Units>> parsed_ ABSL_GUARDED_BY(mu_);
};

// Unit kinds that hold cell meetings, and those that hold committee meetings.
bool IsCell(registry::v1::OrgUnitKind kind);
bool IsCommittee(registry::v1::OrgUnitKind kind);

}  // namespace chibo::clients

#endif  // CHIBO_COMMON_CLIENTS_REGISTRY_CLIENT_H_
