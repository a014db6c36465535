// Visits (dự sinh hoạt): a team attends one meeting; observations, scores
// against the rulebook's criteria and the resulting grade, recommendations
// the cell must act on and their follow-up.
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/str_cat.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/paging/page_token.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "google/protobuf/util/json_util.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

using errors::FieldViolations;
namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;

std::string Now() { return time::FormatTimestamp(absl::Now()); }

v1::Visit VisitFromRow(const db::Row& r) {
  v1::Visit v;
  // Two JSON columns, read apart: parsing into a message replaces what it held.
  v1::Visit json, scores_json;
  (void)google::protobuf::util::JsonStringToMessage(r.Text(8), &json);
  (void)google::protobuf::util::JsonStringToMessage(r.Text(10), &scores_json);
  v.set_id(r.Text(0));
  v.set_meeting_id(r.Text(1));
  v.set_team_id(r.Text(2));
  v.set_owner_org_id(r.Text(14));
  v.set_supervisor_member_id(r.Text(16));
  v.set_level(static_cast<v1::SupervisionLevel>(r.Int(3)));
  v.set_unit_id(r.Text(4));
  v.set_unit_kind(rv1::OrgUnitKind_Name(static_cast<rv1::OrgUnitKind>(r.Int(5))));
  v.set_meeting_kind(sv1::MeetingKind_Name(static_cast<sv1::MeetingKind>(r.Int(6))));
  v.set_date(r.Text(7));
  *v.mutable_attendee_member_ids() = json.attendee_member_ids();
  v.set_observations(r.Text(9));
  *v.mutable_scores() = scores_json.scores();
  v.set_score(static_cast<int32_t>(r.Int(11)));
  v.set_grade(static_cast<v1::Grade>(r.Int(12)));
  v.set_etag(resource::EtagOf(r.Int(13)));
  return v;
}

// Who a visit puts at its meeting: the team, and each person by name — the
// lone supervisor, the members listed as having gone.
std::vector<std::string> VisitorsOf(const v1::Visit& in) {
  std::set<std::string> who;
  if (!in.team_id().empty()) who.insert(absl::StrCat("team:", in.team_id()));
  if (!in.supervisor_member_id().empty()) who.insert(absl::StrCat("member:", in.supervisor_member_id()));
  for (const std::string& m : in.attendee_member_ids()) who.insert(absl::StrCat("member:", m));
  return {who.begin(), who.end()};  // sorted: locks are taken in one order
}

// The meeting's time as held (once recorded) or as planned, Unix seconds.
std::pair<int64_t, int64_t> MeetingSpan(const sv1::Meeting& m) {
  const bool held = !m.actual_start().empty() && !m.actual_end().empty();
  auto at = [](const std::string& text) {
    auto minute = time::ParseLocalMinute(text);
    return minute.ok() ? time::LocalMinuteToUnix(*minute) : int64_t{0};
  };
  return {at(held ? m.actual_start() : m.starts_at()), at(held ? m.actual_end() : m.ends_at())};
}

// No double-booking (★): refuses the visit when one of its visitors is
// already recorded at a meeting overlapping it, naming that meeting; else
// records where they were. Each visitor's lock row is taken first, so two
// visits of one visitor are judged one after the other.
absl::Status CheckAndRecordPresence(db::Session& s, const std::vector<std::string>& visitors,
                                    absl::string_view visit_id, const sv1::Meeting& meeting) {
  const auto [starts, ends] = MeetingSpan(meeting);
  for (const std::string& who : visitors) {
    if (auto st = s.Execute(sql::kLockVisitor, {who}); !st.ok()) return st.status();
  }
  for (const std::string& who : visitors) {
    auto other = s.QueryOptionalRow(sql::kSelectVisitorOverlap, {who, starts, ends});
    if (!other.ok()) return other.status();
    if (!other->has_value()) continue;
    const db::Row& r = **other;
    const std::string from = time::FormatLocalMinute(time::UnixToLocalMinute(r.Int(2)));
    const std::string to = time::FormatLocalMinute(time::UnixToLocalMinute(r.Int(3)));
    const std::string name = who.substr(who.find(':') + 1);
    return errors::WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "\"", name, "\" đã dự buổi sinh hoạt \"", r.Text(0), "\" của \"", r.Text(1), "\" (", from,
            " – ", to.substr(11), ") trùng giờ / \"", name, "\" is already at meeting \"", r.Text(0),
            "\" of \"", r.Text(1), "\" (", from, "–", to.substr(11), "), which overlaps this one")),
        "VISITOR_BUSY",
        {{"visitor", who}, {"meeting_id", r.Text(0)}, {"unit_id", r.Text(1)}, {"visit_id", r.Text(4)}});
  }
  for (const std::string& who : visitors) {
    auto st = s.Execute(sql::kInsertVisitPresence,
                        {who, visit_id, meeting.id(), meeting.cell_id(), starts, ends});
    if (!st.ok()) return st.status();
  }
  return absl::OkStatus();
}

absl::Status NotFoundVisit(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có lượt dự sinh hoạt / no visit \"", id, "\""));
}

void CheckVisitShape(const v1::RecordVisitRequest& request, FieldViolations& v) {
  const v1::Visit& in = request.visit();
  if (!in.id().empty() && !resource::IsValidId(in.id())) {
    v.Add("visit.id", "2–63 ký tự a-z, 0-9, - / 2..63 of [a-z0-9-]");
  }
  v.RequireNonEmpty("visit.meeting_id", in.meeting_id());
  if (in.team_id().empty() == in.supervisor_member_id().empty()) {
    v.Add("visit.team_id", "một tổ hoặc một người dự (supervisor_member_id) / a team or one supervisor");
  }
  if (!in.supervisor_member_id().empty()) v.RequireNonEmpty("visit.owner_org_id", in.owner_org_id());
  v.CheckLength("visit.observations", in.observations(), 20000);
  int max_total = 0;
  for (int i = 0; i < in.scores_size(); ++i) {
    const auto& s = in.scores(i);
    const std::string f = absl::StrCat("visit.scores[", i, "]");
    v.RequireNonEmpty(f + ".criterion", s.criterion());
    if (s.max_points() <= 0) v.Add(f + ".max_points", "phải dương / must be > 0");
    if (s.points() < 0 || s.points() > s.max_points()) v.Add(f + ".points", "0..max_points");
    max_total += s.max_points();
  }
  if (max_total > 100) v.Add("visit.scores", "tổng điểm tối đa quá 100 / max_points add up to more than 100");
  for (int i = 0; i < in.recommendations_size(); ++i) {
    const std::string f = absl::StrCat("visit.recommendations[", i, "]");
    v.RequireNonEmpty(f + ".text", in.recommendations(i).text());
    v.CheckDate(f + ".due_on", in.recommendations(i).due_on(), false);
  }
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
}

// When the rulebook in force has a rubric, the scores are its criteria:
// each named once, out of the rubric's points.
absl::Status CheckRubric(const v1::Visit& visit, const rv1::Rules& rules) {
  if (rules.visit_criteria().empty()) return absl::OkStatus();
  FieldViolations v;
  std::set<std::string> seen;
  for (int i = 0; i < visit.scores_size(); ++i) {
    const auto& s = visit.scores(i);
    const std::string f = absl::StrCat("visit.scores[", i, "]");
    const rv1::VisitCriterion* criterion = nullptr;
    for (const auto& c : rules.visit_criteria()) {
      if (c.name() == s.criterion()) criterion = &c;
    }
    if (criterion == nullptr) {
      v.Add(f + ".criterion", "không có trong tiêu chí của quy chế / not a criterion of the rulebook in force");
    } else if (s.max_points() != criterion->max_points()) {
      v.Add(f + ".max_points", absl::StrCat("tiêu chí này tối đa ", criterion->max_points(),
                                            " điểm / the rulebook gives it ", criterion->max_points()));
    } else if (!seen.insert(s.criterion()).second) {
      v.Add(f + ".criterion", "chấm hai lần / scored twice");
    }
  }
  // A graded visit scores every criterion: graded on part of the rubric it
  // would grade the part, not the meeting. (A visit may go ungraded.)
  for (const auto& c : rules.visit_criteria()) {
    if (visit.scores_size() > 0 && !seen.count(c.name()) && v.empty()) {
      v.Add("visit.scores", absl::StrCat("thiếu tiêu chí \"", c.name(), "\" / the rubric's criterion is not scored"));
    }
  }
  return v.ToStatus();
}

// A recommendation from its columns (id, text, due_on, status, follow_up)
// starting at column `first`.
void RecommendationFromRow(const db::Row& r, int first, v1::Recommendation* rec) {
  rec->set_id(r.Text(first));
  rec->set_text(r.Text(first + 1));
  rec->set_due_on(r.Text(first + 2));
  rec->set_status(static_cast<v1::RecommendationStatus>(r.Int(first + 3)));
  rec->set_follow_up(r.Text(first + 4));
}

}  // namespace

v1::Grade GradeOf(int score, const rv1::Rules& rules) {
  switch (clients::GradeBandOf(score, rules)) {
    case clients::GradeBand::kGood: return v1::GOOD;
    case clients::GradeBand::kFair: return v1::FAIR;
    case clients::GradeBand::kAverage: return v1::AVERAGE;
    case clients::GradeBand::kPoor: return v1::POOR;
  }
  return v1::POOR;
}

absl::StatusOr<v1::Visit> Supervision::ReadVisit(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectVisit, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundVisit(id);
  v1::Visit visit = VisitFromRow(**row);
  if (absl::Status st = AddRecommendations(s, &visit); !st.ok()) return st;
  return visit;
}

absl::Status Supervision::AddRecommendations(db::Session& s, v1::Visit* visit) {
  auto recs = s.Query(sql::kSelectRecommendations, {visit->id()});
  if (!recs.ok()) return recs.status();
  for (const db::Row& r : recs->rows) RecommendationFromRow(r, 0, visit->add_recommendations());
  return absl::OkStatus();
}

absl::StatusOr<Supervision::Visitor> Supervision::ResolveVisitor(const auth::Claims& caller,
                                                                 const v1::Visit& in) {
  Visitor visitor;
  if (!in.team_id().empty()) {
    db::AutocommitSession read(*db_);
    auto team = ReadTeam(read, in.team_id());
    if (!team.ok()) return team.status();
    if (absl::Status s = registry_->CheckScope(caller, team->owner_org_id()); !s.ok()) return s;
    visitor.owner_org_id = team->owner_org_id();
    visitor.level = team->level();
    visitor.name = team->name();
    visitor.members.insert(team->leader_member_id());
    visitor.members.insert(team->member_ids().begin(), team->member_ids().end());
    return visitor;
  }
  // One supervisor on behalf of a committee (a member following the cell).
  if (absl::Status s = registry_->CheckScope(caller, in.owner_org_id()); !s.ok()) return s;
  auto owner = registry_->GetOrgUnit(caller, in.owner_org_id());
  if (!owner.ok()) return owner.status();
  visitor.owner_org_id = owner->id();
  visitor.level = LevelOfOwner(owner->kind());
  if (visitor.level == v1::SUPERVISION_LEVEL_UNSPECIFIED) {
    return errors::InvalidArgument("visit.owner_org_id", "phải là một cấp ủy / must be a committee");
  }
  auto member = registry_->GetMember(caller, in.supervisor_member_id());
  if (absl::IsNotFound(member.status())) {
    return errors::InvalidArgument("visit.supervisor_member_id",
                                   absl::StrCat("không có đảng viên / no member \"", errors::Echo(in.supervisor_member_id()), "\""));
  }
  if (!member.ok()) return member.status();
  visitor.name = member->full_name();
  visitor.members.insert(member->id());
  return visitor;
}

// DOMAIN §4 (seed 000): one person attends alone only as a member of the
// owning committee who follows the cell, both on the meeting's date.
absl::Status Supervision::CheckLoneSupervisor(const auth::Claims& caller, const v1::Visit& in,
                                              absl::string_view cell_id, absl::string_view date) {
  auto member = registry_->GetMember(caller, in.supervisor_member_id(), date);
  if (!member.ok()) return member.status();
  bool on_committee = false;
  for (const auto& held : member->positions()) {
    if (held.org_unit_id() == in.owner_org_id()) on_committee = true;
  }
  if (!on_committee) {
    return errors::InvalidArgument(
        "visit.supervisor_member_id",
        absl::StrCat("không phải cấp ủy viên của \"", errors::Echo(in.owner_org_id()), "\" ngày ", date,
                     ": chỉ cấp ủy viên theo dõi chi bộ mới dự một mình / not on that committee on ", date,
                     ": only a committee member following the cell attends alone"));
  }
  auto following = db_->QueryOptionalRow(sql::kCountFollowingOn, {in.supervisor_member_id(), cell_id, date});
  if (!following.ok()) return following.status();
  if ((*following)->Int(0) == 0) {
    return errors::InvalidArgument(
        "visit.supervisor_member_id",
        absl::StrCat("không được phân công theo dõi chi bộ \"", errors::Echo(cell_id), "\" ngày ", date,
                     " / does not follow that cell on ", date, " (AssignFollower)"));
  }
  return absl::OkStatus();
}

absl::Status Supervision::RecordVisit(const auth::Claims& caller,
                                      const v1::RecordVisitRequest& request, v1::Visit* response) {
  FieldViolations v;
  CheckVisitShape(request, v);
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const v1::Visit& in = request.visit();
  auto visitor = ResolveVisitor(caller, in);
  if (!visitor.ok()) return visitor.status();
  auto meeting = scheduling_->GetMeeting(caller, in.meeting_id());
  if (!meeting.ok()) return meeting.status();
  if (meeting->status() == sv1::CANCELLED || meeting->status() == sv1::POSTPONED) {
    return errors::WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat("buổi sinh hoạt \"", meeting->id(),
                                                   "\" đã hoãn hoặc hủy / was postponed or cancelled")),
        "MEETING_STATUS", {{"meeting_id", meeting->id()}});
  }
  // A visit is to a meeting already begun; its recommendations fall due after it.
  if (meeting->starts_at() > time::FormatLocalMinute(time::NowLocalMinute())) {
    return errors::InvalidArgument(
        "visit.meeting_id", absl::StrCat("buổi sinh hoạt ", meeting->starts_at(), " chưa diễn ra / the meeting ",
                                         meeting->starts_at(), " has not taken place yet"));
  }
  const std::string date = meeting->starts_at().substr(0, 10);
  for (int i = 0; i < in.recommendations_size(); ++i) {
    const std::string& due = in.recommendations(i).due_on();
    if (!due.empty() && due < date) {
      v.Add(absl::StrCat("visit.recommendations[", i, "].due_on"),
            absl::StrCat("trước ngày dự ", date, " / before the visit on ", date));
    }
  }
  auto unit = registry_->GetOrgUnit(caller, meeting->cell_id(), date);
  if (!unit.ok()) return unit.status();
  bool owner_above = false;
  for (const std::string& id : unit->ancestor_ids()) {
    if (id == visitor->owner_org_id && id != unit->id()) owner_above = true;
  }
  if (!owner_above) {
    return errors::InvalidArgument(
        in.team_id().empty() ? "visit.owner_org_id" : "visit.team_id",
        absl::StrCat("\"", visitor->owner_org_id, "\" không phải cấp trên của \"", unit->id(),
                     "\" / the visiting committee is not above the unit"));
  }
  if (!in.supervisor_member_id().empty()) {
    if (absl::Status s = CheckLoneSupervisor(caller, in, meeting->cell_id(), date); !s.ok()) return s;
  }
  for (int i = 0; i < in.attendee_member_ids_size(); ++i) {
    if (!visitor->members.count(in.attendee_member_ids(i))) {
      v.Add(absl::StrCat("visit.attendee_member_ids[", i, "]"), "không thuộc tổ / not on the team");
    }
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto rulebook = registry_->GetRulebook(caller, unit->ancestor_ids(0), date);
  if (!rulebook.ok()) return rulebook.status();
  if (absl::Status s = CheckRubric(in, rulebook->rules()); !s.ok()) return s;
  int points = 0, max_points = 0;
  for (const auto& s : in.scores()) points += s.points(), max_points += s.max_points();
  const int score = max_points == 0 ? 0 : (points * 100 + max_points / 2) / max_points;
  const v1::Grade grade = max_points == 0 ? v1::GRADE_UNSPECIFIED : GradeOf(score, rulebook->rules());
  const std::string id = in.id().empty() ? resource::NewId("ds") : in.id();
  v1::Visit json;
  *json.mutable_attendee_member_ids() = in.attendee_member_ids();
  v1::Visit scores_json;
  *scores_json.mutable_scores() = in.scores();

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "RecordVisit", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto existing = s.QueryOptionalRow(sql::kSelectVisitOfVisitorMeeting,
                                           {in.team_id(), in.supervisor_member_id(), in.meeting_id()});
        if (!existing.ok()) return existing.status();
        if (existing->has_value()) {
          return errors::WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "đã ghi lượt dự buổi này: \"", (*existing)->Text(0),
                  "\" / this team or supervisor already recorded a visit to this meeting")),
              "DUPLICATE_VISIT", {{"visit_id", (*existing)->Text(0)}});
        }
        if (absl::Status st = CheckAndRecordPresence(s, VisitorsOf(in), id, *meeting); !st.ok()) return st;
        auto done = s.Execute(
            insert_visit_sql_,
            {id, in.meeting_id(), in.team_id(), visitor->owner_org_id,
             static_cast<int64_t>(visitor->level), unit->id(), static_cast<int64_t>(unit->kind()),
             unit->remote(), static_cast<int64_t>(meeting->kind()), date, journal::ToJson(json),
             in.observations(), journal::ToJson(scores_json), static_cast<int64_t>(score),
             static_cast<int64_t>(grade), Now(), in.supervisor_member_id(), visitor->name,
             date.substr(0, 4)});
        if (!done.ok()) {
          return absl::IsAlreadyExists(done.status())
                     ? errors::InvalidArgument("visit.id", "đã tồn tại / already exists")
                     : done.status();
        }
        for (int i = 0; i < in.recommendations_size(); ++i) {
          const auto& rec = in.recommendations(i);
          auto st = s.Execute(sql::kInsertRecommendation,
                              {absl::StrCat(id, "-k", i + 1), id, static_cast<int64_t>(i),
                               rec.text(), rec.due_on()});
          if (!st.ok()) return st.status();
        }
        auto loaded = ReadVisit(s, id);
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"Visit", id, unit->id(), "", journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Supervision::GetVisit(const auth::Claims& caller, const v1::GetVisitRequest& request,
                                   v1::Visit* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession s(*db_);
  auto visit = ReadVisit(s, request.id());
  if (!visit.ok()) return visit.status();
  if (absl::Status st = registry_->CheckScope(caller, visit->unit_id()); !st.ok()) return st;
  *response = *std::move(visit);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<VisitFact>> Supervision::VisitsInPeriod(absl::string_view from,
                                                                   absl::string_view to) {
  auto rows = db_->Query(sql::kSelectVisitFactsInPeriod, {from, to});
  if (!rows.ok()) return rows.status();
  std::vector<VisitFact> out;
  out.reserve(rows->rows.size());
  for (const db::Row& r : rows->rows) {
    VisitFact f;
    f.id = r.Text(0);
    f.team_id = r.Text(1);
    f.owner_org_id = r.Text(2);
    f.level = static_cast<v1::SupervisionLevel>(r.Int(3));
    f.unit_id = r.Text(4);
    f.unit_kind = static_cast<rv1::OrgUnitKind>(r.Int(5));
    f.remote = r.Bool(6);
    f.meeting_kind = static_cast<sv1::MeetingKind>(r.Int(7));
    f.date = r.Text(8);
    f.supervisor_member_id = r.Text(9);
    f.supervisor_name = r.Text(10);
    f.meeting_id = r.Text(11);
    f.score = static_cast<int>(r.Int(12));
    f.grade = static_cast<v1::Grade>(r.Int(13));
    out.push_back(std::move(f));
  }
  return out;
}

absl::Status Supervision::ListVisits(const auth::Claims& caller,
                                     const v1::ListVisitsRequest& request,
                                     v1::ListVisitsResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  v.CheckDate("from", request.from(), true);
  v.CheckDate("to", request.to(), true);
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const std::string filter_key = absl::StrCat(request.org_unit_id(), "|", request.from(), "|", request.to());
  auto offset = paging::DecodePageToken(request.page_token(), filter_key);
  if (!offset.ok()) return errors::InvalidArgument("page_token", std::string(offset.status().message()));
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  auto units = registry_->Subtree(caller, request.org_unit_id(), request.to());
  if (!units.ok()) return units.status();
  std::unordered_set<std::string> in_subtree;
  for (const auto& u : **units) in_subtree.insert(u.id());
  // The visits and their recommendations read in one session, two queries.
  db::AutocommitSession session(*db_);
  auto rows = session.Query(sql::kSelectVisitsInPeriod, {request.from(), request.to()});
  if (!rows.ok()) return rows.status();
  const int size = paging::EffectivePageSize(request.page_size());
  int64_t index = 0;
  std::unordered_map<std::string, v1::Visit*> listed;
  for (const db::Row& r : rows->rows) {
    if (!in_subtree.count(r.Text(4))) continue;
    if (index++ < *offset) continue;
    if (response->visits_size() == size) {
      response->set_next_page_token(paging::EncodePageToken(*offset + size, filter_key));
      break;
    }
    v1::Visit* visit = response->add_visits();
    *visit = VisitFromRow(r);
    listed[visit->id()] = visit;
  }
  if (listed.empty()) return absl::OkStatus();
  auto recs = session.Query(sql::kSelectRecommendationsInPeriod, {request.from(), request.to()});
  if (!recs.ok()) return recs.status();
  for (const db::Row& r : recs->rows) {
    auto it = listed.find(r.Text(0));
    if (it == listed.end()) continue;
    RecommendationFromRow(r, 1, it->second->add_recommendations());
  }
  return absl::OkStatus();
}

absl::Status Supervision::UpdateRecommendation(const auth::Claims& caller,
                                               const v1::UpdateRecommendationRequest& request,
                                               v1::Visit* response) {
  FieldViolations v;
  v.RequireNonEmpty("visit_id", request.visit_id());
  v.RequireNonEmpty("recommendation_id", request.recommendation_id());
  if (request.status() == v1::RECOMMENDATION_STATUS_UNSPECIFIED ||
      !v1::RecommendationStatus_IsValid(request.status())) {
    v.Add("status", "OPEN hoặc DONE");
  }
  v.CheckLength("follow_up", request.follow_up(), 5000);
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession read(*db_);
  auto current = ReadVisit(read, request.visit_id());
  if (!current.ok()) return current.status();
  if (absl::Status s = registry_->CheckScope(caller, current->unit_id()); !s.ok()) return s;

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "UpdateRecommendation", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = ReadVisit(s, request.visit_id());
        if (!before.ok()) return before.status();
        if (!request.etag().empty() && request.etag() != before->etag()) {
          return errors::WithErrorInfo(
              absl::FailedPreconditionError("dữ liệu đã thay đổi, hãy đọc lại / stale etag"),
              "STALE_ETAG", {{"id", request.visit_id()}});
        }
        auto done = s.Execute(sql::kUpdateRecommendation,
                              {request.recommendation_id(), request.visit_id(),
                               static_cast<int64_t>(request.status()), request.follow_up()});
        if (!done.ok()) return done.status();
        if (*done == 0) {
          return absl::NotFoundError(absl::StrCat("không có kiến nghị / no recommendation \"",
                                                  request.recommendation_id(), "\""));
        }
        if (auto st = s.Execute(touch_visit_sql_, {request.visit_id(), Now(), before->date().substr(0, 4)});
            !st.ok()) {
          return st.status();
        }
        auto loaded = ReadVisit(s, request.visit_id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"Visit", request.visit_id(), before->unit_id(), journal::ToJson(*before),
                journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

}  // namespace chibo::supervision
