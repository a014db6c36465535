#include "common/clients/registry_client.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors/errors.h"
#include "common/rpc/client.h"
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

RegistryClient::RegistryClient(std::shared_ptr<grpc::Channel> channel, cache::Cache* cache)
    : stub_(rv1::RegistryService::NewStub(channel)), cache_(cache) {}

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
  // The path is the same for every caller; who may see it is checked by the
  // registry on the load and by CheckScope on every call.
  const std::string key = absl::StrCat("sch:path:", unit_id, ":", time::TodayText());
  auto path = cache_->GetOrLoad(key, [&]() -> absl::StatusOr<std::optional<std::string>> {
    auto unit = GetOrgUnit(caller, unit_id);
    if (absl::IsNotFound(unit.status())) return std::nullopt;
    if (!unit.ok()) return unit.status();
    return absl::StrJoin(unit->ancestor_ids(), "/");
  });
  if (absl::IsNotFound(path.status())) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", unit_id, "\""));
  }
  if (!path.ok()) return path.status();
  return std::vector<std::string>(absl::StrSplit(*path, '/'));
}

absl::Status RegistryClient::CheckScope(const auth::Claims& caller, absl::string_view unit_id) {
  auto path = Ancestors(caller, unit_id);
  if (!path.ok()) return path.status();
  for (const std::string& id : *path) {
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
  const std::string key = absl::StrCat("sch:subtree:", org_id, ":", date);
  auto bytes = cache_->GetOrLoad(key, [&]() -> absl::StatusOr<std::optional<std::string>> {
    rv1::ListOrgUnitsResponse all;
    auto root = GetOrgUnit(caller, org_id, date);
    if (absl::IsNotFound(root.status())) return std::nullopt;
    if (!root.ok()) return root.status();
    root->clear_parent_history();
    root->clear_ancestor_ids();
    *all.add_org_units() = *root;
    rv1::ListOrgUnitsRequest request;
    request.set_parent_id(std::string(org_id));
    request.set_subtree(true);
    request.set_as_of(std::string(date));
    request.set_page_size(1000);
    do {
      rv1::ListOrgUnitsResponse page;
      grpc::Status s = stub_->ListOrgUnits(Ctx(caller).get(), request, &page);
      if (!s.ok()) return rpc::FromGrpcStatus(s);
      for (auto& unit : *page.mutable_org_units()) *all.add_org_units() = std::move(unit);
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all.SerializeAsString();
  });
  if (absl::IsNotFound(bytes.status())) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", org_id, "\""));
  }
  if (!bytes.ok()) return bytes.status();
  {
    absl::MutexLock lock(&mu_);
    auto it = parsed_.find(key);
    if (it != parsed_.end() && it->second.first == *bytes) return it->second.second;
  }
  rv1::ListOrgUnitsResponse all;
  if (!all.ParseFromString(*bytes)) return absl::InternalError("corrupt cached subtree");
  auto units = std::make_shared<const std::vector<rv1::OrgUnit>>(
      std::make_move_iterator(all.mutable_org_units()->begin()),
      std::make_move_iterator(all.mutable_org_units()->end()));
  absl::MutexLock lock(&mu_);
  if (parsed_.size() > 256) parsed_.clear();  // bounded: one entry per (unit, date) asked
  parsed_[key] = {*std::move(bytes), units};
  return units;
}

absl::StatusOr<rv1::Member> RegistryClient::GetMember(const auth::Claims& caller,
                                                      absl::string_view member_id) {
  rv1::GetMemberRequest request;
  request.set_id(std::string(member_id));
  rv1::Member member;
  grpc::Status s = stub_->GetMember(Ctx(caller).get(), request, &member);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return member;
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
