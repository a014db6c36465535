// The effective-dated organization tree: units open, close and move; every
// read can be asked "as of" a date and answers with the tree as it was.
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/paging/page_token.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {
namespace {

using errors::FieldViolations;

std::string Now() { return time::FormatTimestamp(absl::Now()); }

// Which kinds may sit under which (DOMAIN §1). Moves and creations obey it.
bool MaySitUnder(v1::OrgUnitKind child, v1::OrgUnitKind parent) {
  switch (child) {
    case v1::DIRECT_COMMITTEE:
    case v1::BASE_COMMITTEE:
    case v1::BASE_CELL:
      return parent == v1::PROVINCE || parent == v1::DIRECT_COMMITTEE;
    case v1::SUBORDINATE_CELL:
      return parent == v1::BASE_COMMITTEE;
    case v1::PARTY_GROUP:
      return parent == v1::BASE_CELL || parent == v1::SUBORDINATE_CELL;
    default:
      return false;
  }
}

// The deepest a unit may sit: the province is at depth 0, its direct
// committees at 1, and so on. Kinds alone do not bound it (a direct
// committee may sit under another), and the tree walks stop at 64 levels.
constexpr int kMaxTreeDepth = 8;

// Refuses putting `unit_id` (with its subtree; empty for a unit not yet
// created) under `parent_id` from `from` on, when on `from` or any later date
// on which the tree changes (future-dated moves) the parent would be inside
// the unit's own subtree, or the subtree would reach below kMaxTreeDepth.
absl::Status CheckPlacement(db::Session& s, absl::string_view unit_id, absl::string_view parent_id,
                            absl::string_view from, absl::string_view field) {
  auto later = s.Query(sql::kSelectTreeChangeDatesAfter, {from});
  if (!later.ok()) return later.status();
  std::vector<std::string> dates = {std::string(from)};
  for (const auto& r : later->rows) dates.push_back(r.Text(0));
  for (const std::string& d : dates) {
    auto ancestors = s.Query(sql::kSelectAncestorsOn, {parent_id, d});
    if (!ancestors.ok()) return ancestors.status();
    for (const auto& a : ancestors->rows) {
      if (!unit_id.empty() && a.Text(0) == unit_id) {
        return errors::InvalidArgument(
            std::string(field), absl::StrCat("từ ", d, " cấp trên mới nằm trong chính tổ chức này / from ", d,
                                             " the new parent is inside the unit's own subtree"));
      }
    }
    int64_t height = 0;
    if (!unit_id.empty()) {
      auto h = s.QueryOptionalRow(sql::kSelectSubtreeHeightOn, {unit_id, d});
      if (!h.ok()) return h.status();
      if (h->has_value()) height = (*h)->Int(0);
    }
    const int64_t deepest = static_cast<int64_t>(ancestors->rows.size()) + height;  // parent's depth + 1 + height
    if (deepest > kMaxTreeDepth) {
      return errors::InvalidArgument(
          std::string(field), absl::StrCat("quá sâu: cấp thứ ", deepest, " vào ngày ", d, ", tối đa ",
                                           kMaxTreeDepth, " / too deep: level ", deepest, " on ", d,
                                           ", at most ", kMaxTreeDepth));
    }
  }
  return absl::OkStatus();
}

void CheckKindAndCategory(FieldViolations& v, absl::string_view prefix, int kind, int category) {
  if (kind == 0 || !v1::OrgUnitKind_IsValid(kind)) {
    v.Add(absl::StrCat(prefix, "kind"), "loại tổ chức không hợp lệ / unknown kind");
  }
  if (!v1::OrgUnitCategory_IsValid(category)) {
    v.Add(absl::StrCat(prefix, "category"), "loại hình không hợp lệ / unknown category");
  }
}

absl::Status NotFoundUnit(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có tổ chức / no org unit \"", id, "\""));
}

absl::Status StaleEtag(absl::string_view id) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(
          "dữ liệu đã thay đổi, hãy tải lại / etag is stale for \"", id, "\"")),
      "STALE_ETAG", {{"resource_id", std::string(id)}});
}

// Unit fields stored in org_units, without tree facts.
struct UnitRow {
  v1::OrgUnit unit;
  std::string province_id;
  int64_t version = 0;
};

absl::StatusOr<std::optional<UnitRow>> ReadUnitRow(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectOrgUnit, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::nullopt;
  const db::Row& r = **row;
  UnitRow out;
  out.unit.set_id(r.Text(0));
  out.province_id = r.Text(1);
  out.unit.set_kind(static_cast<v1::OrgUnitKind>(r.Int(2)));
  out.unit.set_category(static_cast<v1::OrgUnitCategory>(r.Int(3)));
  out.unit.set_name(r.Text(4));
  out.unit.set_code(r.Text(5));
  out.unit.set_remote(r.Bool(6));
  out.unit.set_opened_on(r.Text(7));
  out.unit.set_closed_on(r.Text(8));
  out.unit.set_close_reason(r.Text(9));
  out.version = r.Int(10);
  out.unit.set_etag(resource::EtagOf(out.version));
  return out;
}

bool OpenOn(const v1::OrgUnit& u, absl::string_view date) {
  return u.opened_on() <= date && (u.closed_on().empty() || u.closed_on() > date);
}

absl::Status ConflictFromDb(const absl::Status& s, absl::string_view field) {
  if (absl::IsAlreadyExists(s)) {
    return errors::WithErrorInfo(
        absl::AlreadyExistsError(absl::StrCat("đã tồn tại / already exists: ", field)),
        "ALREADY_EXISTS", {{"field", std::string(field)}});
  }
  return s;
}

}  // namespace

absl::StatusOr<v1::OrgUnit> Registry::LoadOrgUnit(db::Session& s, absl::string_view id,
                                                  absl::string_view as_of) {
  auto row = ReadUnitRow(s, id);
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundUnit(id);
  v1::OrgUnit unit = std::move((*row)->unit);
  if (unit.opened_on() > as_of) {
    return absl::NotFoundError(absl::StrCat("tổ chức chưa thành lập vào ngày ", as_of,
                                            " / org unit did not exist on ", as_of));
  }
  auto parent = s.QueryOptionalRow(sql::kSelectParentOn, {id, as_of});
  if (!parent.ok()) return parent.status();
  if (parent->has_value()) unit.set_parent_id((*parent)->Text(0));
  auto ancestors = s.Query(sql::kSelectAncestorsOn, {id, as_of});
  if (!ancestors.ok()) return ancestors.status();
  unit.set_depth(static_cast<int32_t>(ancestors->rows.size()) - 1);
  return unit;
}

absl::Status Registry::CreateOrgUnit(const auth::Claims& caller,
                                     const v1::CreateOrgUnitRequest& request,
                                     v1::OrgUnit* response) {
  const v1::OrgUnit& in = request.org_unit();
  FieldViolations v;
  if (!request.has_org_unit()) v.Add("org_unit", "bắt buộc / required");
  if (!in.id().empty() && !resource::IsValidId(in.id())) {
    v.Add("org_unit.id", "2–63 ký tự a-z, 0-9, - / 2..63 of [a-z0-9-]");
  }
  CheckKindAndCategory(v, "org_unit.", in.kind(), in.category());
  v.RequireNonEmpty("org_unit.name", in.name());
  v.CheckLength("org_unit.name", in.name(), 300);
  v.CheckLength("org_unit.code", in.code(), 64);
  v.CheckDate("org_unit.opened_on", in.opened_on(), /*required=*/true);
  if (in.kind() == v1::PROVINCE) {
    if (!in.parent_id().empty()) v.Add("org_unit.parent_id", "tỉnh không có cấp trên / a province has no parent");
    if (in.id().empty()) v.Add("org_unit.id", "bắt buộc với tỉnh / required for a province");
  } else {
    v.RequireNonEmpty("org_unit.parent_id", in.parent_id());
  }
  if (!in.closed_on().empty()) v.Add("org_unit.closed_on", "dùng CloseOrgUnit / use CloseOrgUnit");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;

  // A province is created by an admin whose scope is that province.
  if (in.kind() == v1::PROVINCE) {
    if (caller.scope_org_id != in.id()) {
      return absl::PermissionDeniedError(
          "chỉ quản trị của tỉnh được tạo tỉnh / only the province's own admin creates it");
    }
  } else if (absl::Status s = CheckScope(caller, in.parent_id()); !s.ok()) {
    return s;
  }

  const std::string id = in.id().empty() ? resource::NewId("ou-") : in.id();
  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, "CreateOrgUnit", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        std::string province_id = id;
        if (in.kind() != v1::PROVINCE) {
          auto parent = ReadUnitRow(s, in.parent_id());
          if (!parent.ok()) return parent.status();
          if (!parent->has_value()) {
            return errors::InvalidArgument("org_unit.parent_id",
                                           "không có tổ chức này / no such org unit");
          }
          if (!MaySitUnder(in.kind(), (*parent)->unit.kind())) {
            return errors::InvalidArgument(
                "org_unit.parent_id",
                absl::StrCat("loại ", v1::OrgUnitKind_Name(in.kind()), " không thể trực thuộc ",
                             v1::OrgUnitKind_Name((*parent)->unit.kind()), " / kind may not sit under it"));
          }
          if (!OpenOn((*parent)->unit, in.opened_on())) {
            return errors::InvalidArgument("org_unit.opened_on",
                                           "cấp trên chưa mở hoặc đã giải thể vào ngày này / "
                                           "parent not open on this date");
          }
          province_id = (*parent)->province_id;
          if (absl::Status st = CheckPlacement(s, "", in.parent_id(), in.opened_on(), "org_unit.parent_id"); !st.ok()) return st;
        }
        if (absl::Status st = CheckNotTooFarAhead(s, province_id, "org_unit.opened_on", in.opened_on()); !st.ok()) return st;
        auto inserted = s.Execute(sql::kInsertOrgUnit,
                                  {id, province_id, static_cast<int64_t>(in.kind()),
                                   static_cast<int64_t>(in.category()), in.name(),
                                   in.code().empty() ? db::Param() : db::Param(in.code()),
                                   in.remote(), in.opened_on(), Now()});
        if (!inserted.ok()) return ConflictFromDb(inserted.status(), "org_unit.id/code");
        auto parented = s.Execute(
            sql::kInsertParentPeriod,
            {id, in.kind() == v1::PROVINCE ? db::Param() : db::Param(in.parent_id()),
             in.opened_on()});
        if (!parented.ok()) return parented.status();
        if (auto st = s.Execute(sql::kBumpTreeVersion); !st.ok()) return st.status();
        auto loaded = LoadOrgUnit(s, id, in.opened_on());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"OrgUnit", id, id, "", journal::ToJson(*response)};
        return absl::OkStatus();
      });
  if (status.ok()) InvalidateAfterWrite(PathCacheKeys(response->id()));
  return status;
}

absl::Status Registry::GetOrgUnit(const auth::Claims& caller, const v1::GetOrgUnitRequest& request,
                                  v1::OrgUnit* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  v.CheckDate("as_of", request.as_of(), false);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.id()); !s.ok()) return s;
  const std::string as_of = request.as_of().empty() ? time::TodayText() : request.as_of();
  // The tree's version comes from SQL on every call (one row), never from a
  // cache: an entry keyed by it cannot outlive a tree write, Redis or not.
  auto tree_version = TreeVersion();
  if (!tree_version.ok()) return tree_version.status();
  auto bytes = cache_->GetOrLoad(
      OrgUnitCacheKey(request.id(), as_of, *tree_version),
      [&]() -> absl::StatusOr<std::optional<std::string>> {
        db::AutocommitSession s(*db_);
        auto unit = LoadOrgUnit(s, request.id(), as_of);
        if (!unit.ok()) return unit.status();  // NOT_FOUND's own words pass through
        auto history = s.Query(sql::kSelectParentHistory, {request.id()});
        if (!history.ok()) return history.status();
        for (const auto& row : history->rows) {
          auto* p = unit->add_parent_history();
          p->set_parent_id(row.Text(0));
          p->set_valid_from(row.Text(1));
          p->set_valid_to(row.Text(2));
        }
        auto ancestors = s.Query(sql::kSelectAncestorsOn, {request.id(), as_of});
        if (!ancestors.ok()) return ancestors.status();
        for (auto it = ancestors->rows.rbegin(); it != ancestors->rows.rend(); ++it) {
          unit->add_ancestor_ids(it->Text(0));
        }
        return unit->SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  if (!response->ParseFromString(*bytes)) return absl::InternalError("cached org unit unreadable");
  return absl::OkStatus();
}

absl::Status Registry::ListOrgUnits(const auth::Claims& caller,
                                    const v1::ListOrgUnitsRequest& request,
                                    v1::ListOrgUnitsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("parent_id", request.parent_id());
  v.CheckDate("as_of", request.as_of(), false);
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  if (!v1::OrgUnitKind_IsValid(request.kind())) v.Add("kind", "không hợp lệ / unknown kind");
  if (!v1::OrgUnitCategory_IsValid(request.category())) v.Add("category", "không hợp lệ / unknown");
  const std::string as_of = request.as_of().empty() ? time::TodayText() : request.as_of();
  const std::string filter_key =
      absl::StrCat(request.parent_id(), "|", request.subtree(), "|", as_of, "|", request.kind(),
                   "|", request.category(), "|", request.remote_only(), "|",
                   request.include_closed());
  auto offset = paging::DecodePageToken(request.page_token(), filter_key);
  if (!offset.ok()) v.Add("page_token", "không hợp lệ / not a token of this query");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.parent_id()); !s.ok()) return s;

  const int page_size = paging::EffectivePageSize(request.page_size());
  auto rows = db_->Query(sql::kListOrgUnits,
                         {request.parent_id(), as_of, request.subtree(),
                          static_cast<int64_t>(request.kind()),
                          static_cast<int64_t>(request.category()), request.remote_only(),
                          static_cast<int64_t>(page_size + 1), request.include_closed(), *offset});
  if (!rows.ok()) return rows.status();
  db::AutocommitSession s(*db_);
  for (size_t i = 0; i < rows->rows.size() && i < static_cast<size_t>(page_size); ++i) {
    auto unit = LoadOrgUnit(s, rows->rows[i].Text(0), as_of);
    if (!unit.ok()) return unit.status();
    *response->add_org_units() = *std::move(unit);
  }
  if (rows->rows.size() > static_cast<size_t>(page_size)) {
    response->set_next_page_token(paging::EncodePageToken(*offset + page_size, filter_key));
  }
  return absl::OkStatus();
}

absl::Status Registry::UpdateOrgUnit(const auth::Claims& caller,
                                     const v1::UpdateOrgUnitRequest& request,
                                     v1::OrgUnit* response) {
  const v1::OrgUnit& in = request.org_unit();
  FieldViolations v;
  v.RequireNonEmpty("org_unit.id", in.id());
  if (request.update_mask().paths().empty()) v.Add("update_mask", "bắt buộc / required");
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "name") {
      v.RequireNonEmpty("org_unit.name", in.name());
      v.CheckLength("org_unit.name", in.name(), 300);
    } else if (path == "code") {
      v.CheckLength("org_unit.code", in.code(), 64);
    } else if (path == "category") {
      if (!v1::OrgUnitCategory_IsValid(in.category())) v.Add("org_unit.category", "không hợp lệ / unknown");
    } else if (path != "remote") {
      v.Add("update_mask.paths",
            absl::StrCat("không sửa được \"", path, "\" / not updatable: ", path,
                         " (name, code, category, remote)"));
    }
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, in.id()); !s.ok()) return s;

  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, "UpdateOrgUnit", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto row = ReadUnitRow(s, in.id());
        if (!row.ok()) return row.status();
        if (!row->has_value()) return NotFoundUnit(in.id());
        if (!resource::EtagMatches(in.etag(), (*row)->version)) return StaleEtag(in.id());
        v1::OrgUnit updated = (*row)->unit;
        for (const std::string& path : request.update_mask().paths()) {
          if (path == "name") updated.set_name(in.name());
          if (path == "code") updated.set_code(in.code());
          if (path == "category") updated.set_category(in.category());
          if (path == "remote") updated.set_remote(in.remote());
        }
        auto done = s.Execute(sql::kUpdateOrgUnitFields,
                              {in.id(), updated.name(),
                               updated.code().empty() ? db::Param() : db::Param(updated.code()),
                               static_cast<int64_t>(updated.category()), updated.remote(), Now()});
        if (!done.ok()) return ConflictFromDb(done.status(), "org_unit.code");
        if (auto st = s.Execute(sql::kBumpTreeVersion); !st.ok()) return st.status();
        auto loaded = LoadOrgUnit(s, in.id(), time::TodayText());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"OrgUnit", in.id(), in.id(), journal::ToJson((*row)->unit),
                journal::ToJson(*response)};
        return absl::OkStatus();
      });
  // GetOrgUnit's entries are keyed by the tree version the write moved.
  return status;
}

absl::Status Registry::CloseOrgUnit(const auth::Claims& caller,
                                    const v1::CloseOrgUnitRequest& request,
                                    v1::OrgUnit* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  v.CheckDate("closed_on", request.closed_on(), true);
  v.CheckLength("reason", request.reason(), 2000);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.id()); !s.ok()) return s;

  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, "CloseOrgUnit", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto row = ReadUnitRow(s, request.id());
        if (!row.ok()) return row.status();
        if (!row->has_value()) return NotFoundUnit(request.id());
        const v1::OrgUnit& before = (*row)->unit;
        if (!resource::EtagMatches(request.etag(), (*row)->version)) return StaleEtag(request.id());
        if (!before.closed_on().empty()) {
          return absl::FailedPreconditionError("tổ chức đã giải thể / org unit already closed");
        }
        if (request.closed_on() <= before.opened_on()) {
          return errors::InvalidArgument("closed_on", "phải sau ngày thành lập / must be after opened_on");
        }
        if (absl::Status st = CheckNotTooFarAhead(s, (*row)->province_id, "closed_on", request.closed_on()); !st.ok()) return st;
        auto children = s.QueryOptionalRow(sql::kCountOpenChildrenOn, {request.id(), request.closed_on()});
        if (!children.ok()) return children.status();
        auto members = s.QueryOptionalRow(sql::kCountMembersOfCellOn, {request.id(), request.closed_on()});
        if (!members.ok()) return members.status();
        const int64_t open_children = (*children)->Int(0), roll = (*members)->Int(0);
        if (open_children > 0 || roll > 0) {
          return errors::WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "còn ", open_children, " tổ chức trực thuộc và ", roll,
                  " đảng viên vào ngày giải thể / still has ", open_children,
                  " open children and ", roll, " members on closed_on")),
              "UNIT_NOT_EMPTY");
        }
        auto done = s.Execute(sql::kCloseOrgUnit, {request.id(), request.closed_on(), request.reason(), Now()});
        if (!done.ok()) return done.status();
        if (auto st = s.Execute(sql::kBumpTreeVersion); !st.ok()) return st.status();
        auto loaded = LoadOrgUnit(s, request.id(), time::TodayText());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"OrgUnit", request.id(), request.id(), journal::ToJson(before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
  // GetOrgUnit's entries are keyed by the tree version the write moved.
  return status;
}

absl::Status Registry::MoveOrgUnit(const auth::Claims& caller, const v1::MoveOrgUnitRequest& request,
                                   v1::OrgUnit* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  v.RequireNonEmpty("new_parent_id", request.new_parent_id());
  v.CheckDate("effective_on", request.effective_on(), true);
  if (!request.id().empty() && request.id() == request.new_parent_id()) {
    v.Add("new_parent_id", "không thể là chính nó / cannot be the unit itself");
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.id()); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.new_parent_id()); !s.ok()) return s;

  std::vector<std::string> moved;  // the subtree whose ancestor paths change
  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, "MoveOrgUnit", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        const std::string& on = request.effective_on();
        auto row = ReadUnitRow(s, request.id());
        if (!row.ok()) return row.status();
        if (!row->has_value()) return NotFoundUnit(request.id());
        if (!resource::EtagMatches(request.etag(), (*row)->version)) return StaleEtag(request.id());
        auto before = LoadOrgUnit(s, request.id(), time::TodayText());
        if (!before.ok()) return before.status();
        auto parent = ReadUnitRow(s, request.new_parent_id());
        if (!parent.ok()) return parent.status();
        if (!parent->has_value()) return errors::InvalidArgument("new_parent_id", "không có tổ chức này / no such org unit");
        if (!MaySitUnder((*row)->unit.kind(), (*parent)->unit.kind())) {
          return errors::InvalidArgument("new_parent_id", "loại tổ chức không thể trực thuộc cấp này / kind may not sit under it");
        }
        if (!OpenOn((*parent)->unit, on) || !OpenOn((*row)->unit, on)) {
          return errors::InvalidArgument("effective_on", "tổ chức không hoạt động vào ngày này / a unit is not open on this date");
        }
        if (absl::Status st = CheckNotTooFarAhead(s, (*row)->province_id, "effective_on", on); !st.ok()) return st;
        auto current = s.QueryOptionalRow(sql::kSelectParentOn, {request.id(), on});
        if (!current.ok()) return current.status();
        if (current->has_value() && (*current)->Text(0) == request.new_parent_id()) {
          return errors::InvalidArgument("new_parent_id", absl::StrCat("đã trực thuộc cấp này vào ngày ", on, " / is already its parent on ", on));
        }
        if (absl::Status st = CheckPlacement(s, request.id(), request.new_parent_id(), on, "new_parent_id"); !st.ok()) return st;
        auto start = s.QueryOptionalRow(sql::kSelectLatestParentPeriodStart, {request.id()});
        if (!start.ok()) return start.status();
        if (start->has_value() && (*start)->Text(0) >= on) {
          return errors::InvalidArgument("effective_on", absl::StrCat("phải sau ", (*start)->Text(0), " / must be after the last move"));
        }
        if (auto st = s.Execute(sql::kEndParentPeriod, {request.id(), on}); !st.ok()) return st.status();
        if (auto st = s.Execute(sql::kInsertParentPeriod, {request.id(), request.new_parent_id(), on}); !st.ok()) return st.status();
        if (auto st = s.Execute(sql::kBumpOrgUnitVersion, {request.id(), Now()}); !st.ok()) return st.status();
        if (auto st = s.Execute(sql::kBumpTreeVersion); !st.ok()) return st.status();
        auto subtree = s.Query(sql::kSelectSubtreeIds, {request.id(), time::TodayText()});
        if (!subtree.ok()) return subtree.status();
        for (const auto& r : subtree->rows) moved.push_back(r.Text(0));
        auto loaded = LoadOrgUnit(s, request.id(), on);
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"OrgUnit", request.id(), request.id(), journal::ToJson(*before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
  if (status.ok()) {
    std::vector<std::string> keys;
    for (const std::string& id : moved) {
      for (std::string& k : PathCacheKeys(id)) keys.push_back(std::move(k));
    }
    InvalidateAfterWrite(keys);
  }
  return status;
}

}  // namespace chibo::registry
