// The team's report for a period (báo cáo kết quả dự sinh hoạt của tổ, seed
// 003: Sa Pa's teams report each quarter): the visits its committee's
// approved plan expected of it and those it recorded, the grades it gave
// (regraded by the rulebook in force on each visit's date, as every report
// does), the recommendations it made and where they stand today, and the
// proposals its leader writes. Read fresh on every call from the team's own
// rows; `text` is the whole report worded for printing.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "services/supervision/activity_narrative.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

using clients::OrgTree;
using errors::FieldViolations;

std::string N(int64_t n) { return NarrativeNumber(n, Language::kVietnamese); }

// The report in words, as a team leader would write it.
std::string TeamReportText(const v1::TeamReport& r, const Period& period) {
  std::string out = absl::StrCat("BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ\n", r.team_name(),
                                 r.owner_name().empty() ? "" : absl::StrCat(" — ", r.owner_name()), "\n",
                                 absl::StrFormat("%s (từ %s đến %s)\n\n", period.Vietnamese(), VietnameseDate(r.from()),
                                                 VietnameseDate(r.to())));
  absl::StrAppend(&out, "1. Kết quả dự sinh hoạt: ");
  if (r.visits_planned() > 0) {
    absl::StrAppend(&out, "theo kế hoạch được duyệt, tổ dự ", N(r.visits_planned()), " cuộc sinh hoạt; đã dự ",
                    N(r.planned_done()), " cuộc theo kế hoạch");
  } else {
    absl::StrAppend(&out, "tổ không có cuộc sinh hoạt nào trong kế hoạch được duyệt; đã dự ",
                    N(r.planned_done()), " cuộc theo kế hoạch");
  }
  if (r.unplanned_done() > 0) absl::StrAppend(&out, " và ", N(r.unplanned_done()), " cuộc ngoài kế hoạch");
  if (r.cells_visited() > 0) {
    absl::StrAppend(&out, ", tại ", N(r.cells_visited()), " chi bộ");
    if (r.remote_cells_visited() > 0) {
      absl::StrAppend(&out, " (trong đó ", N(r.remote_cells_visited()), " chi bộ vùng sâu, vùng xa)");
    }
  }
  const int missed = r.visits_planned() - r.planned_done();
  if (missed > 0) absl::StrAppend(&out, "; còn ", N(missed), " cuộc theo kế hoạch chưa dự");
  absl::StrAppend(&out, ".\n2. Đánh giá chất lượng sinh hoạt: ");
  const int scored = r.graded_good() + r.graded_fair() + r.graded_average() + r.graded_poor();
  if (scored == 0) {
    absl::StrAppend(&out, "chưa chấm điểm cuộc sinh hoạt nào");
  } else {
    absl::StrAppend(&out, "tốt ", N(r.graded_good()), ", khá ", N(r.graded_fair()), ", trung bình ",
                    N(r.graded_average()), ", kém ", N(r.graded_poor()));
  }
  if (scored > 0 && r.not_scored() > 0) absl::StrAppend(&out, "; chưa chấm điểm ", N(r.not_scored()));
  absl::StrAppend(&out, ".\n3. Kiến nghị: ");
  if (r.recommendations_made() == 0) {
    absl::StrAppend(&out, "tổ không nêu kiến nghị nào.\n");
  } else {
    absl::StrAppend(&out, "tổ đã nêu ", N(r.recommendations_made()), " kiến nghị; đã thực hiện ",
                    N(r.recommendations_done()), ", còn ", N(r.recommendations_open()));
    if (r.recommendations_overdue() > 0) absl::StrAppend(&out, " (quá hạn ", N(r.recommendations_overdue()), ")");
    absl::StrAppend(&out, ".\n");
  }
  for (const v1::TeamReportRecommendation& rec : r.recommendations()) {
    absl::StrAppend(&out, "   - ", rec.cell_name(), ", ", VietnameseDate(rec.made_on()), ": ", rec.text(),
                    rec.due_on().empty() ? "" : absl::StrCat(" (hạn ", VietnameseDate(rec.due_on()), ")"), " — ",
                    rec.status() == v1::DONE ? "đã thực hiện" : rec.overdue() ? "quá hạn, chưa thực hiện"
                                                                               : "đang thực hiện",
                    "\n");
  }
  absl::StrAppend(&out, "4. Đề xuất, kiến nghị của tổ: ",
                  r.proposals().empty() ? "(chưa có)" : r.proposals(), "\n");
  if (!r.leader_name().empty()) absl::StrAppend(&out, "\nTỔ TRƯỞNG\n", r.leader_name(), "\n");
  return out;
}

}  // namespace

absl::Status Supervision::BuildTeamReport(const auth::Claims& caller, const std::string& team_id,
                                          const Period& period, v1::TeamReport* out) {
  db::AutocommitSession read(*db_);
  auto team = ReadTeam(read, team_id);
  if (!team.ok()) return team.status();
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  const OrgTree& t = **tree;
  if (absl::Status s = clients::RegistryClient::CheckScopeIn(t, caller, team->owner_org_id()); !s.ok()) return s;
  const std::string from = period.from(), to = period.to(), today = time::TodayText();
  auto name_of = [&](const std::string& id) {
    const int u = t.Find(id);
    return u == OrgTree::kNone ? id : t.unit(u).name();
  };
  out->set_team_id(team->id());
  out->set_team_name(team->name());
  out->set_owner_org_id(team->owner_org_id());
  out->set_owner_name(name_of(team->owner_org_id()));
  out->set_leader_member_id(team->leader_member_id());
  if (!team->leader_member_id().empty()) {
    auto leader = registry_->GetMember(caller, team->leader_member_id());
    if (leader.ok()) out->set_leader_name(leader->full_name());
  }
  out->set_period(period.name);
  out->set_from(from);
  out->set_to(to);

  // Planned (the committee's approved plans) and done (visits recorded), by meeting.
  std::map<std::pair<std::string, std::string>, v1::TeamReportVisit> rows;  // (date, meeting)
  std::map<std::string, std::string> date_of_planned;
  auto planned = db_->Query(sql::kSelectTeamPlannedVisits, {team_id, from, to});
  if (!planned.ok()) return planned.status();
  for (const db::Row& r : planned->rows) {
    v1::TeamReportVisit& v = rows[{r.Text(2), r.Text(0)}];
    v.set_meeting_id(r.Text(0));
    v.set_cell_id(r.Text(1));
    v.set_date(r.Text(2));
    v.set_planned(true);
    date_of_planned[r.Text(0)] = r.Text(2);
  }
  auto done = db_->Query(sql::kSelectTeamVisitsInPeriod, {team_id, from, to});
  if (!done.ok()) return done.status();
  std::set<std::string> cells, remote_cells;
  for (const db::Row& r : done->rows) {
    auto p = date_of_planned.find(r.Text(1));
    // A planned meeting moved to another day is still the planned visit.
    v1::TeamReportVisit& v = rows[{p == date_of_planned.end() ? r.Text(3) : p->second, r.Text(1)}];
    v.set_meeting_id(r.Text(1));
    v.set_cell_id(r.Text(2));
    v.set_date(r.Text(3));
    v.set_done(true);
    v.set_visit_id(r.Text(0));
    v.set_remote(r.Bool(5));
    cells.insert(r.Text(2));
    if (r.Bool(5)) remote_cells.insert(r.Text(2));
    if (r.Int(6) != 0) {  // scored
      v.set_score(static_cast<int32_t>(r.Int(4)));
      auto d = OrgTree::ParseDay(v.date());
      v.set_grade(d ? GradeOf(v.score(), t.RulesOn(*d)) : static_cast<v1::Grade>(r.Int(6)));
    }
  }
  for (auto& [key, v] : rows) {
    v.set_cell_name(name_of(v.cell_id()));
    if (v.planned()) out->set_visits_planned(out->visits_planned() + 1);
    if (v.done()) {
      out->set_visits_done(out->visits_done() + 1);
      if (v.planned()) {
        out->set_planned_done(out->planned_done() + 1);
      } else {
        out->set_unplanned_done(out->unplanned_done() + 1);
      }
      switch (v.grade()) {
        case v1::GOOD: out->set_graded_good(out->graded_good() + 1); break;
        case v1::FAIR: out->set_graded_fair(out->graded_fair() + 1); break;
        case v1::AVERAGE: out->set_graded_average(out->graded_average() + 1); break;
        case v1::POOR: out->set_graded_poor(out->graded_poor() + 1); break;
        default: out->set_not_scored(out->not_scored() + 1); break;
      }
    }
    *out->add_visits() = v;
  }
  out->set_cells_visited(static_cast<int32_t>(cells.size()));
  out->set_remote_cells_visited(static_cast<int32_t>(remote_cells.size()));

  auto recs = db_->Query(sql::kSelectTeamRecommendations, {team_id, from, to});
  if (!recs.ok()) return recs.status();
  for (const db::Row& r : recs->rows) {
    v1::TeamReportRecommendation* rec = out->add_recommendations();
    rec->set_visit_id(r.Text(0));
    rec->set_recommendation_id(r.Text(1));
    rec->set_cell_id(r.Text(2));
    rec->set_cell_name(name_of(r.Text(2)));
    rec->set_made_on(r.Text(3));
    rec->set_text(r.Text(4));
    rec->set_due_on(r.Text(5));
    rec->set_status(static_cast<v1::RecommendationStatus>(r.Int(6)));
    rec->set_follow_up(r.Text(7));
    rec->set_overdue(rec->status() == v1::OPEN && !rec->due_on().empty() && rec->due_on() < today);
    out->set_recommendations_made(out->recommendations_made() + 1);
    if (rec->status() == v1::DONE) {
      out->set_recommendations_done(out->recommendations_done() + 1);
    } else {
      out->set_recommendations_open(out->recommendations_open() + 1);
      if (rec->overdue()) out->set_recommendations_overdue(out->recommendations_overdue() + 1);
    }
  }
  auto proposals = db_->QueryOptionalRow(sql::kSelectTeamProposals, {team_id, period.name});
  if (!proposals.ok()) return proposals.status();
  if (proposals->has_value()) {
    out->set_proposals((*proposals)->Text(0));
    out->set_etag(resource::EtagOf((*proposals)->Int(1)));
    out->set_proposals_updated_at((*proposals)->Text(2));
  } else {
    out->set_etag(resource::EtagOf(0));
  }
  out->set_text(TeamReportText(*out, period));
  return absl::OkStatus();
}

absl::Status Supervision::GetTeamReport(const auth::Claims& caller, const v1::GetTeamReportRequest& request,
                                        v1::TeamReport* response) {
  FieldViolations v;
  v.RequireNonEmpty("team_id", request.team_id());
  auto period = ParsePeriod(request.period());
  if (!period.ok()) v.Add("period", std::string(period.status().message()));
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  return BuildTeamReport(caller, request.team_id(), *period, response);
}

absl::Status Supervision::PutTeamReportProposals(const auth::Claims& caller,
                                                 const v1::PutTeamReportProposalsRequest& request,
                                                 v1::TeamReport* response) {
  FieldViolations v;
  v.RequireNonEmpty("team_id", request.team_id());
  auto period = ParsePeriod(request.period());
  if (!period.ok()) v.Add("period", std::string(period.status().message()));
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  v1::TeamReport report;
  if (absl::Status s = BuildTeamReport(caller, request.team_id(), *period, &report); !s.ok()) return s;
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "PutTeamReportProposals", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto current = s.QueryOptionalRow(sql::kSelectTeamProposals, {request.team_id(), period->name});
        if (!current.ok()) return current.status();
        const int64_t version = current->has_value() ? (*current)->Int(1) : 0;
        if (!request.etag().empty() ? request.etag() != resource::EtagOf(version) : version != 0) {
          return errors::WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "đề xuất đã được sửa, hãy đọc lại / stale etag: the proposals of \"", request.team_id(),
                  "\" for ", period->name, " changed")),
              "STALE_ETAG", {{"team_id", request.team_id()}});
        }
        const std::string now = time::FormatTimestamp(absl::Now());
        auto written = version == 0
                           ? s.Execute(sql::kInsertTeamProposals, {request.team_id(), period->name, request.proposals(), now})
                           : s.Execute(sql::kUpdateTeamProposals,
                                       {request.team_id(), period->name, request.proposals(), now, version});
        if (!written.ok()) return written.status();
        *response = report;
        response->set_proposals(request.proposals());
        response->set_etag(resource::EtagOf(version + 1));
        response->set_proposals_updated_at(now);
        response->set_text(TeamReportText(*response, *period));
        note = {"TeamReport", absl::StrCat(request.team_id(), "/", period->name), report.owner_org_id(),
                current->has_value() ? (*current)->Text(0) : "", request.proposals()};
        return absl::OkStatus();
      });
}

}  // namespace chibo::supervision
