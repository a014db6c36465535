// Members (đảng viên): the roll, their home cell with history, dated
// lifecycle events and positions. A member's standing, status and home cell
// are always derived for a date from the dated facts, never stored as "now".
#include <algorithm>
#include <set>

#include "absl/strings/string_view.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/base/check.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/paging/page_token.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"
#include "services/registry/search_key.h"

namespace chibo::registry {
namespace {

using errors::FieldViolations;

std::string Now() { return time::FormatTimestamp(absl::Now()); }

bool IsCellKind(int64_t kind) { return kind == v1::BASE_CELL || kind == v1::SUBORDINATE_CELL; }
bool IsCommitteeKind(int64_t kind) {
  return kind == v1::PROVINCE || kind == v1::DIRECT_COMMITTEE || kind == v1::BASE_COMMITTEE;
}
bool IsCellPosition(v1::Position p) {
  return p == v1::SECRETARY || p == v1::DEPUTY_SECRETARY || p == v1::CELL_COMMITTEE_MEMBER;
}

absl::Status NotFoundMember(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có đảng viên / no member \"", id, "\""));
}

absl::Status StaleEtag(absl::string_view id) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(
          absl::StrCat("dữ liệu đã thay đổi, hãy tải lại / etag is stale for \"", id, "\"")),
      "STALE_ETAG", {{"resource_id", std::string(id)}});
}

absl::Status Refused(absl::string_view reason, std::string message) {
  return errors::WithErrorInfo(absl::FailedPreconditionError(std::move(message)), reason);
}

// "Một chuỗi số" of `min`..`max` digits (a leading + allowed for phones).
bool IsDigits(absl::string_view s, size_t min, size_t max, bool plus_allowed) {
  if (plus_allowed && !s.empty() && s[0] == '+') s.remove_prefix(1);
  if (s.size() < min || s.size() > max) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return absl::ascii_isdigit(c); });
}

void CheckPersonalFields(FieldViolations& v, const v1::Member& m) {
  v.CheckLength("member.card_number", m.card_number(), 32);
  v.CheckLength("member.full_name", m.full_name(), 200);
  if (!v1::Sex_IsValid(m.sex())) v.Add("member.sex", "không hợp lệ / unknown");
  v.CheckDate("member.birth_date", m.birth_date(), false);
  if (!m.citizen_id().empty() && !IsDigits(m.citizen_id(), 9, 12, false)) {
    v.Add("member.citizen_id", "CCCD gồm 9–12 chữ số / 9..12 digits");
  }
  if (!m.phone().empty() && !IsDigits(m.phone(), 8, 15, true)) {
    v.Add("member.phone", "số điện thoại không hợp lệ / 8..15 digits");
  }
}

constexpr int kMinAdmissionAge = 18;

struct CellInfo {
  int64_t kind = 0;
  std::string opened_on, closed_on, province_id;
};

absl::StatusOr<std::optional<CellInfo>> ReadCellInfo(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectOrgUnit, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::nullopt;
  return CellInfo{(*row)->Int(2), (*row)->Text(7), (*row)->Text(8), (*row)->Text(1)};
}

// The receiving or home cell must be a cell, open on the date.
// `field` names the cell; `date_field` (default `field`) the date it is opened by.
absl::Status CheckCell(db::Session& s, absl::string_view field, absl::string_view cell_id,
                       absl::string_view on, absl::string_view date_field = "") {
  if (date_field.empty()) date_field = field;
  auto cell = ReadCellInfo(s, cell_id);
  if (!cell.ok()) return cell.status();
  if (!cell->has_value()) return errors::InvalidArgument(std::string(field), "không có chi bộ này / no such cell");
  if (!IsCellKind((*cell)->kind)) {
    return errors::InvalidArgument(std::string(field), "không phải chi bộ / not a cell");
  }
  if (!(*cell)->closed_on.empty() && (*cell)->closed_on <= on) {
    return errors::InvalidArgument(std::string(field), "chi bộ đã giải thể / the cell is closed");
  }
  if ((*cell)->opened_on > on) {
    return errors::InvalidArgument(std::string(date_field),
                                   absl::StrCat("chi bộ thành lập ngày ", (*cell)->opened_on, ", sau ngày ", on,
                                                " / the cell opened on ", (*cell)->opened_on, ", after ", on));
  }
  return absl::OkStatus();
}

// Điều lệ Đảng: a citizen of eighteen or older is admitted. True when either
// date is missing or malformed (their own checks name them).
bool AdultAtAdmission(absl::string_view birth_date, absl::string_view admitted_on) {
  if (!time::IsValidDate(birth_date) || !time::IsValidDate(admitted_on)) return true;
  const absl::CivilDay born = *time::ParseDate(birth_date);
  const absl::CivilDay adult(born.year() + kMinAdmissionAge, born.month(), born.day());
  return time::FormatDate(adult) <= admitted_on;
}

std::string UnderAgeText() {
  return absl::StrCat("chưa đủ ", kMinAdmissionAge, " tuổi vào ngày vào Đảng / under ", kMinAdmissionAge,
                      " on admitted_on");
}

// The date `months` after `date` (a valid date), the day clamped to the
// month's last: 2025-01-31 + 1 month = 2025-02-28.
std::string MonthsAfter(absl::string_view date, int months) {
  const absl::CivilDay day = *time::ParseDate(date);
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const int last = (absl::CivilDay(month + 1) - 1).day();
  return time::FormatDate(absl::CivilDay(month.year(), month.month(), std::min(day.day(), last)));
}

// The province of the unit `id` (empty if there is none).
absl::StatusOr<std::string> ProvinceOf(db::Session& s, absl::string_view id) {
  auto cell = ReadCellInfo(s, id);
  if (!cell.ok()) return cell.status();
  return cell->has_value() ? (*cell)->province_id : std::string();
}

absl::Status AddEvent(db::Session& s, absl::string_view member_id, v1::MemberEventKind kind,
                      absl::string_view on, absl::string_view from_cell, absl::string_view to_cell,
                      absl::string_view reason, absl::string_view detail, absl::string_view actor) {
  return s.Execute(sql::kInsertEvent, {member_id, static_cast<int64_t>(kind), on, from_cell,
                                       to_cell, reason, detail, actor, Now()})
      .status();
}

}  // namespace

absl::StatusOr<v1::Member> Registry::LoadMember(db::Session& s, absl::string_view id,
                                                absl::string_view date) {
  auto row = s.QueryOptionalRow(sql::kSelectMember, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundMember(id);
  const db::Row& r = **row;
  v1::Member m;
  m.set_id(r.Text(0));
  m.set_card_number(r.Text(1));
  m.set_full_name(r.Text(2));
  m.set_sex(static_cast<v1::Sex>(r.Int(3)));
  m.set_birth_date(r.Text(4));
  m.set_citizen_id(r.Text(5));
  m.set_phone(r.Text(6));
  m.set_admitted_on(r.Text(7));
  m.set_official_on(r.Text(8));
  m.set_etag(resource::EtagOf(r.Int(9)));
  m.set_standing(!m.official_on().empty() && m.official_on() <= date ? v1::OFFICIAL
                                                                       : v1::PROBATIONARY);
  auto cells = s.Query(sql::kSelectCellHistory, {id});
  if (!cells.ok()) return cells.status();
  for (const auto& c : cells->rows) {
    auto* p = m.add_home_cell_history();
    p->set_cell_id(c.Text(0));
    p->set_valid_from(c.Text(1));
    p->set_valid_to(c.Text(2));
    // The cell on the date, or the first one before admission's cell opens.
    if (m.home_cell_id().empty() || p->valid_from() <= date) m.set_home_cell_id(p->cell_id());
  }
  auto status = s.QueryOptionalRow(sql::kSelectStatusOn, {id, date});
  if (!status.ok()) return status.status();
  m.set_status(status->has_value() ? static_cast<v1::MemberStatus>((*status)->Int(0))
                                   : v1::ACTIVE);
  if (status->has_value() && m.status() == v1::TEMPORARILY_AWAY) {
    m.set_host_cell_id((*status)->Text(1));
  }
  auto positions = s.Query(sql::kSelectPositionsOn, {id, date});
  if (!positions.ok()) return positions.status();
  for (const auto& p : positions->rows) {
    auto* held = m.add_positions();
    held->set_org_unit_id(p.Text(0));
    held->set_position(static_cast<v1::Position>(p.Int(1)));
    held->set_valid_from(p.Text(2));
    held->set_valid_to(p.Text(3));
  }
  return m;
}

absl::StatusOr<v1::Member> Registry::CachedMember(absl::string_view id) {
  const std::string today = time::TodayText();
  auto bytes = cache_->GetOrLoad(MemberCacheKey(id, today),
                                 [&]() -> absl::StatusOr<std::optional<std::string>> {
                                   db::AutocommitSession s(*db_);
                                   auto m = LoadMember(s, id, today);
                                   if (absl::IsNotFound(m.status())) return std::nullopt;
                                   if (!m.ok()) return m.status();
                                   return m->SerializeAsString();
                                 });
  if (absl::IsNotFound(bytes.status())) return NotFoundMember(id);
  if (!bytes.ok()) return bytes.status();
  v1::Member m;
  if (!m.ParseFromString(*bytes)) return absl::InternalError("cached member unreadable");
  return m;
}

void Registry::MaskPersonalData(const auth::Claims& caller, v1::Member* m) const {
  if (caller.HasAnyRole(kPersonalDataReaders)) return;
  auto mask = [](const std::string& s) {
    if (s.size() <= 3) return std::string(s.size(), '*');
    return std::string(s.size() - 3, '*') + s.substr(s.size() - 3);
  };
  m->set_citizen_id(mask(m->citizen_id()));
  m->set_phone(mask(m->phone()));
  m->set_pii_masked(true);
}

absl::Status Registry::GetMember(const auth::Claims& caller, const v1::GetMemberRequest& request,
                                 v1::Member* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  v.CheckDate("as_of", request.as_of(), false);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  // Scope goes by the member's home cell today, as for writes.
  auto m = CachedMember(request.id());
  if (!m.ok()) return m.status();
  if (absl::Status s = CheckScope(caller, m->home_cell_id()); !s.ok()) return s;
  if (!request.as_of().empty() && request.as_of() != time::TodayText()) {
    // Another day: read from SQL (the cache holds the days around today only).
    db::AutocommitSession s(*db_);
    auto on = LoadMember(s, request.id(), request.as_of());
    if (!on.ok()) return on.status();
    m = *std::move(on);
  }
  *response = *std::move(m);
  MaskPersonalData(caller, response);
  return absl::OkStatus();
}

std::optional<absl::Status> Registry::TryGetMemberWithoutIo(const auth::Claims& caller,
                                                            const v1::GetMemberRequest& request,
                                                            v1::Member* response) {
  if (request.id().empty() || !request.as_of().empty()) return std::nullopt;  // the full path answers
  const std::string today = time::TodayText();
  // PeekNear: nullopt = not in the near-cache; a NotFound status = known absent.
  auto member = cache_->PeekNear(MemberCacheKey(request.id(), today));
  if (!member || !member->ok()) return std::nullopt;
  if (!response->ParseFromString(**member)) return std::nullopt;
  // Outside (or unknown): the full path builds the detailed error.
  if (!InScopeWithoutIo(caller, response->home_cell_id())) return std::nullopt;
  MaskPersonalData(caller, response);
  return absl::OkStatus();
}

void Registry::CheckNewMember(const v1::CreateMemberRequest& request, FieldViolations& v) const {
  const v1::Member& in = request.member();
  if (!request.has_member()) v.Add("member", "bắt buộc / required");
  if (!in.id().empty() && !resource::IsValidId(in.id())) {
    v.Add("member.id", "2–63 ký tự a-z, 0-9, - / 2..63 of [a-z0-9-]");
  }
  v.RequireNonEmpty("member.card_number", in.card_number());
  v.RequireNonEmpty("member.full_name", in.full_name());
  v.RequireNonEmpty("member.home_cell_id", in.home_cell_id());
  v.CheckDate("member.admitted_on", in.admitted_on(), true);
  v.CheckDate("member.official_on", in.official_on(), false);
  if (!in.official_on().empty() && in.official_on() < in.admitted_on()) {
    v.Add("member.official_on", "trước ngày vào Đảng / before admitted_on");
  }
  const std::string today = time::TodayText();
  if (time::IsValidDate(in.admitted_on()) && in.admitted_on() > today) {
    v.Add("member.admitted_on", "ở tương lai / in the future");
  }
  if (time::IsValidDate(in.official_on()) && in.official_on() > today) {
    v.Add("member.official_on", "ở tương lai / in the future");
  }
  if (!AdultAtAdmission(in.birth_date(), in.admitted_on())) v.Add("member.birth_date", UnderAgeText());
  v.CheckDate("in_cell_since", request.in_cell_since(), false);
  if (!request.in_cell_since().empty() && request.in_cell_since() < in.admitted_on()) {
    v.Add("in_cell_since", "trước ngày vào Đảng / before admitted_on");
  }
  if (time::IsValidDate(request.in_cell_since()) && request.in_cell_since() > today) {
    v.Add("in_cell_since", "ở tương lai / in the future");
  }
  if (in.status() != v1::MEMBER_STATUS_UNSPECIFIED) {
    v.Add("member.status", "do các biến động quyết định / set by lifecycle operations");
  }
  CheckPersonalFields(v, in);
}

absl::Status Registry::WriteNewMember(db::Session& s, const auth::Claims& caller,
                                      const v1::CreateMemberRequest& request, const std::string& id,
                                      v1::Member* response, journal::AuditNote* note) {
  const v1::Member& in = request.member();
  const std::string& since = request.in_cell_since().empty() ? in.admitted_on() : request.in_cell_since();
  if (auto st = CheckCell(s, "member.home_cell_id", in.home_cell_id(), since,
                          request.in_cell_since().empty() ? "member.admitted_on" : "in_cell_since");
      !st.ok()) {
    return st;
  }
  auto inserted = s.Execute(
      sql::kInsertMember,
      {id, in.card_number(), in.full_name(), MemberSearchKey(in.full_name(), in.card_number()),
       static_cast<int64_t>(in.sex()), db::Param(in.birth_date().empty() ? std::nullopt : std::optional<std::string>(in.birth_date())),
       in.citizen_id(), in.phone(), in.admitted_on(),
       in.official_on().empty() ? db::Param() : db::Param(in.official_on()), Now()});
  if (absl::IsAlreadyExists(inserted.status())) {
    return errors::WithErrorInfo(
        absl::AlreadyExistsError("số thẻ hoặc mã đảng viên đã có / card number or id already exists"),
        "ALREADY_EXISTS", {{"field", "member.card_number"}});
  }
  if (!inserted.ok()) return inserted.status();
  if (auto st = s.Execute(sql::kInsertMemberCell, {id, in.home_cell_id(), since}); !st.ok()) return st.status();
  // Admitted in another cell (before this one or this system existed):
  // the admission names no cell of ours.
  if (auto st = AddEvent(s, id, v1::ADMITTED, in.admitted_on(), "",
                         since == in.admitted_on() ? in.home_cell_id() : "", "", "", caller.subject);
      !st.ok()) {
    return st;
  }
  if (!in.official_on().empty()) {
    if (auto st = AddEvent(s, id, v1::BECAME_OFFICIAL, in.official_on(), "", in.home_cell_id(), "", "", caller.subject); !st.ok()) return st;
  }
  auto loaded = LoadMember(s, id, time::TodayText());
  if (!loaded.ok()) return loaded.status();
  *response = *loaded;
  *note = {"Member", id, in.home_cell_id(), "", journal::ToJson(*response)};
  return absl::OkStatus();
}

absl::Status Registry::CreateMember(const auth::Claims& caller,
                                    const v1::CreateMemberRequest& request, v1::Member* response) {
  FieldViolations v;
  CheckNewMember(request, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const v1::Member& in = request.member();
  if (absl::Status s = CheckScope(caller, in.home_cell_id()); !s.ok()) return s;

  const std::string id = in.id().empty() ? resource::NewId("mb-") : in.id();
  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, "CreateMember", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (auto st = WriteNewMember(s, caller, request, id, response, &note); !st.ok()) return st;
        return s.ExecuteLater(sql::kBumpDataVersion, {in.home_cell_id()});
      });
  if (status.ok()) {
    std::vector<std::string> keys = MemberCacheKeys(id);
    keys.push_back(RosterVersionCacheKey(in.home_cell_id()));
    InvalidateAfterWrite(keys);
    MaskPersonalData(caller, response);
  }
  return status;
}

absl::Status Registry::BatchCreateMembers(const auth::Claims& caller,
                                          const v1::BatchCreateMembersRequest& request,
                                          v1::BatchCreateMembersResponse* response) {
  FieldViolations v;
  if (request.requests().empty()) v.Add("requests", "bắt buộc: ít nhất một đảng viên / required: at least one member");
  if (!journal::IsValidRequestId(request.request_id())) {
    v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  }
  std::set<std::string> ids, cards, cells;
  for (int i = 0; i < request.requests_size(); ++i) {
    const v1::CreateMemberRequest& r = request.requests(i);
    FieldViolations one;
    CheckNewMember(r, one);
    if (!r.request_id().empty()) {
      one.Add("request_id", "để trống: request_id của cả lô / leave empty: the batch's request_id covers it");
    }
    if (!r.member().id().empty() && !ids.insert(r.member().id()).second) one.Add("member.id", "trùng / listed twice");
    if (!r.member().card_number().empty() && !cards.insert(r.member().card_number()).second) {
      one.Add("member.card_number", "trùng / listed twice");
    }
    for (const auto& fv : one.violations()) v.Add(absl::StrCat("requests[", i, "].", fv.field), fv.description);
    cells.insert(r.member().home_cell_id());
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  for (int i = 0; i < request.requests_size(); ++i) {
    if (absl::Status s = CheckScope(caller, request.requests(i).member().home_cell_id()); !s.ok()) {
      return errors::AboutItem(s, absl::StrCat("requests[", i, "]"));
    }
  }
  std::vector<std::string> new_ids;
  for (const auto& r : request.requests()) new_ids.push_back(r.member().id().empty() ? resource::NewId("mb-") : r.member().id());
  absl::Status status = journal::RunJournaledWrites(
      *db_, {caller.subject, "BatchCreateMembers", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, std::vector<journal::AuditNote>& notes) -> absl::Status {
        for (int i = 0; i < request.requests_size(); ++i) {
          absl::Status st = WriteNewMember(s, caller, request.requests(i), new_ids[i], response->add_members(),
                                           &notes.emplace_back());
          if (!st.ok()) return errors::AboutItem(st, absl::StrCat("requests[", i, "]"));
        }
        // Each cell's data version once for the batch.
        for (const std::string& cell : cells) {
          if (auto st = s.ExecuteLater(sql::kBumpDataVersion, {cell}); !st.ok()) return st;
        }
        return absl::OkStatus();
      });
  if (status.ok()) {
    std::vector<std::string> keys;
    for (const std::string& id : new_ids) {
      for (std::string& k : MemberCacheKeys(id)) keys.push_back(std::move(k));
    }
    for (const std::string& cell : cells) keys.push_back(RosterVersionCacheKey(cell));
    InvalidateAfterWrite(keys);
    for (auto& m : *response->mutable_members()) MaskPersonalData(caller, &m);
  }
  return status;
}

absl::Status Registry::WriteMember(
    const auth::Claims& caller, absl::string_view method, const google::protobuf::Message& request,
    absl::string_view request_id, absl::string_view member_id, v1::Member* response,
    absl::FunctionRef<absl::Status(db::Session&, const v1::Member&, std::vector<std::string>&)>
        body) {
  // Scope is checked on the member's home cell as the caller sees it now.
  auto current = CachedMember(member_id);
  if (!current.ok()) return current.status();
  if (absl::Status s = CheckScope(caller, current->home_cell_id()); !s.ok()) return s;

  std::vector<std::string> touched_cells;
  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, std::string(method), std::string(request_id)}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        touched_cells.clear();
        const std::string today = time::TodayText();
        auto before = LoadMember(s, member_id, today);
        if (!before.ok()) return before.status();
        touched_cells.push_back(before->home_cell_id());
        if (absl::Status st = body(s, *before, touched_cells); !st.ok()) return st;
        // The committees the member sits on have them in their rolls too.
        auto committees = s.Query(sql::kSelectCommitteesOfMember, {member_id});
        if (!committees.ok()) return committees.status();
        for (const auto& row : committees->rows) touched_cells.push_back(row.Text(0));
        if (auto st = s.Execute(sql::kBumpMemberVersion, {member_id, Now()}); !st.ok()) return st.status();
        for (const std::string& cell : touched_cells) {
          if (auto st = s.Execute(sql::kBumpDataVersion, {cell}); !st.ok()) return st.status();
        }
        auto after = LoadMember(s, member_id, today);
        if (!after.ok()) return after.status();
        *response = *after;
        note = {"Member", std::string(member_id), before->home_cell_id(), journal::ToJson(*before),
                journal::ToJson(*after)};
        return absl::OkStatus();
      });
  if (status.ok()) {
    std::vector<std::string> keys = MemberCacheKeys(member_id);
    for (const std::string& cell : touched_cells) keys.push_back(RosterVersionCacheKey(cell));
    InvalidateAfterWrite(keys);
    MaskPersonalData(caller, response);
  }
  return status;
}

absl::Status Registry::UpdateMember(const auth::Claims& caller,
                                    const v1::UpdateMemberRequest& request, v1::Member* response) {
  const v1::Member& in = request.member();
  FieldViolations v;
  v.RequireNonEmpty("member.id", in.id());
  if (request.update_mask().paths().empty()) v.Add("update_mask", "bắt buộc / required");
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "card_number") v.RequireNonEmpty("member.card_number", in.card_number());
    else if (path == "full_name") v.RequireNonEmpty("member.full_name", in.full_name());
    else if (path != "sex" && path != "birth_date" && path != "citizen_id" && path != "phone") {
      v.Add("update_mask.paths",
            absl::StrCat("không sửa được \"", path, "\" / not updatable: ", path,
                         " (card_number, full_name, sex, birth_date, citizen_id, phone; other"
                         " changes are lifecycle operations)"));
    }
  }
  CheckPersonalFields(v, in);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;

  return WriteMember(
      caller, "UpdateMember", request, request.request_id(), in.id(), response,
      [&](db::Session& s, const v1::Member& before, std::vector<std::string>&) -> absl::Status {
        if (!in.etag().empty() && in.etag() != before.etag()) return StaleEtag(in.id());
        v1::Member m = before;
        for (const std::string& path : request.update_mask().paths()) {
          if (path == "card_number") m.set_card_number(in.card_number());
          if (path == "full_name") m.set_full_name(in.full_name());
          if (path == "sex") m.set_sex(in.sex());
          if (path == "birth_date") m.set_birth_date(in.birth_date());
          if (path == "citizen_id") m.set_citizen_id(in.citizen_id());
          if (path == "phone") m.set_phone(in.phone());
        }
        if (!AdultAtAdmission(m.birth_date(), before.admitted_on())) {
          return errors::InvalidArgument("member.birth_date", UnderAgeText());
        }
        auto done = s.Execute(
            sql::kUpdateMemberFields,
            {in.id(), m.card_number(), m.full_name(), MemberSearchKey(m.full_name(), m.card_number()),
             static_cast<int64_t>(m.sex()),
             m.birth_date().empty() ? db::Param() : db::Param(m.birth_date()), m.citizen_id(),
             m.phone(), Now()});
        if (absl::IsAlreadyExists(done.status())) {
          return errors::WithErrorInfo(absl::AlreadyExistsError("số thẻ đã có / card number exists"),
                                       "ALREADY_EXISTS", {{"field", "member.card_number"}});
        }
        return done.status();
      });
}

absl::Status Registry::RecordLifecycle(const auth::Claims& caller, v1::MemberEventKind kind,
                                       absl::string_view method,
                                       const v1::MemberLifecycleRequest& request,
                                       v1::Member* response) {
  FieldViolations v;
  v.RequireNonEmpty("member_id", request.member_id());
  v.CheckDate("effective_on", request.effective_on(), true);
  v.CheckDate("ends_on", request.ends_on(), false);
  v.CheckLength("reason", request.reason(), 2000);
  if (!request.ends_on().empty() && request.ends_on() <= request.effective_on()) {
    v.Add("ends_on", "phải sau effective_on / must be after effective_on");
  }
  if (kind == v1::OFFICIAL_TRANSFER) v.RequireNonEmpty("to_cell_id", request.to_cell_id());
  if (kind != v1::OFFICIAL_TRANSFER && kind != v1::TEMPORARY_TRANSFER_OUT &&
      !request.to_cell_id().empty()) {
    v.Add("to_cell_id", "không dùng cho thao tác này / not used by this operation");
  }
  // A temporary transfer has a planned end, so its length can be checked.
  if (kind == v1::TEMPORARY_TRANSFER_OUT) v.RequireNonEmpty("ends_on", request.ends_on());
  if (kind != v1::TEMPORARY_TRANSFER_OUT && request.for_study()) {
    v.Add("for_study", "chỉ dùng khi chuyển sinh hoạt tạm thời / only for a temporary transfer");
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  // The receiving (or host) cell must be inside the caller's scope too: a
  // cell's secretary cannot place a member into another organization.
  if (!request.to_cell_id().empty()) {
    if (absl::Status s = CheckScope(caller, request.to_cell_id()); !s.ok()) return s;
  }

  const std::string& on = request.effective_on();
  const std::string& id = request.member_id();
  return WriteMember(
      caller, method, request, request.request_id(), id, response,
      [&](db::Session& s, const v1::Member& before,
          std::vector<std::string>& touched) -> absl::Status {
        if (!request.etag().empty() && request.etag() != before.etag()) return StaleEtag(id);
        if (on < before.admitted_on()) {
          return errors::InvalidArgument("effective_on", "trước ngày vào Đảng / before admitted_on");
        }
        auto province = ProvinceOf(s, before.home_cell_id());
        if (!province.ok()) return province.status();
        if (absl::Status st = CheckNotTooFarAhead(s, *province, "effective_on", on); !st.ok()) return st;
        if (kind == v1::TEMPORARY_TRANSFER_OUT) {
          // DOMAIN §2: three months to under a year; for study up to two years.
          auto rules = RulesOn(s, *province, on);
          if (!rules.ok()) return rules.status();
          const v1::Rules defaults = DefaultRules();  // a zero reads as unset (a version stored without it)
          auto or_default = [](int value, int fallback) { return value > 0 ? value : fallback; };
          const int min = or_default(rules->temporary_transfer_min_months(), defaults.temporary_transfer_min_months());
          const int max = request.for_study()
                              ? or_default(rules->study_transfer_max_months(), defaults.study_transfer_max_months())
                              : or_default(rules->temporary_transfer_max_months(), defaults.temporary_transfer_max_months());
          const std::string earliest = MonthsAfter(on, min), limit = MonthsAfter(on, max);
          if (request.ends_on() < earliest) {
            return errors::InvalidArgument("ends_on", absl::StrCat("ngắn hơn ", min, " tháng, sớm nhất ", earliest,
                                                                   " / shorter than ", min, " months"));
          }
          if (request.for_study() ? request.ends_on() > limit : request.ends_on() >= limit) {
            return errors::InvalidArgument(
                "ends_on", request.for_study()
                               ? absl::StrCat("dài quá ", max, " tháng (đi học), muộn nhất ", limit,
                                              " / longer than ", max, " months (study)")
                               : absl::StrCat("phải dưới ", max, " tháng, trước ", limit, " / must be under ",
                                              max, " months"));
          }
        }
        auto terminal = s.QueryOptionalRow(sql::kSelectTerminalStatus, {id});
        if (!terminal.ok()) return terminal.status();
        if (terminal->has_value()) {
          return Refused("MEMBER_LEFT", absl::StrCat("đảng viên đã ra khỏi Đảng từ ", (*terminal)->Text(1),
                                                     " / member left the party on ", (*terminal)->Text(1)));
        }
        // The home cell on the effective date.
        std::string cell_on = before.home_cell_id();
        for (const auto& p : before.home_cell_history()) {
          if (p.valid_from() <= on && (p.valid_to().empty() || p.valid_to() > on)) cell_on = p.cell_id();
        }
        std::string from_cell = cell_on, to_cell, detail;

        // Opens a dated state (exempted, away, suspended) unless one overlaps.
        auto open_state = [&](v1::MemberStatus st, absl::string_view host) -> absl::Status {
          auto overlapping = s.QueryOptionalRow(sql::kCountStatusRowsFrom, {id, static_cast<int64_t>(st), on});
          if (!overlapping.ok()) return overlapping.status();
          if ((*overlapping)->Int(0) > 0) {
            return Refused("STATE_ALREADY_OPEN",
                           absl::StrCat("đã có trạng thái ", v1::MemberStatus_Name(st),
                                        " vào hoặc sau ngày này / already ", v1::MemberStatus_Name(st),
                                        " on or after this date"));
          }
          return s.Execute(sql::kInsertStatus,
                           {id, static_cast<int64_t>(st), on,
                            request.ends_on().empty() ? db::Param() : db::Param(request.ends_on()),
                            host.empty() ? db::Param() : db::Param(host), request.partial(),
                            request.reason()})
              .status();
        };
        // Closes the dated state in force on the effective date.
        auto close_state = [&](v1::MemberStatus st, std::string* host) -> absl::Status {
          auto row = s.QueryOptionalRow(sql::kSelectStatusRowOn, {id, static_cast<int64_t>(st), on});
          if (!row.ok()) return row.status();
          if (!row->has_value() || (*row)->Text(0) == on) {
            return Refused("STATE_NOT_OPEN", absl::StrCat("không có trạng thái ", v1::MemberStatus_Name(st),
                                                          " vào ngày này / not ", v1::MemberStatus_Name(st),
                                                          " on this date"));
          }
          if (host) *host = (*row)->Text(2);
          return s.Execute(sql::kEndStatusRow, {id, static_cast<int64_t>(st), (*row)->Text(0), on}).status();
        };

        absl::Status st;
        switch (kind) {
          case v1::BECAME_OFFICIAL:
            if (!before.official_on().empty()) {
              return Refused("ALREADY_OFFICIAL", absl::StrCat("đã là đảng viên chính thức từ ", before.official_on(),
                                                              " / already official since ", before.official_on()));
            }
            st = s.Execute(sql::kSetOfficialOn, {id, on}).status();
            break;
          case v1::TEMPORARY_TRANSFER_OUT:
            if (!request.to_cell_id().empty()) {
              if (request.to_cell_id() == cell_on) return errors::InvalidArgument("to_cell_id", "là chi bộ hiện tại / is the member's own cell");
              if (auto c = CheckCell(s, "to_cell_id", request.to_cell_id(), on); !c.ok()) return c;
              touched.push_back(request.to_cell_id());
            }
            to_cell = request.to_cell_id();
            st = open_state(v1::TEMPORARILY_AWAY, request.to_cell_id());
            break;
          case v1::TEMPORARY_TRANSFER_RETURN:
            st = close_state(v1::TEMPORARILY_AWAY, &from_cell);
            if (st.ok() && !from_cell.empty()) touched.push_back(from_cell);
            to_cell = cell_on;
            break;
          case v1::OFFICIAL_TRANSFER: {
            to_cell = request.to_cell_id();
            if (to_cell == cell_on) return errors::InvalidArgument("to_cell_id", "là chi bộ hiện tại / is the member's own cell");
            if (auto c = CheckCell(s, "to_cell_id", to_cell, on); !c.ok()) return c;
            auto away = s.QueryOptionalRow(sql::kSelectStatusRowOn, {id, static_cast<int64_t>(v1::TEMPORARILY_AWAY), on});
            if (!away.ok()) return away.status();
            if (away->has_value()) {
              return Refused("TEMPORARILY_AWAY", "đang sinh hoạt tạm thời nơi khác, hãy kết thúc trước / end the temporary transfer first");
            }
            auto start = s.QueryOptionalRow(sql::kSelectOpenCellPeriodStart, {id});
            if (!start.ok()) return start.status();
            if (start->has_value() && (*start)->Text(0) >= on) {
              return errors::InvalidArgument("effective_on", absl::StrCat("phải sau ", (*start)->Text(0), " / must be after the current cell's start"));
            }
            if (auto e = s.Execute(sql::kEndMemberCell, {id, on}); !e.ok()) return e.status();
            if (auto e = s.Execute(sql::kInsertMemberCell, {id, to_cell, on}); !e.ok()) return e.status();
            // Cell positions stay with the cell.
            st = s.Execute(sql::kEndPositionsInUnit, {id, cell_on, on}).status();
            touched.push_back(to_cell);
            break;
          }
          case v1::EXEMPTION_STARTED:
            detail = request.partial() ? "partial" : "full";
            st = open_state(v1::EXEMPTED, "");
            break;
          case v1::EXEMPTION_ENDED:
            st = close_state(v1::EXEMPTED, nullptr);
            break;
          case v1::SUSPENSION_STARTED:
            st = open_state(v1::SUSPENDED, "");
            break;
          case v1::SUSPENSION_ENDED:
            st = close_state(v1::SUSPENDED, nullptr);
            break;
          case v1::REMOVAL:
          case v1::EXPULSION:
          case v1::DEATH: {
            const v1::MemberStatus terminal_status = kind == v1::REMOVAL ? v1::REMOVED
                                                     : kind == v1::EXPULSION ? v1::EXPELLED
                                                                             : v1::DECEASED;
            st = s.Execute(sql::kInsertStatus, {id, static_cast<int64_t>(terminal_status), on,
                                                db::Param(), db::Param(), false, request.reason()})
                     .status();
            if (st.ok()) st = s.Execute(sql::kEndAllPositions, {id, on}).status();
            break;
          }
          default:
            CHIBO_CHECK(false, "RecordLifecycle called with a kind it does not record");
        }
        if (!st.ok()) return st;
        return AddEvent(s, id, kind, on, from_cell, to_cell, request.reason(), detail, caller.subject);
      });
}

absl::Status Registry::AssignPosition(const auth::Claims& caller,
                                      const v1::AssignPositionRequest& request,
                                      v1::Member* response) {
  FieldViolations v;
  v.RequireNonEmpty("member_id", request.member_id());
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (request.position() == v1::POSITION_UNSPECIFIED || !v1::Position_IsValid(request.position())) {
    v.Add("position", "bắt buộc, hợp lệ / required and known");
  }
  v.CheckDate("effective_on", request.effective_on(), true);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.org_unit_id()); !s.ok()) return s;

  const std::string& on = request.effective_on();
  return WriteMember(
      caller, "AssignPosition", request, request.request_id(), request.member_id(), response,
      [&](db::Session& s, const v1::Member& before, std::vector<std::string>&) -> absl::Status {
        auto unit = ReadCellInfo(s, request.org_unit_id());
        if (!unit.ok()) return unit.status();
        if (!unit->has_value()) return errors::InvalidArgument("org_unit_id", "không có tổ chức này / no such org unit");
        if (absl::Status st = CheckNotTooFarAhead(s, (*unit)->province_id, "effective_on", on); !st.ok()) return st;
        if (IsCellPosition(request.position())) {
          std::string cell_on;
          for (const auto& p : before.home_cell_history()) {
            if (p.valid_from() <= on && (p.valid_to().empty() || p.valid_to() > on)) cell_on = p.cell_id();
          }
          if (cell_on != request.org_unit_id()) {
            return errors::InvalidArgument("org_unit_id", "chức vụ chi bộ chỉ ở chi bộ của mình / a cell position is held in the member's own cell");
          }
        } else if (!IsCommitteeKind((*unit)->kind)) {
          return errors::InvalidArgument("org_unit_id", "cấp ủy viên chỉ ở đảng bộ / committee positions belong to committees");
        }
        if (request.position() == v1::SECRETARY) {
          auto holder = s.QueryOptionalRow(sql::kSelectHolderOn, {request.org_unit_id(), static_cast<int64_t>(v1::SECRETARY), on, request.member_id()});
          if (!holder.ok()) return holder.status();
          if (holder->has_value()) {
            return Refused("POSITION_TAKEN", absl::StrCat("chi bộ đã có bí thư ", (*holder)->Text(0), " / the cell already has a secretary: ", (*holder)->Text(0)));
          }
        }
        auto open = s.QueryOptionalRow(sql::kSelectOpenPosition, {request.member_id(), request.org_unit_id(), static_cast<int64_t>(request.position())});
        if (!open.ok()) return open.status();
        if (open->has_value()) return Refused("POSITION_HELD", "đã giữ chức vụ này / already holds this position");
        if (auto st = s.Execute(sql::kInsertPosition, {request.member_id(), request.org_unit_id(), static_cast<int64_t>(request.position()), on}); !st.ok()) return st.status();
        return AddEvent(s, request.member_id(), v1::POSITION_ASSIGNED, on, "", request.org_unit_id(), "", v1::Position_Name(request.position()), caller.subject);
      });
}

absl::Status Registry::EndPosition(const auth::Claims& caller, const v1::EndPositionRequest& request,
                                   v1::Member* response) {
  FieldViolations v;
  v.RequireNonEmpty("member_id", request.member_id());
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (request.position() == v1::POSITION_UNSPECIFIED || !v1::Position_IsValid(request.position())) {
    v.Add("position", "bắt buộc, hợp lệ / required and known");
  }
  v.CheckDate("effective_on", request.effective_on(), true);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  return WriteMember(
      caller, "EndPosition", request, request.request_id(), request.member_id(), response,
      [&](db::Session& s, const v1::Member&, std::vector<std::string>&) -> absl::Status {
        auto open = s.QueryOptionalRow(sql::kSelectOpenPosition, {request.member_id(), request.org_unit_id(), static_cast<int64_t>(request.position())});
        if (!open.ok()) return open.status();
        if (!open->has_value()) return Refused("POSITION_NOT_HELD", "không giữ chức vụ này / does not hold this position");
        if ((*open)->Text(0) >= request.effective_on()) {
          return errors::InvalidArgument("effective_on", "phải sau ngày nhận chức / must be after the position began");
        }
        auto province = ProvinceOf(s, request.org_unit_id());
        if (!province.ok()) return province.status();
        if (absl::Status st = CheckNotTooFarAhead(s, *province, "effective_on", request.effective_on()); !st.ok()) return st;
        if (auto st = s.Execute(sql::kEndPosition, {request.member_id(), request.org_unit_id(), static_cast<int64_t>(request.position()), request.effective_on()}); !st.ok()) return st.status();
        return AddEvent(s, request.member_id(), v1::POSITION_ENDED, request.effective_on(), request.org_unit_id(), "", "", v1::Position_Name(request.position()), caller.subject);
      });
}

absl::Status Registry::ListMemberEvents(const auth::Claims& caller,
                                        const v1::ListMemberEventsRequest& request,
                                        v1::ListMemberEventsResponse* response) {
  if (request.member_id().empty()) return errors::InvalidArgument("member_id", "bắt buộc / required");
  auto m = CachedMember(request.member_id());
  if (!m.ok()) return m.status();
  if (absl::Status s = CheckScope(caller, m->home_cell_id()); !s.ok()) return s;
  auto rows = db_->Query(sql::kSelectEvents, {request.member_id()});
  if (!rows.ok()) return rows.status();
  for (const auto& r : rows->rows) {
    auto* e = response->add_events();
    e->set_id(r.Int(0));
    e->set_member_id(r.Text(1));
    e->set_kind(static_cast<v1::MemberEventKind>(r.Int(2)));
    e->set_effective_on(r.Text(3));
    e->set_from_cell_id(r.Text(4));
    e->set_to_cell_id(r.Text(5));
    e->set_reason(r.Text(6));
    e->set_detail(r.Text(7));
    e->set_recorded_by(r.Text(8));
  }
  return absl::OkStatus();
}

absl::Status Registry::ListMembers(const auth::Claims& caller,
                                   const v1::ListMembersRequest& request,
                                   v1::ListMembersResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  v.CheckDate("as_of", request.as_of(), false);
  v.CheckLength("query", request.query(), 100);
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  if (!v1::Standing_IsValid(request.standing())) v.Add("standing", "không hợp lệ / unknown");
  if (!v1::MemberStatus_IsValid(request.status())) v.Add("status", "không hợp lệ / unknown");
  const std::string today = time::TodayText();
  const std::string as_of = request.as_of().empty() ? today : request.as_of();
  const std::string filter_key =
      absl::StrCat(request.org_unit_id(), "|", request.subtree(), "|", as_of, "|",
                   request.standing(), "|", request.status(), "|", request.query());
  auto offset = paging::DecodePageToken(request.page_token(), filter_key);
  if (!offset.ok()) v.Add("page_token", "không hợp lệ / not a token of this query");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.org_unit_id()); !s.ok()) return s;

  std::string pattern;
  if (!request.query().empty()) {
    std::string folded = absl::StrReplaceAll(FoldForSearch(request.query()), {{"%", ""}, {"_", ""}});
    pattern = absl::StrCat("%", folded, "%");
  }
  const int page_size = paging::EffectivePageSize(request.page_size());
  auto rows = db_->Query(sql::kListMembers,
                         {request.org_unit_id(), as_of, request.subtree(),
                          static_cast<int64_t>(request.standing()),
                          static_cast<int64_t>(request.status()), pattern,
                          static_cast<int64_t>(page_size + 1), *offset});
  if (!rows.ok()) return rows.status();
  db::AutocommitSession s(*db_);
  for (size_t i = 0; i < rows->rows.size() && i < static_cast<size_t>(page_size); ++i) {
    const std::string& id = rows->rows[i].Text(0);
    auto m = as_of == today ? CachedMember(id) : LoadMember(s, id, as_of);
    if (!m.ok()) return m.status();
    MaskPersonalData(caller, &*m);
    *response->add_members() = *std::move(m);
  }
  if (rows->rows.size() > static_cast<size_t>(page_size)) {
    response->set_next_page_token(paging::EncodePageToken(*offset + page_size, filter_key));
  }
  return absl::OkStatus();
}

}  // namespace chibo::registry
