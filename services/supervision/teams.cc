// Supervisory teams (tổ dự sinh hoạt) and follow assignments.
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

using errors::FieldViolations;
namespace rv1 = ::chibo::registry::v1;

std::string Now() { return time::FormatTimestamp(absl::Now()); }

std::string MemberIdsJson(const v1::Team& team) {
  v1::Team ids;
  *ids.mutable_member_ids() = team.member_ids();
  return journal::ToJson(ids);
}

absl::Status NotFoundTeam(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có tổ dự sinh hoạt / no team \"", id, "\""));
}

// The members a team names must exist in the registry (and be visible to
// the caller): a NOT_FOUND there is the caller's input error here.
absl::Status CheckMembers(clients::RegistryClient& registry, const auth::Claims& caller,
                          const v1::Team& team, FieldViolations& v) {
  auto check = [&](const std::string& field, const std::string& id) -> absl::Status {
    auto m = registry.GetMember(caller, id);
    if (absl::IsNotFound(m.status()) || absl::IsInvalidArgument(m.status())) {
      v.Add(field, absl::StrCat("không có đảng viên / no member \"", id, "\""));
      return absl::OkStatus();
    }
    return m.status();
  };
  if (absl::Status s = check("team.leader_member_id", team.leader_member_id()); !s.ok()) return s;
  for (int i = 0; i < team.member_ids_size(); ++i) {
    if (absl::Status s = check(absl::StrCat("team.member_ids[", i, "]"), team.member_ids(i)); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

v1::Team TeamFromRow(const db::Row& r) {
  v1::Team t;
  (void)google::protobuf::util::JsonStringToMessage(r.Text(5), &t);
  t.set_id(r.Text(0));
  t.set_name(r.Text(1));
  t.set_owner_org_id(r.Text(2));
  t.set_level(static_cast<v1::SupervisionLevel>(r.Int(3)));
  t.set_leader_member_id(r.Text(4));
  t.set_etag(resource::EtagOf(r.Int(6)));
  return t;
}

v1::SupervisionLevel LevelOfOwner(rv1::OrgUnitKind kind) {
  switch (kind) {
    case rv1::PROVINCE: return v1::PROVINCE_LEVEL;
    case rv1::DIRECT_COMMITTEE: return v1::DISTRICT_LEVEL;
    case rv1::BASE_COMMITTEE: return v1::BASE_LEVEL;
    default: return v1::SUPERVISION_LEVEL_UNSPECIFIED;
  }
}

absl::StatusOr<v1::Team> Supervision::ReadTeam(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectTeam, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundTeam(id);
  return TeamFromRow(**row);
}

absl::Status Supervision::CreateTeam(const auth::Claims& caller,
                                     const v1::CreateTeamRequest& request, v1::Team* response) {
  v1::Team in = request.team();
  FieldViolations v;
  if (!in.id().empty() && !resource::IsValidId(in.id())) {
    v.Add("team.id", "2–63 ký tự a-z, 0-9, - / 2..63 of [a-z0-9-]");
  }
  v.RequireNonEmpty("team.name", in.name());
  v.CheckLength("team.name", in.name(), 300);
  v.RequireNonEmpty("team.owner_org_id", in.owner_org_id());
  v.RequireNonEmpty("team.leader_member_id", in.leader_member_id());
  if (in.level() != v1::SUPERVISION_LEVEL_UNSPECIFIED) v.Add("team.level", "chỉ đọc / output only");
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, in.owner_org_id()); !s.ok()) return s;
  auto owner = registry_->GetOrgUnit(caller, in.owner_org_id());
  if (!owner.ok()) return owner.status();
  const v1::SupervisionLevel level = LevelOfOwner(owner->kind());
  if (level == v1::SUPERVISION_LEVEL_UNSPECIFIED) {
    v.Add("team.owner_org_id", "phải là một cấp ủy (tỉnh, trực thuộc, cơ sở) / must be a committee");
  }
  if (absl::Status s = CheckMembers(*registry_, caller, in, v); !s.ok()) return s;
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (in.id().empty()) in.set_id(resource::NewId("to"));

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "CreateTeam", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto done = s.Execute(sql::kInsertTeam,
                              {in.id(), in.name(), in.owner_org_id(), owner->name(),
                               static_cast<int64_t>(level), in.leader_member_id(),
                               MemberIdsJson(in), Now()});
        if (!done.ok()) {
          return absl::IsAlreadyExists(done.status())
                     ? errors::InvalidArgument("team.id", "đã tồn tại / already exists")
                     : done.status();
        }
        auto loaded = ReadTeam(s, in.id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"Team", in.id(), in.owner_org_id(), "", journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Supervision::GetTeam(const auth::Claims& caller, const v1::GetTeamRequest& request,
                                  v1::Team* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession s(*db_);
  auto team = ReadTeam(s, request.id());
  if (!team.ok()) return team.status();
  if (absl::Status st = registry_->CheckScope(caller, team->owner_org_id()); !st.ok()) return st;
  *response = *std::move(team);
  return absl::OkStatus();
}

absl::Status Supervision::ListTeams(const auth::Claims& caller,
                                    const v1::ListTeamsRequest& request,
                                    v1::ListTeamsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  auto units = registry_->Subtree(caller, request.org_unit_id(), time::TodayText());
  if (!units.ok()) return units.status();
  std::unordered_set<std::string> in_subtree;
  for (const auto& u : **units) in_subtree.insert(u.id());
  auto rows = db_->Query(sql::kSelectAllTeams);
  if (!rows.ok()) return rows.status();
  for (const db::Row& r : rows->rows) {
    if (in_subtree.count(r.Text(2))) *response->add_teams() = TeamFromRow(r);
  }
  return absl::OkStatus();
}

absl::Status Supervision::UpdateTeam(const auth::Claims& caller,
                                     const v1::UpdateTeamRequest& request, v1::Team* response) {
  const v1::Team& in = request.team();
  FieldViolations v;
  v.RequireNonEmpty("team.id", in.id());
  if (request.update_mask().paths().empty()) v.Add("update_mask", "bắt buộc / required");
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "name") {
      v.RequireNonEmpty("team.name", in.name());
    } else if (path == "leader_member_id") {
      v.RequireNonEmpty("team.leader_member_id", in.leader_member_id());
    } else if (path != "member_ids") {
      v.Add("update_mask.paths", absl::StrCat("không sửa được \"", path,
                                              "\" / not updatable (name, leader_member_id, member_ids)"));
    }
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession read(*db_);
  auto current = ReadTeam(read, in.id());
  if (!current.ok()) return current.status();
  if (absl::Status s = registry_->CheckScope(caller, current->owner_org_id()); !s.ok()) return s;
  v1::Team merged = *current;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "name") merged.set_name(in.name());
    if (path == "leader_member_id") merged.set_leader_member_id(in.leader_member_id());
    if (path == "member_ids") *merged.mutable_member_ids() = in.member_ids();
  }
  if (absl::Status s = CheckMembers(*registry_, caller, merged, v); !s.ok()) return s;
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "UpdateTeam", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = ReadTeam(s, in.id());
        if (!before.ok()) return before.status();
        if (!in.etag().empty() && in.etag() != before->etag()) {
          return errors::WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "dữ liệu đã thay đổi, hãy đọc lại / stale etag: \"", in.id(), "\"")),
              "STALE_ETAG", {{"id", in.id()}});
        }
        auto done = s.Execute(sql::kUpdateTeam, {in.id(), merged.name(), merged.leader_member_id(),
                                                 MemberIdsJson(merged), Now()});
        if (!done.ok()) return done.status();
        auto loaded = ReadTeam(s, in.id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"Team", in.id(), before->owner_org_id(), journal::ToJson(*before),
                journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Supervision::AssignFollower(const auth::Claims& caller,
                                         const v1::AssignFollowerRequest& request,
                                         v1::FollowAssignment* response) {
  v1::FollowAssignment in = request.assignment();
  FieldViolations v;
  v.RequireNonEmpty("assignment.member_id", in.member_id());
  v.RequireNonEmpty("assignment.cell_id", in.cell_id());
  v.CheckDate("assignment.from_date", in.from_date(), true);
  v.CheckDate("assignment.to_date", in.to_date(), false);
  if (v.empty() && !in.to_date().empty() && in.to_date() < in.from_date()) {
    v.Add("assignment.to_date", "trước from_date / before from_date");
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, in.cell_id()); !s.ok()) return s;
  auto cell = registry_->GetOrgUnit(caller, in.cell_id());
  if (!cell.ok()) return cell.status();
  if (!clients::IsCell(cell->kind())) v.Add("assignment.cell_id", "không phải chi bộ / not a cell");
  auto member = registry_->GetMember(caller, in.member_id());
  if (absl::IsNotFound(member.status())) {
    v.Add("assignment.member_id", absl::StrCat("không có đảng viên / no member \"", in.member_id(), "\""));
  } else if (!member.ok()) {
    return member.status();
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  in.set_id(resource::NewId("pc"));

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "AssignFollower", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto done = s.Execute(sql::kInsertAssignment,
                              {in.id(), in.member_id(), in.cell_id(), in.from_date(),
                               in.to_date().empty() ? db::Param() : db::Param(in.to_date()), Now()});
        if (!done.ok()) return done.status();
        *response = in;
        note = {"FollowAssignment", in.id(), in.cell_id(), "", journal::ToJson(in)};
        return absl::OkStatus();
      });
}

absl::Status Supervision::ListFollowAssignments(const auth::Claims& caller,
                                                const v1::ListFollowAssignmentsRequest& request,
                                                v1::ListFollowAssignmentsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  auto units = registry_->Subtree(caller, request.org_unit_id(), time::TodayText());
  if (!units.ok()) return units.status();
  std::unordered_set<std::string> in_subtree;
  for (const auto& u : **units) in_subtree.insert(u.id());
  auto rows = db_->Query(sql::kSelectAllAssignments);
  if (!rows.ok()) return rows.status();
  for (const db::Row& r : rows->rows) {
    if (!in_subtree.count(r.Text(2))) continue;
    auto* a = response->add_assignments();
    a->set_id(r.Text(0));
    a->set_member_id(r.Text(1));
    a->set_cell_id(r.Text(2));
    a->set_from_date(r.Text(3));
    a->set_to_date(r.Text(4));
  }
  return absl::OkStatus();
}

}  // namespace chibo::supervision
