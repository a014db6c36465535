// Thematic plans (kế hoạch sinh hoạt chuyên đề): each year a cell registers
// its topics by quarter, submits them, and the superior committee approves
// them or returns them with a comment.
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {
namespace {

using errors::FieldViolations;

void CheckCellYear(FieldViolations& v, const std::string& prefix, absl::string_view cell_id,
                   int32_t year) {
  v.RequireNonEmpty(prefix + "cell_id", cell_id);
  if (year < 2000 || year > 2100) v.Add(prefix + "year", "2000..2100");
}

absl::StatusOr<v1::ThematicPlan> PlanFromRow(const db::Row& r) {
  v1::ThematicPlan plan;
  if (!google::protobuf::util::JsonStringToMessage(r.Text(2), &plan).ok()) {
    return absl::InternalError("corrupt topics_json");
  }
  plan.set_cell_id(r.Text(0));
  plan.set_year(static_cast<int32_t>(r.Int(1)));
  plan.set_status(static_cast<v1::PlanStatus>(r.Int(3)));
  plan.set_review_comment(r.Text(4));
  plan.set_submitted_by(r.Text(5));
  plan.set_reviewed_by(r.Text(6));
  plan.set_etag(resource::EtagOf(r.Int(7)));
  return plan;
}

absl::StatusOr<std::optional<v1::ThematicPlan>> ReadPlan(db::Session& s, absl::string_view cell_id,
                                                         int32_t year) {
  auto row = s.QueryOptionalRow(sql::kSelectPlan, {cell_id, static_cast<int64_t>(year)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return std::nullopt;
  auto plan = PlanFromRow(**row);
  if (!plan.ok()) return plan.status();
  return *std::move(plan);
}

std::string TopicsJson(const v1::ThematicPlan& plan) {
  v1::ThematicPlan topics;
  *topics.mutable_topics() = plan.topics();
  return journal::ToJson(topics);
}

absl::Status NotFoundPlan(absl::string_view cell_id, int32_t year) {
  return absl::NotFoundError(absl::StrCat("chưa có kế hoạch chuyên đề / no thematic plan for \"",
                                          cell_id, "\" in ", year));
}

absl::Status WrongPlanStatus(const v1::ThematicPlan& plan, absl::string_view why) {
  return errors::WithErrorInfo(
      absl::FailedPreconditionError(absl::StrCat(why, " (", v1::PlanStatus_Name(plan.status()), ")")),
      "PLAN_STATUS", {{"status", v1::PlanStatus_Name(plan.status())}});
}

// Writes `after` over the plan (cell_id, year) with its status and names.
absl::Status UpdatePlan(db::Session& s, const v1::ThematicPlan& after) {
  return s
      .Execute(sql::kUpdatePlan,
               {after.cell_id(), static_cast<int64_t>(after.year()), TopicsJson(after),
                static_cast<int64_t>(after.status()), after.review_comment(),
                after.submitted_by(), after.reviewed_by(), NowText()})
      .status();
}

}  // namespace

absl::Status Scheduling::PutThematicPlan(const auth::Claims& caller,
                                         const v1::PutThematicPlanRequest& request,
                                         v1::ThematicPlan* response) {
  const v1::ThematicPlan& in = request.plan();
  FieldViolations v;
  CheckCellYear(v, "plan.", in.cell_id(), in.year());
  for (int i = 0; i < in.topics_size(); ++i) {
    const std::string f = absl::StrCat("plan.topics[", i, "]");
    if (in.topics(i).quarter() < 1 || in.topics(i).quarter() > 4) v.Add(f + ".quarter", "1..4");
    v.RequireNonEmpty(f + ".title", in.topics(i).title());
    v.CheckLength(f + ".title", in.topics(i).title(), 500);
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, in.cell_id()); !s.ok()) return s;

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "PutThematicPlan", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = ReadPlan(s, in.cell_id(), in.year());
        if (!before.ok()) return before.status();
        if (!before->has_value()) {
          auto st = s.Execute(sql::kInsertPlan, {in.cell_id(), static_cast<int64_t>(in.year()),
                                                 TopicsJson(in), NowText()});
          if (!st.ok()) return st.status();
        } else {
          const v1::ThematicPlan& old = **before;
          if (!EtagIsCurrent(in.etag(), old.etag())) return StaleEtag(in.cell_id());
          if (old.status() != v1::DRAFT && old.status() != v1::RETURNED) {
            return WrongPlanStatus(old, "kế hoạch đã gửi hoặc đã duyệt / the plan is submitted or approved");
          }
          v1::ThematicPlan after = old;
          *after.mutable_topics() = in.topics();
          after.set_status(v1::DRAFT);
          if (absl::Status st = UpdatePlan(s, after); !st.ok()) return st;
        }
        auto loaded = ReadPlan(s, in.cell_id(), in.year());
        if (!loaded.ok()) return loaded.status();
        *response = **loaded;
        note = {"ThematicPlan", absl::StrCat(in.cell_id(), "/", in.year()), in.cell_id(),
                before->has_value() ? journal::ToJson(**before) : "", journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Scheduling::GetThematicPlan(const auth::Claims& caller,
                                         const v1::GetThematicPlanRequest& request,
                                         v1::ThematicPlan* response) {
  FieldViolations v;
  CheckCellYear(v, "", request.cell_id(), request.year());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.cell_id()); !s.ok()) return s;
  db::AutocommitSession s(*db_);
  auto plan = ReadPlan(s, request.cell_id(), request.year());
  if (!plan.ok()) return plan.status();
  if (!plan->has_value()) return NotFoundPlan(request.cell_id(), request.year());
  *response = **plan;
  return absl::OkStatus();
}

absl::Status Scheduling::ListThematicPlans(const auth::Claims& caller,
                                           const v1::ListThematicPlansRequest& request,
                                           v1::ListThematicPlansResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (request.year() < 2000 || request.year() > 2100) v.Add("year", "2000..2100");
  if (!v1::PlanStatus_IsValid(request.status())) v.Add("status", "không hợp lệ / not a plan status");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto units = UnitsOfSubtree(caller, request.org_unit_id(), time::TodayText());
  if (!units.ok()) return units.status();
  const std::unordered_set<std::string> below(units->begin(), units->end());
  auto rows = db_->Query(sql::kSelectPlansOfYear, {static_cast<int64_t>(request.year()), static_cast<int64_t>(request.status())});
  if (!rows.ok()) return rows.status();
  for (const db::Row& r : rows->rows) {
    if (!below.count(r.Text(0))) continue;
    auto plan = PlanFromRow(r);
    if (!plan.ok()) return plan.status();
    *response->add_plans() = *std::move(plan);
  }
  return absl::OkStatus();
}

absl::Status Scheduling::SubmitThematicPlan(const auth::Claims& caller,
                                            const v1::ThematicPlanActionRequest& request,
                                            v1::ThematicPlan* response) {
  FieldViolations v;
  CheckCellYear(v, "", request.cell_id(), request.year());
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.cell_id()); !s.ok()) return s;

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "SubmitThematicPlan", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = ReadPlan(s, request.cell_id(), request.year());
        if (!before.ok()) return before.status();
        if (!before->has_value()) return NotFoundPlan(request.cell_id(), request.year());
        const v1::ThematicPlan& old = **before;
        if (!EtagIsCurrent(request.etag(), old.etag())) return StaleEtag(request.cell_id());
        if (old.status() != v1::DRAFT && old.status() != v1::RETURNED) {
          return WrongPlanStatus(old, "chỉ gửi được bản nháp hoặc bản bị trả lại / only a draft or returned plan can be submitted");
        }
        // Thematic meetings are held at least once a quarter.
        bool quarter_has_topic[5] = {};
        for (const auto& t : old.topics()) quarter_has_topic[t.quarter()] = true;
        for (int q = 1; q <= 4; ++q) {
          if (!quarter_has_topic[q]) {
            return errors::WithErrorInfo(
                absl::FailedPreconditionError(absl::StrCat(
                    "quý ", q, " chưa có chuyên đề / quarter ", q, " has no topic")),
                "PLAN_INCOMPLETE", {{"quarter", absl::StrCat(q)}});
          }
        }
        v1::ThematicPlan after = old;
        after.set_status(v1::SUBMITTED);
        after.set_submitted_by(caller.subject);
        after.clear_review_comment();
        if (absl::Status st = UpdatePlan(s, after); !st.ok()) return st;
        auto loaded = ReadPlan(s, request.cell_id(), request.year());
        if (!loaded.ok()) return loaded.status();
        *response = **loaded;
        note = {"ThematicPlan", absl::StrCat(request.cell_id(), "/", request.year()),
                request.cell_id(), journal::ToJson(old), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Scheduling::ReviewThematicPlan(const auth::Claims& caller,
                                            const v1::ReviewThematicPlanRequest& request,
                                            v1::ThematicPlan* response) {
  FieldViolations v;
  CheckCellYear(v, "", request.cell_id(), request.year());
  if (!request.approve()) v.RequireNonEmpty("comment", request.comment());
  v.CheckLength("comment", request.comment(), 2000);
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.cell_id()); !s.ok()) return s;
  // The superior committee reviews: a token scoped to the cell itself may not.
  if (caller.scope_org_id == request.cell_id()) {
    return absl::PermissionDeniedError(
        "cấp ủy cấp trên duyệt kế hoạch / only the superior committee reviews the cell's plan");
  }

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "ReviewThematicPlan", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = ReadPlan(s, request.cell_id(), request.year());
        if (!before.ok()) return before.status();
        if (!before->has_value()) return NotFoundPlan(request.cell_id(), request.year());
        const v1::ThematicPlan& old = **before;
        if (!EtagIsCurrent(request.etag(), old.etag())) return StaleEtag(request.cell_id());
        if (old.status() != v1::SUBMITTED) {
          return WrongPlanStatus(old, "chỉ duyệt được kế hoạch đã gửi / only a submitted plan can be reviewed");
        }
        v1::ThematicPlan after = old;
        after.set_status(request.approve() ? v1::APPROVED : v1::RETURNED);
        after.set_review_comment(request.comment());
        after.set_reviewed_by(caller.subject);
        if (absl::Status st = UpdatePlan(s, after); !st.ok()) return st;
        auto loaded = ReadPlan(s, request.cell_id(), request.year());
        if (!loaded.ok()) return loaded.status();
        *response = **loaded;
        note = {"ThematicPlan", absl::StrCat(request.cell_id(), "/", request.year()),
                request.cell_id(), journal::ToJson(old), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

}  // namespace chibo::scheduling
