// The roster (đảng số) of a cell's meeting on a date: who is in the roll,
// who is expected, and DOMAIN §3's counts. Expected = in the roll minus the
// exempted, the temporarily away and the suspended; members visiting on a
// temporary transfer attend but are not counted. Cached under the cell's data
// version, which every write about its members bumps: never stale.
#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {
namespace {

v1::Standing StandingOn(const std::string& official_on, absl::string_view date) {
  return !official_on.empty() && official_on <= date ? v1::OFFICIAL : v1::PROBATIONARY;
}

}  // namespace

static bool IsCommitteeUnit(v1::OrgUnitKind kind) {
  return kind == v1::PROVINCE || kind == v1::DIRECT_COMMITTEE || kind == v1::BASE_COMMITTEE;
}

absl::StatusOr<v1::Roster> Registry::ComputeRoster(absl::string_view cell_id,
                                                   absl::string_view date) {
  v1::Roster roster;
  roster.set_cell_id(std::string(cell_id));
  roster.set_date(std::string(date));
  // A cell's roll is its members; a committee's (for its own meetings) is
  // the members sitting on it that day.
  auto kind = db_->QueryOptionalRow(sql::kSelectUnitKindOnly, {cell_id});
  if (!kind.ok()) return kind.status();
  const bool committee = kind->has_value() && IsCommitteeUnit(static_cast<v1::OrgUnitKind>((*kind)->Int(0)));
  auto roll = db_->Query(committee ? sql::kSelectCommitteeRoll : sql::kSelectRoll, {cell_id, date});
  if (!roll.ok()) return roll.status();
  for (const auto& r : roll->rows) {
    const auto status = static_cast<v1::MemberStatus>(r.Int(3));
    if (status >= v1::REMOVED) continue;  // left the party: no longer in the roll
    auto* e = roster.add_entries();
    e->set_member_id(r.Text(0));
    e->set_full_name(r.Text(1));
    e->set_standing(StandingOn(r.Text(2), date));
    roster.set_total(roster.total() + 1);
    if (e->standing() == v1::OFFICIAL) roster.set_official(roster.official() + 1);
    else roster.set_probationary(roster.probationary() + 1);
    switch (status) {
      case v1::EXEMPTED:
        e->set_presence(v1::EXEMPTED_FROM);
        roster.set_exempted(roster.exempted() + 1);
        break;
      case v1::TEMPORARILY_AWAY:
        e->set_presence(v1::AWAY);
        roster.set_temporarily_away(roster.temporarily_away() + 1);
        break;
      case v1::SUSPENDED:
        e->set_presence(v1::SUSPENDED_FROM);
        roster.set_suspended(roster.suspended() + 1);
        break;
      default:
        e->set_presence(v1::EXPECTED);
        roster.set_expected(roster.expected() + 1);
    }
  }
  if (committee) return roster;
  auto visitors = db_->Query(sql::kSelectVisitors, {cell_id, date});
  if (!visitors.ok()) return visitors.status();
  for (const auto& r : visitors->rows) {
    auto* e = roster.add_entries();
    e->set_member_id(r.Text(0));
    e->set_full_name(r.Text(1));
    e->set_standing(StandingOn(r.Text(2), date));
    e->set_presence(v1::VISITING);
    roster.set_visiting(roster.visiting() + 1);
  }
  return roster;
}

absl::StatusOr<int64_t> Registry::RosterVersion(absl::string_view cell_id) {
  auto version = cache_->GetOrLoad(
      RosterVersionCacheKey(cell_id), [&]() -> absl::StatusOr<std::optional<std::string>> {
        auto row = db_->Query(sql::kSelectDataVersion, {cell_id});
        if (!row.ok()) return row.status();
        if (row->rows.empty()) return std::nullopt;
        return row->rows[0].Text(0);
      });
  if (!version.ok()) return version.status();
  int64_t v_num = 0;
  if (!absl::SimpleAtoi(*version, &v_num)) return absl::InternalError("bad data version");
  return v_num;
}

absl::Status Registry::RosterAt(absl::string_view cell_id, int64_t version, absl::string_view date,
                                v1::Roster* out) {
  auto bytes = cache_->GetOrLoad(
      RosterCacheKey(cell_id, version, date), [&]() -> absl::StatusOr<std::optional<std::string>> {
        auto roster = ComputeRoster(cell_id, date);
        if (!roster.ok()) return roster.status();
        return roster->SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  if (!out->ParseFromString(*bytes)) return absl::InternalError("cached roster unreadable");
  return absl::OkStatus();
}

absl::Status Registry::GetRoster(const auth::Claims& caller, const v1::GetRosterRequest& request,
                                 v1::Roster* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("cell_id", request.cell_id());
  v.CheckDate("date", request.date(), true);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.cell_id()); !s.ok()) return s;
  auto version = RosterVersion(request.cell_id());
  if (!version.ok()) return version.status();
  return RosterAt(request.cell_id(), *version, request.date(), response);
}

std::optional<absl::Status> Registry::TryGetRosterWithoutIo(const auth::Claims& caller,
                                                           const v1::GetRosterRequest& request,
                                                           v1::Roster* response) {
  if (request.cell_id().empty() || !time::IsValidDate(request.date())) return std::nullopt;
  if (!InScopeWithoutIo(caller, request.cell_id())) return std::nullopt;
  // The same entries GetRoster reads: the cell's data version (bumped by
  // every write about its members), then the roster under it.
  auto version = cache_->PeekNear(RosterVersionCacheKey(request.cell_id()));
  int64_t v = 0;
  if (!version || !version->ok() || !absl::SimpleAtoi(**version, &v)) return std::nullopt;
  auto roster = cache_->PeekNear(RosterCacheKey(request.cell_id(), v, request.date()));
  if (!roster || !roster->ok() || !response->ParseFromString(**roster)) return std::nullopt;
  return absl::OkStatus();
}

absl::Status Registry::BatchGetRosters(const auth::Claims& caller, const v1::BatchGetRostersRequest& request,
                                       v1::BatchGetRostersResponse* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("cell_id", request.cell_id());
  if (request.dates().empty()) v.Add("dates", "bắt buộc: ít nhất một ngày / required: at least one date");
  for (int i = 0; i < request.dates_size(); ++i) v.CheckDate(absl::StrCat("dates[", i, "]"), request.dates(i), true);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.cell_id()); !s.ok()) return s;
  // One version for the whole answer: every roster is of the same state.
  auto version = RosterVersion(request.cell_id());
  if (!version.ok()) return version.status();
  // The cached rosters in one Redis round trip, the others computed and
  // stored in one more (not two round trips a date).
  std::vector<std::string> keys;
  for (const std::string& date : request.dates()) keys.push_back(RosterCacheKey(request.cell_id(), *version, date));
  auto rosters = cache_->GetOrLoadMany(keys, [&](size_t i) -> absl::StatusOr<std::optional<std::string>> {
    auto roster = ComputeRoster(request.cell_id(), request.dates(static_cast<int>(i)));
    if (!roster.ok()) return roster.status();
    return roster->SerializeAsString();
  });
  for (const absl::StatusOr<std::string>& bytes : rosters) {
    if (!bytes.ok()) return bytes.status();
    if (!response->add_rosters()->ParseFromString(*bytes)) return absl::InternalError("cached roster unreadable");
  }
  return absl::OkStatus();
}

}  // namespace chibo::registry
