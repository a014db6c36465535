// The whole effective-dated tree and rulebook of a province, for services
// that keep a local copy (common/clients/org_tree.h), and the version that
// says whether their copy is current. See docs/reports.md.
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/errors/errors.h"
#include "common/resource/resource.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {

absl::StatusOr<std::string> Registry::TreeVersion() {
  auto row = db_->QueryOptionalRow(sql::kSelectTreeVersion);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::InternalError("tree_versions has no row");
  return (*row)->Text(0);
}

absl::Status Registry::GetTreeSnapshot(const auth::Claims& caller,
                                       const v1::GetTreeSnapshotRequest& request,
                                       v1::TreeSnapshot* response) {
  if (request.known_version().size() > 32) {
    return errors::InvalidArgument("known_version", "tối đa 32 ký tự / at most 32 characters");
  }
  // The version first, then the rows: rows read later can only be newer, so
  // a copy labelled with this version is never older than it claims. The
  // check that is asked on every use of a copy costs this one row.
  auto version = TreeVersion();
  if (!version.ok()) return version.status();
  response->set_version(*version);
  if (request.known_version() == *version) {
    response->set_not_modified(true);
    return absl::OkStatus();
  }
  if (request.version_only()) return absl::OkStatus();
  // Any caller inside a province may read its tree (units are no personal
  // data; GetRulebook is open to them the same way).
  auto path = AncestorPath(caller.scope_org_id);
  if (!path.ok()) return path.status();
  return LoadTreeSnapshot(path->front(), response);
}

absl::Status Registry::LoadTreeSnapshot(const std::string& province_id, v1::TreeSnapshot* response) {
  response->set_province_id(province_id);
  auto units = db_->Query(sql::kSelectProvinceUnits, {province_id});
  if (!units.ok()) return units.status();
  auto parents = db_->Query(sql::kSelectProvinceParents, {province_id});
  if (!parents.ok()) return parents.status();
  // Parent periods by unit (in valid_from order), matched by id, whatever
  // the database's collation.
  absl::flat_hash_map<std::string, std::vector<const db::Row*>> parents_of;
  for (const db::Row& pr : parents->rows) parents_of[pr.Text(0)].push_back(&pr);
  response->mutable_units()->Reserve(static_cast<int>(units->rows.size()));
  for (const db::Row& r : units->rows) {
    v1::OrgUnit* u = response->add_units();
    u->set_id(r.Text(0));
    u->set_kind(static_cast<v1::OrgUnitKind>(r.Int(1)));
    u->set_category(static_cast<v1::OrgUnitCategory>(r.Int(2)));
    u->set_name(r.Text(3));
    u->set_code(r.Text(4));
    u->set_remote(r.Bool(5));
    u->set_opened_on(r.Text(6));
    u->set_closed_on(r.Text(7));
    u->set_close_reason(r.Text(8));
    u->set_etag(resource::EtagOf(r.Int(9)));
    auto it = parents_of.find(u->id());
    if (it == parents_of.end()) continue;
    for (const db::Row* row : it->second) {
      const db::Row& pr = *row;
      v1::ParentPeriod* period = u->add_parent_history();
      period->set_parent_id(pr.Text(1));
      period->set_valid_from(pr.Text(2));
      period->set_valid_to(pr.Text(3));
      if (pr.Text(3).empty()) u->set_parent_id(pr.Text(1));
    }
  }
  auto rules = db_->Query(sql::kSelectRulebookVersions, {province_id});
  if (!rules.ok()) return rules.status();
  for (const db::Row& r : rules->rows) {
    auto version = RulebookVersionFromRow(province_id, r);
    if (!version.ok()) return version.status();
    *response->add_rulebooks() = *std::move(version);
  }
  *response->mutable_default_rules() = DefaultRules();
  return absl::OkStatus();
}

}  // namespace chibo::registry
