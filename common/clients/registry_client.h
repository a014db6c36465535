// What the other services ask of the registry, over gRPC with the
// caller's own token, so the registry's scope rules apply to every answer:
//   - the province's effective-dated tree and rulebook (Tree): a local copy,
//     checked against the registry's tree version on every use and refetched
//     when it moved — never a timer — so scope checks, subtrees and reports
//     see a tree write as soon as it is acknowledged;
//   - the roster of a cell on a date (the registry caches it in Redis under
//     the cell's data version, so it is never stale).
#ifndef CHIBO_COMMON_CLIENTS_REGISTRY_CLIENT_H_
#define CHIBO_COMMON_CLIENTS_REGISTRY_CLIENT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/auth/claims.h"
#include "common/clients/org_tree.h"

namespace chibo::clients {

class RegistryClient {
 public:
  explicit RegistryClient(std::shared_ptr<grpc::Channel> channel);

  // The current tree of the caller's province: one small call that answers
  // "not modified" while the local copy is current, the whole snapshot when
  // the tree or the rulebook changed since.
  using TreePtr = std::shared_ptr<const OrgTree>;
  absl::StatusOr<TreePtr> Tree(const auth::Claims& caller);
  // The same, running `meanwhile(held)` while the version is checked: `held`
  // is the copy in hand (nullptr when there is none yet), and it is current
  // exactly when the tree returned is that same copy. A cached read keyed by
  // the tree's version starts on `held` instead of waiting for the check, and
  // keeps what it found only if the check confirmed `held`.
  absl::StatusOr<TreePtr> Tree(const auth::Claims& caller,
                               absl::FunctionRef<void(const TreePtr& held)> meanwhile);
  // The copy in hand when it is at least `version` — a version another
  // service confirmed current with the registry while answering this same
  // request (e.g. scheduling's meeting summary) — with no call; otherwise
  // (older, or `version` empty) the same as Tree(caller).
  absl::StatusOr<TreePtr> TreeAtLeast(const auth::Claims& caller, absl::string_view version);
  // The copy in hand, unconfirmed (nullptr when there is none): only for an
  // answer whose caller checks its version with the registry itself.
  TreePtr Held(const auth::Claims& caller) { return HeldCopy(caller); }

  // OK when `unit_id` lies in the subtree of the caller's scope today;
  // PERMISSION_DENIED / NOT_FOUND otherwise.
  absl::Status CheckScope(const auth::Claims& caller, absl::string_view unit_id);
  // The same against a tree already in hand (one Tree() call per request).
  static absl::Status CheckScopeIn(const OrgTree& tree, const auth::Claims& caller,
                                   absl::string_view unit_id);

  // The unit itself (as of `date`, or today when empty).
  absl::StatusOr<registry::v1::OrgUnit> GetOrgUnit(const auth::Claims& caller,
                                                   absl::string_view unit_id,
                                                   absl::string_view date = "");

  // `org_id` and every unit below it on `date` (from Tree), parent_id as of
  // `date`. Shared and immutable.
  using Units = std::shared_ptr<const std::vector<registry::v1::OrgUnit>>;
  absl::StatusOr<Units> Subtree(const auth::Claims& caller, absl::string_view org_id,
                                absl::string_view date);

  // The unit's ancestors today, root first, ending with the unit (from Tree).
  absl::StatusOr<std::vector<std::string>> Ancestors(const auth::Claims& caller,
                                                     absl::string_view unit_id);

  // The member as of `date` (today when empty).
  absl::StatusOr<registry::v1::Member> GetMember(const auth::Claims& caller,
                                                 absl::string_view member_id,
                                                 absl::string_view date = "");

  // Every member of a cell's roll on `date` (all pages), positions included.
  absl::StatusOr<std::vector<registry::v1::Member>> MembersOf(const auth::Claims& caller,
                                                              absl::string_view cell_id,
                                                              absl::string_view date);

  absl::StatusOr<registry::v1::Roster> GetRoster(const auth::Claims& caller,
                                                 absl::string_view cell_id,
                                                 absl::string_view date);
  // The cell's rosters on each of `dates` (≤ 100), in their order, in one call.
  absl::StatusOr<std::vector<registry::v1::Roster>> BatchGetRosters(const auth::Claims& caller,
                                                                    absl::string_view cell_id,
                                                                    const std::vector<std::string>& dates);

  absl::StatusOr<registry::v1::RulebookVersion> GetRulebook(const auth::Claims& caller,
                                                            absl::string_view province_id,
                                                            absl::string_view date);

 private:
  TreePtr HeldCopy(const auth::Claims& caller);
  // Tree(), with `meanwhile` run while the check is in flight when given
  // (else the check is a plain blocking call).
  absl::StatusOr<TreePtr> TreeWith(const auth::Claims& caller,
                                   absl::FunctionRef<void(const TreePtr& held)>* meanwhile);

  std::unique_ptr<registry::v1::RegistryService::Stub> stub_;
  absl::Mutex mu_;
  // The copy per province (one, in a usual deployment).
  std::map<std::string, TreePtr> trees_ ABSL_GUARDED_BY(mu_);
  // One full snapshot fetch at a time; the others wait and reuse it.
  absl::Mutex fetch_mu_ ABSL_ACQUIRED_BEFORE(mu_);
};

// Unit kinds that hold cell meetings, and those that hold committee meetings.
bool IsCell(registry::v1::OrgUnitKind kind);
bool IsCommittee(registry::v1::OrgUnitKind kind);

}  // namespace chibo::clients

#endif  // CHIBO_COMMON_CLIENTS_REGISTRY_CLIENT_H_
