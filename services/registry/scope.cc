// Scope: a caller acts on the subtree of the unit its token names. Whether a
// unit lies inside is read from the unit's ancestor path as of today, kept in
// the cache and dropped when a move or a creation could change it.
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {

std::string MemberCacheKey(absl::string_view member_id, absl::string_view date) {
  return absl::StrCat("reg:member:", member_id, ":", date);
}
std::string PathCacheKey(absl::string_view unit_id, absl::string_view date) {
  return absl::StrCat("reg:path:", unit_id, ":", date);
}
std::string OrgUnitCacheKey(absl::string_view unit_id, absl::string_view as_of,
                            absl::string_view tree_version) {
  return absl::StrCat("reg:unit:", unit_id, ":", as_of, ":", tree_version);
}
std::string RosterVersionCacheKey(absl::string_view cell_id) {
  return absl::StrCat("reg:rosterv:", cell_id);
}
std::string RosterCacheKey(absl::string_view cell_id, int64_t version, absl::string_view date) {
  return absl::StrCat("reg:roster:", cell_id, ":", version, ":", date);
}
std::string RulebookCacheKey(absl::string_view province_id) {
  return absl::StrCat("reg:rules:", province_id);
}

// Entries about "today" are per day (a dated event takes effect at midnight);
// a write drops yesterday's, today's and tomorrow's so a call racing
// midnight cannot keep an old answer.
template <typename KeyFn>
static std::vector<std::string> KeysAroundToday(absl::string_view id, KeyFn key) {
  absl::CivilDay today = time::Today();
  return {key(id, time::FormatDate(today - 1)), key(id, time::FormatDate(today)),
          key(id, time::FormatDate(today + 1))};
}

std::vector<std::string> MemberCacheKeys(absl::string_view member_id) {
  return KeysAroundToday(member_id, MemberCacheKey);
}

std::vector<std::string> PathCacheKeys(absl::string_view unit_id) {
  return KeysAroundToday(unit_id, PathCacheKey);
}

absl::StatusOr<std::vector<std::string>> Registry::AncestorPath(absl::string_view unit_id) {
  const std::string today = time::TodayText();
  auto path = cache_->GetOrLoad(
      PathCacheKey(unit_id, today), [&]() -> absl::StatusOr<std::optional<std::string>> {
        auto rows = db_->Query(sql::kSelectAncestorsOn, {unit_id, today});
        if (!rows.ok()) return rows.status();
        auto exists = db_->Query(sql::kSelectOrgUnit, {unit_id});
        if (!exists.ok()) return exists.status();
        if (exists->rows.empty()) return std::nullopt;
        std::vector<std::string> ids;
        for (const auto& row : rows->rows) ids.push_back(row.Text(0));
        std::reverse(ids.begin(), ids.end());
        return absl::StrJoin(ids, "/");
      });
  if (absl::IsNotFound(path.status())) {
    return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", unit_id, "\""));
  }
  if (!path.ok()) return path.status();
  return std::vector<std::string>(absl::StrSplit(*path, '/'));
}

bool Registry::InScopeWithoutIo(const auth::Claims& caller, absl::string_view unit_id) {
  // PeekNear: nullopt = not in the near-cache; a NotFound status = known absent.
  auto path = cache_->PeekNear(PathCacheKey(unit_id, time::TodayText()));
  if (!path || !path->ok()) return false;
  // The path is "root/…/unit": the caller's scope must be one of its ids.
  for (absl::string_view id : absl::StrSplit(**path, '/')) {
    if (id == caller.scope_org_id) return true;
  }
  return false;
}

absl::Status Registry::CheckScope(const auth::Claims& caller, absl::string_view unit_id) {
  auto path = AncestorPath(unit_id);
  if (!path.ok()) return path.status();
  for (const std::string& id : *path)
    if (id == caller.scope_org_id) return absl::OkStatus();
  return errors::WithErrorInfo(
      absl::PermissionDeniedError(absl::StrCat("ngoài phạm vi / outside the caller's scope: \"",
                                               unit_id, "\" is not under \"",
                                               caller.scope_org_id, "\"")),
      "OUT_OF_SCOPE", {{"org_unit_id", std::string(unit_id)}, {"scope", caller.scope_org_id}});
}

void Registry::InvalidateAfterWrite(const std::vector<std::string>& keys) {
  if (!keys.empty()) cache_->Invalidate(keys);
}

}  // namespace chibo::registry
