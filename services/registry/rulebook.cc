// The rulebook: dated, per-province thresholds. The version in force on D is
// the stored one with the latest effective_from <= D; before any is stored,
// the defaults of DOMAIN.md (the regulations as of 2025) apply.
#include <set>

#include "absl/strings/string_view.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/errors/errors.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {

// The thresholds DOMAIN.md gives; each province overrides them by date.
v1::Rules DefaultRules() {
  v1::Rules r;
  r.set_cell_min_official_members(3);
  r.set_cell_committee_min_official_members(9);
  r.set_base_committee_min_members(30);
  r.set_effective_max_days_ahead(366);
  r.set_probation_months(12);
  r.set_temporary_transfer_min_months(3);
  r.set_temporary_transfer_max_months(12);
  r.set_study_transfer_max_months(24);
  r.set_official_transfer_working_days(60);
  r.set_transfer_letter_working_days(30);
  r.set_removal_absent_months_per_year(3);
  r.set_regular_meetings_per_month(1);
  r.set_thematic_meetings_per_quarter(1);
  r.set_regular_min_minutes(90);
  r.set_combined_min_minutes(120);
  r.set_documents_days_ahead(1);
  r.set_standard_attendance_percent(85);
  r.set_standard_max_consecutive_absences(3);
  r.set_standard_min_speakers(2);
  r.set_report_high_attendance_percent(90);
  r.set_minutes_record_days(3);
  r.set_reminder_escalate_days(7);
  r.set_grade_good_min(90);
  r.set_grade_fair_min(70);
  r.set_grade_average_min(50);
  r.set_class_excellent_min(90);
  r.set_class_good_min(70);
  r.set_class_completed_min(50);
  r.set_class_excellent_quota_percent(20);
  r.set_provincial_member_visits_per_year(2);
  r.set_district_member_visits_per_year(6);
  r.set_commune_member_visits_per_year(6);
  r.set_residential_cell_visits_per_quarter(1);
  return r;
}

absl::StatusOr<v1::RulebookVersion> RulebookVersionFromRow(absl::string_view province_id,
                                                           const db::Row& row) {
  v1::RulebookVersion out;
  out.set_province_id(std::string(province_id));
  out.set_effective_from(row.Text(0));
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // a field retired by a later binary
  if (!google::protobuf::util::JsonStringToMessage(row.Text(1), out.mutable_rules(), options).ok()) {
    return absl::InternalError("stored rulebook unreadable");
  }
  out.set_etag(resource::EtagOf(row.Int(2)));
  return out;
}

absl::StatusOr<v1::Rules> RulesOn(db::Session& s, absl::string_view province_id,
                                  absl::string_view date) {
  auto row = s.QueryOptionalRow(sql::kSelectRulebookOn, {province_id, date});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return DefaultRules();
  auto version = RulebookVersionFromRow(province_id, **row);
  if (!version.ok()) return version.status();
  return version->rules();
}

absl::Status CheckNotTooFarAhead(db::Session& s, absl::string_view province_id,
                                 absl::string_view field, absl::string_view date) {
  const std::string today = time::TodayText();
  auto rules = RulesOn(s, province_id, today);
  if (!rules.ok()) return rules.status();
  const int days = rules->effective_max_days_ahead() > 0 ? rules->effective_max_days_ahead()
                                                         : DefaultRules().effective_max_days_ahead();
  auto day = time::ParseDate(today);
  if (!day.ok()) return day.status();
  const std::string latest = time::FormatDate(*day + days);
  if (date <= latest) return absl::OkStatus();
  return errors::InvalidArgument(
      std::string(field), absl::StrCat("quá xa trong tương lai, muộn nhất ", latest, " (", days,
                                       " ngày) / more than ", days, " days ahead (latest ", latest, ")"));
}

absl::Status Registry::PutRulebook(const auth::Claims& caller,
                                   const v1::PutRulebookRequest& request,
                                   v1::RulebookVersion* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("province_id", request.province_id());
  v.CheckDate("effective_from", request.effective_from(), true);
  if (!request.has_rules()) v.Add("rules", "bắt buộc / required");
  // Every threshold is a count, a percentage or a number of days: never negative.
  const auto* d = request.rules().GetDescriptor();
  const auto* refl = request.rules().GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    if (d->field(i)->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT32 || d->field(i)->is_repeated()) continue;
    if (refl->GetInt32(request.rules(), d->field(i)) < 0) {
      v.Add(absl::StrCat("rules.", d->field(i)->name()), "không được âm / must not be negative");
    }
  }
  // The rubric: named criteria, once each, adding up to at most 100 points.
  int rubric_points = 0;
  std::set<std::string> criteria;
  for (int i = 0; i < request.rules().visit_criteria_size(); ++i) {
    const v1::VisitCriterion& c = request.rules().visit_criteria(i);
    const std::string f = absl::StrCat("rules.visit_criteria[", i, "]");
    v.RequireNonEmpty(f + ".name", c.name());
    if (!c.name().empty() && (c.name().front() == ' ' || c.name().back() == ' ')) {
      v.Add(f + ".name", "không bắt đầu hay kết thúc bằng dấu cách / no leading or trailing space");
    }
    if (!c.name().empty() && !criteria.insert(c.name()).second) v.Add(f + ".name", "trùng tên / named twice");
    rubric_points += c.max_points();
  }
  if (rubric_points > 100) v.Add("rules.visit_criteria", "tổng điểm quá 100 / max points add up to more than 100");
  if (request.rules().standard_attendance_percent() > 100) {
    v.Add("rules.standard_attendance_percent", "tối đa 100 / at most 100");
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.province_id()); !s.ok()) return s;
  if (caller.scope_org_id != request.province_id()) {
    return absl::PermissionDeniedError(
        "chỉ cấp tỉnh sửa quy định / only a province-wide admin changes the rulebook");
  }

  absl::Status status = journal::RunJournaledWrite(
      *db_, {caller.subject, "PutRulebook", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto province = s.QueryOptionalRow(sql::kSelectOrgUnit, {request.province_id()});
        if (!province.ok()) return province.status();
        if (!province->has_value() || (*province)->Int(2) != v1::PROVINCE) {
          return errors::InvalidArgument("province_id", "không phải tỉnh / not a province");
        }
        auto before = s.QueryOptionalRow(sql::kSelectRulebookAt, {request.province_id(), request.effective_from()});
        if (!before.ok()) return before.status();
        auto done = s.Execute(sql::kUpsertRulebook, {request.province_id(), request.effective_from(),
                                                     journal::ToJson(request.rules()),
                                                     time::FormatTimestamp(absl::Now())});
        if (!done.ok()) return done.status();
        if (auto st = s.Execute(sql::kBumpTreeVersion); !st.ok()) return st.status();
        auto row = s.QueryOptionalRow(sql::kSelectRulebookAt, {request.province_id(), request.effective_from()});
        if (!row.ok()) return row.status();
        auto version = RulebookVersionFromRow(request.province_id(), **row);
        if (!version.ok()) return version.status();
        *response = *version;
        note = {"Rulebook", absl::StrCat(request.province_id(), "@", request.effective_from()),
                request.province_id(), before->has_value() ? (*before)->Text(1) : "",
                journal::ToJson(response->rules())};
        return absl::OkStatus();
      });
  if (status.ok()) InvalidateAfterWrite({RulebookCacheKey(request.province_id())});
  return status;
}

absl::Status Registry::GetRulebook(const auth::Claims& caller,
                                   const v1::GetRulebookRequest& request,
                                   v1::RulebookVersion* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("province_id", request.province_id());
  v.CheckDate("on_date", request.on_date(), false);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  // Any caller inside the province may read its rules.
  auto path = AncestorPath(caller.scope_org_id);
  if (!path.ok() || path->empty() || path->front() != request.province_id()) {
    if (absl::Status s = CheckScope(caller, request.province_id()); !s.ok()) return s;
  }
  const std::string on = request.on_date().empty() ? time::TodayText() : request.on_date();
  // All versions of a province are small: cache them together, pick by date.
  v1::ListRulebookVersionsResponse all;
  auto bytes = cache_->GetOrLoad(
      RulebookCacheKey(request.province_id()),
      [&]() -> absl::StatusOr<std::optional<std::string>> {
        v1::ListRulebookVersionsResponse loaded;
        auto rows = db_->Query(sql::kSelectRulebookVersions, {request.province_id()});
        if (!rows.ok()) return rows.status();
        for (const auto& row : rows->rows) {
          auto version = RulebookVersionFromRow(request.province_id(), row);
          if (!version.ok()) return version.status();
          *loaded.add_versions() = *std::move(version);
        }
        return loaded.SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  if (!all.ParseFromString(*bytes)) return absl::InternalError("cached rulebook unreadable");
  const v1::RulebookVersion* in_force = nullptr;
  for (const auto& version : all.versions()) {
    if (version.effective_from() <= on) in_force = &version;
  }
  if (in_force != nullptr) {
    *response = *in_force;
  } else {
    response->set_province_id(request.province_id());
    *response->mutable_rules() = DefaultRules();
    response->set_is_default(true);
  }
  return absl::OkStatus();
}

absl::Status Registry::ListRulebookVersions(const auth::Claims& caller,
                                            const v1::ListRulebookVersionsRequest& request,
                                            v1::ListRulebookVersionsResponse* response) {
  if (request.province_id().empty()) return errors::InvalidArgument("province_id", "bắt buộc / required");
  if (absl::Status s = CheckScope(caller, request.province_id()); !s.ok()) {
    auto path = AncestorPath(caller.scope_org_id);
    if (!path.ok() || path->empty() || path->front() != request.province_id()) return s;
  }
  auto rows = db_->Query(sql::kSelectRulebookVersions, {request.province_id()});
  if (!rows.ok()) return rows.status();
  for (const auto& row : rows->rows) {
    auto version = RulebookVersionFromRow(request.province_id(), row);
    if (!version.ok()) return version.status();
    *response->add_versions() = *std::move(version);
  }
  return absl::OkStatus();
}

}  // namespace chibo::registry
