#include "common/clients/registry_client.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors/errors.h"
#include "common/rpc/client.h"
#include "common/rpc/pending_call.h"
#include "common/rpc/status_mapping.h"
#include "common/time/dates.h"

namespace chibo::clients {
namespace {

namespace rv1 = ::chibo::registry::v1;
constexpr absl::Duration kCallTimeout = absl::Seconds(10);

std::unique_ptr<grpc::ClientContext> Ctx(const auth::Claims& caller) {
  return rpc::MakeCallerContext(caller, kCallTimeout);
}

}  // namespace

bool IsCell(rv1::OrgUnitKind kind) {
  return kind == rv1::BASE_CELL || kind == rv1::SUBORDINATE_CELL;
}
bool IsCommittee(rv1::OrgUnitKind kind) {
  return kind == rv1::BASE_COMMITTEE || kind == rv1::DIRECT_COMMITTEE || kind == rv1::PROVINCE;
}

RegistryClient::RegistryClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(rv1::RegistryService::NewStub(channel)) {}

namespace {
// Tree versions are decimal counters.
bool NewerVersion(const std::string& a, const std::string& b) {
  return a.size() != b.size() ? a.size() > b.size() : a > b;
}
}  // namespace

absl::StatusOr<RegistryClient::TreePtr> RegistryClient::Tree(const auth::Claims& caller) {
  return TreeWith(caller, nullptr);
}

absl::StatusOr<RegistryClient::TreePtr> RegistryClient::Tree(
    const auth::Claims& caller, absl::FunctionRef<void(const TreePtr& held)> meanwhile) {
  return TreeWith(caller, &meanwhile);
}

RegistryClient::TreePtr RegistryClient::HeldCopy(const auth::Claims& caller) {
  // The copy holding the caller's scope; else any copy (a scope no copy
  // knows is either newer than them all, which the version check tells, or
  // no unit at all — which must not cost a full fetch on every call).
  absl::MutexLock lock(&mu_);
  for (const auto& [province, tree] : trees_) {
    if (tree->Find(caller.scope_org_id) != OrgTree::kNone) return tree;
  }
  return trees_.empty() ? nullptr : trees_.begin()->second;
}

absl::StatusOr<RegistryClient::TreePtr> RegistryClient::TreeAtLeast(const auth::Claims& caller,
                                                                    absl::string_view version) {
  if (TreePtr held = HeldCopy(caller);
      held && !version.empty() && !NewerVersion(std::string(version), held->version())) {
    return held;
  }
  return Tree(caller);
}

absl::StatusOr<RegistryClient::TreePtr> RegistryClient::TreeWith(
    const auth::Claims& caller, absl::FunctionRef<void(const TreePtr& held)>* meanwhile) {
  auto held_copy = [&] { return HeldCopy(caller); };
  TreePtr held = held_copy();
  rv1::GetTreeSnapshotRequest request;
  rv1::TreeSnapshot snapshot;
  if (held) {
    // The check every use makes: one row read in the registry (in flight
    // while `meanwhile` works on the copy in hand).
    request.set_known_version(held->version());
    request.set_version_only(true);
    if (meanwhile) {
      rpc::PendingCall<rv1::TreeSnapshot> check(Ctx(caller), [&](auto* ctx, auto* cq) {
        return stub_->AsyncGetTreeSnapshot(ctx, request, cq);
      });
      (*meanwhile)(held);
      if (const grpc::Status& s = check.Wait(); !s.ok()) return rpc::FromGrpcStatus(s);
      snapshot = std::move(check.response());
    } else if (grpc::Status s = stub_->GetTreeSnapshot(Ctx(caller).get(), request, &snapshot); !s.ok()) {
      return rpc::FromGrpcStatus(s);
    }
    if (snapshot.not_modified()) return held;
  } else if (meanwhile) {
    (*meanwhile)(nullptr);
  }
  // The tree moved (or there is no copy yet): one full fetch at a time; a
  // caller that waited takes the copy fetched meanwhile if it is as new as
  // the version it saw.
  absl::MutexLock fetching(&fetch_mu_);
  if (TreePtr now = held_copy(); now && held && !snapshot.version().empty() &&
                                 !NewerVersion(snapshot.version(), now->version())) {
    return now;
  }
  request.set_version_only(false);
  request.clear_known_version();
  snapshot.Clear();
  grpc::Status s = stub_->GetTreeSnapshot(Ctx(caller).get(), request, &snapshot);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  auto fresh = std::make_shared<const OrgTree>(std::move(snapshot));
  absl::MutexLock lock(&mu_);
  TreePtr& slot = trees_[fresh->province_id()];
  if (!slot || NewerVersion(fresh->version(), slot->version())) slot = fresh;
  return fresh;
}

absl::StatusOr<rv1::OrgUnit> RegistryClient::GetOrgUnit(const auth::Claims& caller,
                                                        absl::string_view unit_id,
                                                        absl::string_view date) {
  rv1::GetOrgUnitRequest request;
  request.set_id(std::string(unit_id));
  request.set_as_of(std::string(date));
  rv1::OrgUnit unit;
  grpc::Status s = stub_->GetOrgUnit(Ctx(caller).get(), request, &unit);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return unit;
}

absl::StatusOr<std::vector<std::string>> RegistryClient::Ancestors(const auth::Claims& caller,
                                                                   absl::string_view unit_id) {
  auto tree = Tree(caller);
  if (!tree.ok()) return tree.status();
  std::vector<std::string> path = (*tree)->PathOn(unit_id, OrgTree::DayOf(time::Today()));
  if (path.empty()) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", unit_id, "\""));
  }
  return path;
}

absl::Status RegistryClient::CheckScope(const auth::Claims& caller, absl::string_view unit_id) {
  auto tree = Tree(caller);
  if (!tree.ok()) return tree.status();
  return CheckScopeIn(**tree, caller, unit_id);
}

absl::Status RegistryClient::CheckScopeIn(const OrgTree& tree, const auth::Claims& caller,
                                          absl::string_view unit_id) {
  const std::vector<std::string> path = tree.PathOn(unit_id, OrgTree::DayOf(time::Today()));
  if (path.empty()) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", unit_id, "\""));
  }
  for (const std::string& id : path) {
    if (id == caller.scope_org_id) return absl::OkStatus();
  }
  return errors::WithErrorInfo(
      absl::PermissionDeniedError(absl::StrCat("ngoài phạm vi / outside the caller's scope: \"",
                                               unit_id, "\" is not under \"",
                                               caller.scope_org_id, "\"")),
      "OUT_OF_SCOPE", {{"org_unit_id", std::string(unit_id)}, {"scope", caller.scope_org_id}});
}

absl::StatusOr<RegistryClient::Units> RegistryClient::Subtree(const auth::Claims& caller,
                                                              absl::string_view org_id,
                                                              absl::string_view date) {
  auto tree = Tree(caller);
  if (!tree.ok()) return tree.status();
  const OrgTree& t = **tree;
  const int root = t.Find(org_id);
  auto day = OrgTree::ParseDay(date);
  if (root == OrgTree::kNone || !day) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", org_id, "\""));
  }
  auto units = std::make_shared<std::vector<rv1::OrgUnit>>();
  for (int u : t.SubtreeOn(root, *day)) {
    rv1::OrgUnit copy = t.unit(u);
    copy.clear_parent_history();
    const int parent = t.ParentOn(u, *day);
    copy.set_parent_id(parent == OrgTree::kNone ? "" : t.unit(parent).id());
    units->push_back(std::move(copy));
  }
  return Units(std::move(units));
}

absl::StatusOr<rv1::Member> RegistryClient::GetMember(const auth::Claims& caller,
                                                      absl::string_view member_id,
                                                      absl::string_view date) {
  rv1::GetMemberRequest request;
  request.set_id(std::string(member_id));
  request.set_as_of(std::string(date));
  rv1::Member member;
  grpc::Status s = stub_->GetMember(Ctx(caller).get(), request, &member);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return member;
}

absl::StatusOr<std::vector<rv1::Member>> RegistryClient::MembersOf(const auth::Claims& caller,
                                                                  absl::string_view cell_id,
                                                                  absl::string_view date) {
  rv1::ListMembersRequest request;
  request.set_org_unit_id(std::string(cell_id));
  request.set_as_of(std::string(date));
  request.set_page_size(1000);
  std::vector<rv1::Member> out;
  do {
    rv1::ListMembersResponse page;
    grpc::Status s = stub_->ListMembers(Ctx(caller).get(), request, &page);
    if (!s.ok()) return rpc::FromGrpcStatus(s);
    for (rv1::Member& m : *page.mutable_members()) out.push_back(std::move(m));
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return out;
}

absl::StatusOr<rv1::Roster> RegistryClient::GetRoster(const auth::Claims& caller,
                                                      absl::string_view cell_id,
                                                      absl::string_view date) {
  rv1::GetRosterRequest request;
  request.set_cell_id(std::string(cell_id));
  request.set_date(std::string(date));
  rv1::Roster roster;
  grpc::Status s = stub_->GetRoster(Ctx(caller).get(), request, &roster);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return roster;
}

absl::StatusOr<std::vector<rv1::Roster>> RegistryClient::BatchGetRosters(const auth::Claims& caller,
                                                                         absl::string_view cell_id,
                                                                         const std::vector<std::string>& dates) {
  rv1::BatchGetRostersRequest request;
  request.set_cell_id(std::string(cell_id));
  for (const std::string& d : dates) request.add_dates(d);
  rv1::BatchGetRostersResponse response;
  grpc::Status s = stub_->BatchGetRosters(Ctx(caller).get(), request, &response);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  if (response.rosters_size() != static_cast<int>(dates.size())) {
    return absl::InternalError("registry answered a different number of rosters");
  }
  return std::vector<rv1::Roster>(response.rosters().begin(), response.rosters().end());
}

absl::StatusOr<rv1::RulebookVersion> RegistryClient::GetRulebook(const auth::Claims& caller,
                                                                 absl::string_view province_id,
                                                                 absl::string_view date) {
  rv1::GetRulebookRequest request;
  request.set_province_id(std::string(province_id));
  request.set_on_date(std::string(date));
  rv1::RulebookVersion version;
  grpc::Status s = stub_->GetRulebook(Ctx(caller).get(), request, &version);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return version;
}

}  // namespace chibo::clients
