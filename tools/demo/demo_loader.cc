#include "tools/demo/demo_loader.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/rpc/client.h"
#include "common/rpc/status_mapping.h"
#include "common/time/dates.h"

namespace chibo::demo {
namespace {

// The demo province's rubric for visits, 25 points each (the rulebook's
// visit_criteria; every demo visit is scored against it).
constexpr const char* kVisitCriteria[] = {"Chuẩn bị sinh hoạt", "Tỷ lệ đảng viên dự họp",
                                          "Nội dung và tinh thần thảo luận", "Biên bản và nghị quyết"};

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
namespace pv1 = ::chibo::supervision::v1;

// Runs work(0..n-1) on `threads` threads; the first error stops the rest.
absl::Status RunParallel(int threads, size_t n, const std::function<absl::Status(size_t)>& work) {
  std::atomic<size_t> next{0};
  std::mutex mu;
  absl::Status first;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i = next++; i < n; i = next++) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!first.ok()) return;
        }
        absl::Status s = work(i);
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (first.ok()) first = s;
          return;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  return first;
}

std::mt19937_64 RngFor(uint64_t seed, const std::string& what) { return DecisionRng(seed, what); }

int Present(const sv1::RecordMeetingRequest& r) {
  int n = 0;
  for (const auto& a : r.attendance()) n += a.mark() == sv1::PRESENT ? 1 : 0;
  return n;
}

struct MeetingRef {
  std::string id, starts_at;
  sv1::MeetingKind kind;
};

class Loader {
 public:
  Loader(const ProvincePlan& plan, const LoadOptions& options)
      : plan_(plan),
        options_(options),
        registry_(rv1::RegistryService::NewStub(
            rpc::MakeChannel(options.registry_addr, "chibo.registry.v1.RegistryService"))),
        scheduling_(sv1::SchedulingService::NewStub(
            rpc::MakeChannel(options.scheduling_addr, "chibo.scheduling.v1.SchedulingService"))),
        supervision_(pv1::SupervisionService::NewStub(
            rpc::MakeChannel(options.supervision_addr, "chibo.supervision.v1.SupervisionService"))) {}

  absl::StatusOr<LoadSummary> Run() {
    const absl::Time start = absl::Now();
    using Step = absl::Status (Loader::*)();
    using Chain = std::vector<std::pair<const char*, Step>>;
    // Stage by stage; a stage's chains run side by side, each step after the
    // one before it in its chain. The registry's members and the scheduling
    // service's calendars need only the units, so they load together (each
    // service has its own database and writer).
    const std::vector<std::vector<Chain>> stages = {
        {{{"units", &Loader::Units}}},
        {{{"members", &Loader::Members}, {"exemptions", &Loader::Exemptions}, {"committees", &Loader::Committees}},
         {{"series", &Loader::Series}, {"thematic+list", &Loader::ThematicMeetingsAndList}}},
        {{{"record", &Loader::RecordMeetings},
          {"record-committee", &Loader::RecordCommitteeMeetings},
          {"teams", &Loader::Teams},
          {"visits", &Loader::Visits},
          {"follower-visits", &Loader::FollowerVisits}}}};
    for (const auto& stage : stages) {
      std::vector<absl::Status> results(stage.size());
      auto run_chain = [&](size_t c) {
        for (const auto& [name, step] : stage[c]) {
          const absl::Time began = absl::Now();
          if (absl::Status s = (this->*step)(); !s.ok()) {
            results[c] = s;
            return;
          }
          options_.progress(absl::StrFormat("  [%s: %.1f s]", name, absl::ToDoubleSeconds(absl::Now() - began)));
        }
      };
      std::vector<std::thread> side;
      for (size_t c = 1; c < stage.size(); ++c) side.emplace_back(run_chain, c);
      run_chain(0);
      for (auto& t : side) t.join();
      for (const absl::Status& s : results) {
        if (!s.ok()) return s;
      }
    }
    summary_.seconds = absl::ToDoubleSeconds(absl::Now() - start);
    return summary_;
  }

 private:
  std::unique_ptr<grpc::ClientContext> Ctx() const {
    return rpc::MakeClientContext(options_.token, absl::Seconds(60));
  }
  std::string RequestId(absl::string_view step, absl::string_view what) const {
    return absl::StrCat("demo-", options_.seed, "-", step, "-", what);
  }
  static absl::Status Check(const grpc::Status& s, absl::string_view what) {
    if (s.ok()) return absl::OkStatus();
    absl::Status status = rpc::FromGrpcStatus(s);
    return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
  }
  static std::string Day(absl::CivilDay d) { return time::FormatDate(d); }
  // The history's first day, and the last day of its last month.
  std::string FirstDay() const { return Day(absl::CivilDay(plan_.first)); }
  std::string LastDay() const { return Day(absl::CivilDay(plan_.last + 1) - 1); }
  // Meetings dated before this are recorded; later ones stay planned.
  std::string AsOf() const { return Day(options_.as_of); }
  // Visits fall in the months before as_of's.
  absl::CivilMonth LastVisitMonth() const { return absl::CivilMonth(options_.as_of) - 1; }
  // Holds a seat or leads a team for the whole history: in the party (and
  // not exempted) from before it began.
  bool Veteran(const PlannedMember& m) const {
    return m.exempted_from.empty() && m.member.admitted_on() < FirstDay();
  }

  absl::Status Units() {
    // Level by level: a unit's parent exists before it.
    for (int depth = 0; depth < 4; ++depth) {
      std::vector<const PlannedUnit*> level;
      for (const auto& u : plan_.units) {
        const int d = u.unit.kind() == rv1::PROVINCE ? 0
                      : u.unit.kind() == rv1::DIRECT_COMMITTEE ? 1
                      : u.unit.kind() == rv1::SUBORDINATE_CELL ? 3 : 2;
        if (d == depth) level.push_back(&u);
      }
      if (auto s = RunParallel(options_.threads, level.size(), [&](size_t i) {
            rv1::CreateOrgUnitRequest r;
            *r.mutable_org_unit() = level[i]->unit;
            r.set_request_id(RequestId("unit", level[i]->unit.id()));
            rv1::OrgUnit out;
            return Check(registry_->CreateOrgUnit(Ctx().get(), r, &out), level[i]->unit.id());
          });
          !s.ok()) {
        return s;
      }
    }
    summary_.units = static_cast<int>(plan_.units.size());
    options_.progress(absl::StrCat("tổ chức / org units: ", summary_.units));
    return Rubric();
  }

  // The province's rubric for visits (tiêu chí đánh giá buổi sinh hoạt), on
  // the built-in rulebook otherwise, from the first day of the history.
  absl::Status Rubric() {
    for (const auto& u : plan_.units) {
      if (u.unit.kind() != rv1::PROVINCE) continue;
      rv1::GetRulebookRequest get;
      get.set_province_id(u.unit.id());
      get.set_on_date(FirstDay());
      rv1::RulebookVersion current;
      if (auto st = Check(registry_->GetRulebook(Ctx().get(), get, &current), "rulebook"); !st.ok()) return st;
      if (!current.rules().visit_criteria().empty()) continue;
      rv1::PutRulebookRequest put;
      put.set_province_id(u.unit.id());
      put.set_effective_from(FirstDay());
      *put.mutable_rules() = current.rules();
      for (const char* name : kVisitCriteria) {
        auto* c = put.mutable_rules()->add_visit_criteria();
        c->set_name(name);
        c->set_max_points(25);
      }
      put.set_request_id(RequestId("rulebook", u.unit.id()));
      rv1::RulebookVersion out;
      if (auto st = Check(registry_->PutRulebook(Ctx().get(), put, &out), "rulebook"); !st.ok()) return st;
    }
    return absl::OkStatus();
  }

  absl::Status Members() {
    std::map<std::string, std::string> opened;  // cell → its opening day
    for (const auto& u : plan_.units) opened[u.unit.id()] = u.unit.opened_on();
    // In batches (BatchCreateMembers): one call and one transaction for up
    // to kBatch members, as a district's paper roll is brought in.
    constexpr size_t kBatch = 100;
    const size_t batches = (plan_.members.size() + kBatch - 1) / kBatch;
    auto s = RunParallel(options_.threads, batches, [&](size_t b) {
      rv1::BatchCreateMembersRequest batch;
      for (size_t i = b * kBatch; i < std::min(plan_.members.size(), (b + 1) * kBatch); ++i) {
        rv1::CreateMemberRequest& r = *batch.add_requests();
        *r.mutable_member() = plan_.members[i].member;
        // Admitted before the cell was founded: in it from its founding.
        const std::string& cell_opened = opened[r.member().home_cell_id()];
        if (r.member().admitted_on() < cell_opened) r.set_in_cell_since(cell_opened);
      }
      batch.set_request_id(RequestId("members", batch.requests(0).member().id()));
      rv1::BatchCreateMembersResponse out;
      return Check(registry_->BatchCreateMembers(Ctx().get(), batch, &out), batch.requests(0).member().id());
    });
    summary_.members = static_cast<int>(plan_.members.size());
    options_.progress(absl::StrCat("đảng viên / members: ", summary_.members));
    return s;
  }

  absl::Status Exemptions() {
    std::vector<const PlannedMember*> exempted;
    for (const auto& m : plan_.members) {
      if (!m.exempted_from.empty()) exempted.push_back(&m);
    }
    summary_.exemptions = static_cast<int>(exempted.size());
    return RunParallel(options_.threads, exempted.size(), [&](size_t i) {
      rv1::MemberLifecycleRequest r;
      r.set_member_id(exempted[i]->member.id());
      r.set_effective_on(exempted[i]->exempted_from);
      r.set_reason("Miễn sinh hoạt do tuổi cao, sức yếu");
      r.set_request_id(RequestId("exempt", r.member_id()));
      rv1::Member out;
      return Check(registry_->StartExemption(Ctx().get(), r, &out), r.member_id());
    });
  }

  absl::Status Series() {
    // Cells keep a fixed monthly day; base committees meet monthly too.
    static const char* kRules[][2] = {
        {"FREQ=MONTHLY;BYDAY=TU;BYMONTHDAY=3,4,5,6,7,8,9", "TU"},  // Tuesday of the second week
        {"FREQ=MONTHLY;BYDAY=1MO", "MO"},
        {"FREQ=MONTHLY;BYDAY=2TU", "TU"},
        {"FREQ=MONTHLY;BYDAY=1FR", "FR"},
        {"FREQ=MONTHLY;BYDAY=3WE", "WE"},
    };
    for (const auto& u : plan_.units) {
      if (u.unit.kind() == rv1::BASE_CELL || u.unit.kind() == rv1::SUBORDINATE_CELL) cells_.push_back(&u);
      if (u.unit.kind() == rv1::BASE_COMMITTEE) committees_.push_back(&u);
    }
    std::vector<const PlannedUnit*> all = cells_;
    all.insert(all.end(), committees_.begin(), committees_.end());
    auto s = RunParallel(options_.threads, all.size(), [&](size_t i) {
      const rv1::OrgUnit& unit = all[i]->unit;
      const bool committee = unit.kind() == rv1::BASE_COMMITTEE;
      auto rng = RngFor(options_.seed, "series/" + unit.id());
      const int which = static_cast<int>(rng() % 5);
      const char* rule = committee ? "FREQ=MONTHLY;BYDAY=1MO" : kRules[which][0];
      const char* weekday = committee ? "MO" : kRules[which][1];
      // The first occurrence in January, found by expanding the rule's day.
      sv1::CreateSeriesRequest r;
      auto* series = r.mutable_series();
      series->set_cell_id(unit.id());
      series->set_kind(committee ? sv1::COMMITTEE : sv1::REGULAR);
      series->set_rrule(rule);
      series->set_first_start(
          FirstStart(rule, weekday, committee ? "14:00" : (rng() % 3 == 0 ? "19:30" : "08:00")));
      series->set_duration_minutes(committee ? 120 : 150);
      series->set_place(committee ? "Hội trường Đảng ủy" : "Nhà văn hóa");
      // Materialized to the service's rolling horizon (its default).
      r.set_request_id(RequestId("series", unit.id()));
      sv1::MeetingSeries out;
      return Check(scheduling_->CreateSeries(Ctx().get(), r, &out), unit.id());
    });
    summary_.series = static_cast<int>(all.size());
    options_.progress(absl::StrCat("lịch sinh hoạt / series: ", summary_.series));
    return s;
  }

  // The first day of the history's first month on which `rule` (on
  // `weekday`, "MO".."FR") falls, at `time`.
  std::string FirstStart(const std::string& rule, const std::string& weekday,
                         const std::string& time) const {
    static const std::map<std::string, absl::Weekday> kWeekdays = {
        {"MO", absl::Weekday::monday}, {"TU", absl::Weekday::tuesday},
        {"WE", absl::Weekday::wednesday}, {"FR", absl::Weekday::friday}};
    for (int day = 1; day <= 28; ++day) {
      absl::CivilDay d(plan_.first.year(), plan_.first.month(), day);
      if (absl::GetWeekday(d) != kWeekdays.at(weekday)) continue;
      const int nth = (day - 1) / 7 + 1;
      const bool match = rule.find("BYMONTHDAY") != std::string::npos ? (day >= 3 && day <= 9)
                         : rule.find("BYDAY=1") != std::string::npos ? nth == 1
                         : rule.find("BYDAY=2") != std::string::npos ? nth == 2
                         : rule.find("BYDAY=3") != std::string::npos ? nth == 3 : false;
      if (match) return absl::StrCat(time::FormatDate(d), "T", time);
    }
    return absl::StrCat(FirstDay(), "T", time);  // unreachable for the rules above
  }

  // Most cells hold a thematic meeting in the middle month of most quarters
  // of the history (those after as_of stay planned). Unit by unit, its
  // thematic meetings are made and then all its meetings listed (their ids
  // for the records): one unit's listing reads while another's meetings are
  // written, instead of a listing pass after all the writes.
  absl::Status ThematicMeetingsAndList() {
    std::vector<absl::CivilMonth> months;  // the middle month of each quarter
    for (absl::CivilMonth q = absl::CivilMonth(plan_.first.year(), 3 * ((plan_.first.month() - 1) / 3) + 1);
         q <= plan_.last; q += 3) {
      if (q + 1 >= plan_.first) months.push_back(q + 1);
    }
    std::vector<const PlannedUnit*> all = cells_;
    all.insert(all.end(), committees_.begin(), committees_.end());
    std::vector<std::vector<absl::CivilMonth>> planned(all.size());  // a cell's thematic months
    for (size_t i = 0; i < cells_.size(); ++i) {
      const PlannedUnit* c = cells_[i];
      for (absl::CivilMonth month : months) {
        auto rng = RngFor(options_.seed, absl::StrCat("thematic/", c->unit.id(), "/", month.year(), "-Q",
                                                      (month.month() + 2) / 3));
        if (std::uniform_real_distribution<double>(0, 1)(rng) < 0.85) planned[i].push_back(month);
      }
      summary_.thematic_meetings += static_cast<int>(planned[i].size());
    }
    std::mutex mu;
    auto s = RunParallel(options_.threads, all.size(), [&](size_t i) -> absl::Status {
      const PlannedUnit* unit = all[i];
      if (!planned[i].empty()) {
        // A cell's thematic meetings in one batch (BatchCreateMeetings): one
        // call, one transaction and one fold per cell.
        sv1::BatchCreateMeetingsRequest b;
        b.set_cell_id(unit->unit.id());
        for (const absl::CivilMonth month : planned[i]) {
          const std::string day = Day(absl::CivilDay(month.year(), month.month(), 24));
          sv1::Meeting& m = *b.add_requests()->mutable_meeting();
          m.set_cell_id(unit->unit.id());
          m.set_kind(sv1::THEMATIC);
          m.set_title("Sinh hoạt chuyên đề: học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh");
          m.set_starts_at(absl::StrCat(day, "T19:30"));
          m.set_ends_at(absl::StrCat(day, "T21:30"));
          m.set_place("Nhà văn hóa");
        }
        b.set_request_id(RequestId("thematic", unit->unit.id()));
        sv1::BatchCreateMeetingsResponse out;
        if (auto st = Check(scheduling_->BatchCreateMeetings(Ctx().get(), b, &out), unit->unit.id()); !st.ok()) {
          return st;
        }
      }
      sv1::ListMeetingsRequest r;
      r.set_org_unit_id(unit->unit.id());
      r.set_from(FirstDay());
      r.set_to(LastDay());
      r.set_page_size(1000);
      sv1::ListMeetingsResponse out;
      if (auto st = Check(scheduling_->ListMeetings(Ctx().get(), r, &out), r.org_unit_id()); !st.ok()) return st;
      std::vector<MeetingRef> refs;
      for (const auto& m : out.meetings()) refs.push_back({m.id(), m.starts_at(), m.kind()});
      std::lock_guard<std::mutex> lock(mu);
      summary_.meetings += static_cast<int>(refs.size());
      meetings_[unit->unit.id()] = std::move(refs);
      return absl::OkStatus();
    });
    options_.progress(absl::StrCat("buổi chuyên đề / thematic meetings: ", summary_.thematic_meetings));
    return s;
  }

  absl::Status RecordMeetings() {
    const std::string as_of = AsOf();
    // A cell's records go in batches (BatchRecordMeetings): one call, one
    // transaction and one fold of the cell's year for up to kBatch of them.
    constexpr size_t kBatch = 50;
    std::vector<std::pair<std::string, std::vector<const MeetingRef*>>> todo;  // cell, its meetings
    size_t records = 0;
    for (const PlannedUnit* c : cells_) {
      for (const MeetingRef& m : meetings_[c->unit.id()]) {
        auto rng = RngFor(options_.seed, "record/" + c->unit.id() + "/" + m.starts_at);
        if (m.starts_at.substr(0, 10) < as_of && std::uniform_real_distribution<double>(0, 1)(rng) < 0.95) {
          if (todo.empty() || todo.back().first != c->unit.id() || todo.back().second.size() == kBatch) {
            todo.emplace_back(c->unit.id(), std::vector<const MeetingRef*>{});
          }
          todo.back().second.push_back(&m);
          ++records;
        }
      }
    }
    std::atomic<int> done{0};
    auto s = RunParallel(options_.threads, todo.size(), [&](size_t i) -> absl::Status {
      const auto& [cell, batch] = todo[i];
      sv1::BatchRecordMeetingsRequest b;
      b.set_cell_id(cell);
      b.set_request_id(RequestId("record", batch.front()->id));
      // The rosters of the batch's days, in one call.
      rv1::BatchGetRostersRequest rr;
      rr.set_cell_id(cell);
      for (const MeetingRef* m : batch) rr.add_dates(m->starts_at.substr(0, 10));
      rv1::BatchGetRostersResponse rosters;
      if (auto st = Check(registry_->BatchGetRosters(Ctx().get(), rr, &rosters), cell); !st.ok()) return st;
      for (size_t k = 0; k < batch.size(); ++k) {
        const MeetingRef* m = batch[k];
        const rv1::Roster& roster = rosters.rosters(static_cast<int>(k));
        auto rng = RngFor(options_.seed, "attend/" + cell + "/" + m->starts_at);
        auto uniform = [&] { return std::uniform_real_distribution<double>(0, 1)(rng); };
        sv1::RecordMeetingRequest& r = *b.add_requests();
        r.set_id(m->id);
        r.set_actual_start(m->starts_at);
        const int minutes = uniform() < 0.06 ? 60 + static_cast<int>(rng() % 29) : 95 + static_cast<int>(rng() % 110);
        r.set_actual_end(time::FormatLocalMinute(*time::ParseLocalMinute(m->starts_at) + minutes));
        static const char* kReasons[] = {"Ốm", "Đi công tác", "Việc gia đình", "Đi làm ăn xa"};
        for (const auto& e : roster.entries()) {
          if (e.presence() != rv1::EXPECTED) continue;
          auto* a = r.add_attendance();
          a->set_member_id(e.member_id());
          const double x = uniform();
          a->set_mark(x < 0.90 ? sv1::PRESENT : x < 0.975 ? sv1::ABSENT_EXCUSED : sv1::ABSENT_UNEXCUSED);
          if (a->mark() == sv1::ABSENT_EXCUSED) a->set_reason(kReasons[rng() % 4]);
        }
        const int opinions = 1 + static_cast<int>(rng() % 6);
        r.set_opinions(opinions);
        // Never more speakers than members present.
        r.set_speakers(std::min(1 + static_cast<int>(rng() % opinions), Present(r)));
        r.set_resolution("Nghị quyết lãnh đạo thực hiện nhiệm vụ tháng tới");
        r.set_self_score(60 + static_cast<int>(rng() % 41));
      }
      sv1::BatchRecordMeetingsResponse out;
      if (auto st = Check(scheduling_->BatchRecordMeetings(Ctx().get(), b, &out), cell); !st.ok()) return st;
      const int before = done.fetch_add(static_cast<int>(batch.size()));
      if ((before + static_cast<int>(batch.size())) / 5000 > before / 5000) {
        options_.progress(absl::StrCat("biên bản / recorded: ", before + batch.size()));
      }
      return absl::OkStatus();
    });
    summary_.recorded = static_cast<int>(records);
    options_.progress(absl::StrCat("biên bản / recorded meetings: ", summary_.recorded));
    return s;
  }

  // A member of a cell under `district` (or any) to lead a team.
  std::string LeaderIn(int district, int k) const {
    std::vector<const PlannedMember*> in;
    std::set<std::string> cells;
    for (const PlannedUnit* c : cells_) {
      if (district < 0 || c->district == district) cells.insert(c->unit.id());
    }
    for (const auto& m : plan_.members) {
      if (cells.count(m.member.home_cell_id()) && Veteran(m)) in.push_back(&m);
    }
    return in.empty() ? plan_.members.front().member.id() : in[(k * 7919) % in.size()]->member.id();
  }

  // Each base committee's members (đảng ủy viên), drawn from its own cells,
  // and the provincial committee members who each follow one cell.
  absl::Status Committees() {
    std::map<std::string, std::vector<const PlannedMember*>> members_by_committee;
    std::map<std::string, std::string> parent;
    for (const auto& u : plan_.units) parent[u.unit.id()] = u.unit.parent_id();
    for (const auto& m : plan_.members) {
      if (!Veteran(m)) continue;
      const std::string& committee = parent[m.member.home_cell_id()];
      members_by_committee[committee].push_back(&m);
    }
    std::vector<std::pair<std::string, std::string>> seats;  // committee, member
    for (const auto& u : plan_.units) {
      if (u.unit.kind() != rv1::BASE_COMMITTEE) continue;
      const auto& pool = members_by_committee[u.unit.id()];
      for (size_t k = 0; k < std::min<size_t>(5, pool.size()); ++k) {
        seats.emplace_back(u.unit.id(), pool[(k * 7) % pool.size()]->member.id());
      }
    }
    std::set<std::pair<std::string, std::string>> unique(seats.begin(), seats.end());
    seats.assign(unique.begin(), unique.end());
    // Provincial committee members following a cell each (seed 000).
    for (int k = 0; k < 20 && k < static_cast<int>(plan_.members.size()); ++k) {
      const PlannedMember& m = plan_.members[(k * 1777) % plan_.members.size()];
      if (!Veteran(m)) continue;
      seats.emplace_back("tinh", m.member.id());
      followers_.push_back(&m);
    }
    summary_.committee_members = static_cast<int>(seats.size());
    return RunParallel(options_.threads, seats.size(), [&](size_t i) {
      rv1::AssignPositionRequest r;
      r.set_member_id(seats[i].second);
      r.set_org_unit_id(seats[i].first);
      r.set_position(rv1::COMMITTEE_MEMBER);
      r.set_effective_on(FirstDay());
      r.set_request_id(RequestId("seat", absl::StrCat(seats[i].first, "-", seats[i].second)));
      rv1::Member out;
      return Check(registry_->AssignPosition(Ctx().get(), r, &out), seats[i].second);
    });
  }

  // Base committees' own monthly meetings, recorded against their members,
  // a committee's in batches as the cells' are.
  absl::Status RecordCommitteeMeetings() {
    const std::string as_of = AsOf();
    constexpr size_t kBatch = 50;
    std::vector<std::pair<std::string, std::vector<const MeetingRef*>>> todo;  // committee, its meetings
    for (const PlannedUnit* c : committees_) {
      for (const MeetingRef& m : meetings_[c->unit.id()]) {
        if (m.starts_at.substr(0, 10) >= as_of) continue;
        if (todo.empty() || todo.back().first != c->unit.id() || todo.back().second.size() == kBatch) {
          todo.emplace_back(c->unit.id(), std::vector<const MeetingRef*>{});
        }
        todo.back().second.push_back(&m);
      }
    }
    return RunParallel(options_.threads, todo.size(), [&](size_t i) -> absl::Status {
      const auto& [unit, batch] = todo[i];
      rv1::BatchGetRostersRequest rr;
      rr.set_cell_id(unit);
      for (const MeetingRef* m : batch) rr.add_dates(m->starts_at.substr(0, 10));
      rv1::BatchGetRostersResponse rosters;
      if (auto st = Check(registry_->BatchGetRosters(Ctx().get(), rr, &rosters), unit); !st.ok()) return st;
      sv1::BatchRecordMeetingsRequest b;
      b.set_cell_id(unit);
      b.set_request_id(RequestId("record-committee", batch.front()->id));
      for (size_t k = 0; k < batch.size(); ++k) {
        const MeetingRef* m = batch[k];
        const rv1::Roster& roster = rosters.rosters(static_cast<int>(k));
        if (roster.expected() == 0) continue;  // nobody sat on it yet: left planned
        auto rng = RngFor(options_.seed, "committee/" + unit + "/" + m->starts_at);
        sv1::RecordMeetingRequest& r = *b.add_requests();
        r.set_id(m->id);
        r.set_actual_start(m->starts_at);
        r.set_actual_end(time::FormatLocalMinute(*time::ParseLocalMinute(m->starts_at) + 100 + static_cast<int>(rng() % 60)));
        for (const auto& e : roster.entries()) {
          if (e.presence() != rv1::EXPECTED) continue;
          auto* a = r.add_attendance();
          a->set_member_id(e.member_id());
          a->set_mark(rng() % 10 == 0 ? sv1::ABSENT_EXCUSED : sv1::PRESENT);
          if (a->mark() == sv1::ABSENT_EXCUSED) a->set_reason("Đi công tác");
        }
        r.set_opinions(2 + static_cast<int>(rng() % 5));
        r.set_speakers(std::min(2, Present(r)));
        r.set_resolution("Nghị quyết của Đảng ủy");
      }
      if (b.requests().empty()) return absl::OkStatus();
      sv1::BatchRecordMeetingsResponse out;
      return Check(scheduling_->BatchRecordMeetings(Ctx().get(), b, &out), unit);
    });
  }

  // Each provincial committee member following a cell attends it every
  // quarter, alone, on behalf of the provincial committee.
  absl::Status FollowerVisits() {
    std::vector<std::pair<const PlannedMember*, const MeetingRef*>> todo;
    const std::string visits_before = Day(absl::CivilDay(LastVisitMonth() + 1));
    for (size_t k = 0; k < followers_.size(); ++k) {
      const PlannedUnit* cell = cells_[(k * 389) % cells_.size()];
      pv1::AssignFollowerRequest a;
      a.mutable_assignment()->set_member_id(followers_[k]->member.id());
      a.mutable_assignment()->set_cell_id(cell->unit.id());
      a.mutable_assignment()->set_from_date(FirstDay());
      a.set_request_id(RequestId("follow", followers_[k]->member.id()));
      pv1::FollowAssignment out;
      if (auto st = Check(supervision_->AssignFollower(Ctx().get(), a, &out), cell->unit.id()); !st.ok()) return st;
      for (const MeetingRef& m : meetings_[cell->unit.id()]) {
        const int month = std::stoi(m.starts_at.substr(5, 2));
        if (m.kind != sv1::THEMATIC && month % 3 == 1 && m.starts_at.substr(0, 10) < visits_before) {
          todo.emplace_back(followers_[k], &m);
        }
      }
    }
    summary_.visits += static_cast<int>(todo.size());
    return RunParallel(options_.threads, todo.size(), [&](size_t i) {
      pv1::RecordVisitRequest r;
      r.mutable_visit()->set_meeting_id(todo[i].second->id);
      r.mutable_visit()->set_supervisor_member_id(todo[i].first->member.id());
      r.mutable_visit()->set_owner_org_id("tinh");
      r.mutable_visit()->set_observations("Đồng chí cấp ủy viên theo dõi chi bộ dự sinh hoạt.");
      r.set_request_id(RequestId("follow-visit", todo[i].second->id));
      pv1::Visit out;
      return Check(supervision_->RecordVisit(Ctx().get(), r, &out), todo[i].second->id);
    });
  }

  absl::Status Teams() {
    constexpr int kProvinceTeams = 8;
    for (int k = 0; k < kProvinceTeams; ++k) {
      province_teams_.push_back(absl::StrFormat("to-tinh-%02d", k + 1));
    }
    std::vector<pv1::CreateTeamRequest> requests;
    for (int k = 0; k < kProvinceTeams; ++k) {
      pv1::CreateTeamRequest r;
      r.mutable_team()->set_id(province_teams_[k]);
      r.mutable_team()->set_name(absl::StrCat("Tổ dự sinh hoạt số ", k + 1, " của Tỉnh ủy"));
      r.mutable_team()->set_owner_org_id("tinh");
      r.mutable_team()->set_leader_member_id(LeaderIn(-1, k + 1));
      requests.push_back(r);
    }
    for (const auto& u : plan_.units) {
      if (u.unit.kind() != rv1::DIRECT_COMMITTEE) continue;
      pv1::CreateTeamRequest r;
      r.mutable_team()->set_id(absl::StrCat("to-", u.unit.id()));
      r.mutable_team()->set_name(absl::StrCat("Tổ dự sinh hoạt – ", u.unit.name()));
      r.mutable_team()->set_owner_org_id(u.unit.id());
      r.mutable_team()->set_leader_member_id(LeaderIn(u.district, 1));
      district_teams_[u.district] = r.team().id();
      requests.push_back(r);
    }
    summary_.teams = static_cast<int>(requests.size());
    return RunParallel(options_.threads, requests.size(), [&](size_t i) {
      pv1::CreateTeamRequest r = requests[i];
      r.set_request_id(RequestId("team", r.team().id()));
      pv1::Team out;
      return Check(supervision_->CreateTeam(Ctx().get(), r, &out), r.team().id());
    });
  }

  absl::Status Visits() {
    struct Planned {
      std::string team, meeting;
    };
    std::vector<Planned> visits;
    std::set<std::pair<std::string, std::string>> seen, busy;  // (team, meeting), (team, day)
    const std::string as_of = AsOf();
    // The meetings of `units` in `month` of a kind, as candidates.
    auto candidates = [&](const std::vector<const PlannedUnit*>& units, absl::CivilMonth month, bool thematic) {
      std::vector<std::pair<const PlannedUnit*, const MeetingRef*>> out;
      const std::string prefix = absl::StrFormat("%04d-%02d", month.year(), month.month());
      for (const PlannedUnit* u : units) {
        for (const MeetingRef& m : meetings_[u->unit.id()]) {
          if (m.starts_at.compare(0, 7, prefix) != 0 || m.starts_at.substr(0, 10) >= as_of) continue;
          if ((m.kind == sv1::THEMATIC) != thematic) continue;
          out.emplace_back(u, &m);
          if (u->unit.remote()) out.emplace_back(u, &m);  // remote cells are favoured
        }
      }
      return out;
    };
    auto choose = [&](const std::string& team, const std::vector<const PlannedUnit*>& units,
                      absl::CivilMonth month, bool thematic, int count, std::mt19937_64& rng) {
      auto pool = candidates(units, month, thematic);
      for (int n = 0; n < count && !pool.empty(); ++n) {
        const auto& pick = pool[rng() % pool.size()];
        // A team attends one meeting a day (never two at once: RecordVisit refuses it).
        if (busy.count({team, pick.second->starts_at.substr(0, 10)})) continue;
        if (seen.insert({team, pick.second->id}).second) {
          busy.insert({team, pick.second->starts_at.substr(0, 10)});
          visits.push_back({team, pick.second->id});
        }
      }
    };
    std::map<int, std::vector<const PlannedUnit*>> cells_by_district, committees_by_district;
    for (const PlannedUnit* c : cells_) cells_by_district[c->district].push_back(c);
    for (const PlannedUnit* c : committees_) committees_by_district[c->district].push_back(c);
    for (absl::CivilMonth month = plan_.first; month <= LastVisitMonth(); ++month) {
      const std::string ym = absl::StrFormat("%04d-%02d", month.year(), month.month());
      for (size_t k = 0; k < province_teams_.size(); ++k) {
        auto rng = RngFor(options_.seed, absl::StrCat("visit/", province_teams_[k], "/", ym));
        std::vector<const PlannedUnit*> cells, committees;
        for (int d = static_cast<int>(k); d < plan_.district_count; d += static_cast<int>(province_teams_.size())) {
          cells.insert(cells.end(), cells_by_district[d].begin(), cells_by_district[d].end());
          committees.insert(committees.end(), committees_by_district[d].begin(), committees_by_district[d].end());
        }
        choose(province_teams_[k], cells, month, false, 1 + static_cast<int>(rng() % 2), rng);
        if (month.month() % 2 == 0) choose(province_teams_[k], committees, month, false, 1, rng);
        if (month.month() % 3 == 2) choose(province_teams_[k], cells, month, true, 1, rng);
      }
      for (const auto& [district, team] : district_teams_) {
        auto rng = RngFor(options_.seed, absl::StrCat("visit/", team, "/", ym));
        const auto& cells = cells_by_district[district];
        const int count = std::max<int>(1, static_cast<int>(cells.size() * 0.045 + 0.5));
        choose(team, cells, month, false, count, rng);
        choose(team, committees_by_district[district], month, false, 1 + static_cast<int>(rng() % 3), rng);
        choose(team, cells, month, true, 1 + static_cast<int>(rng() % 2), rng);
      }
    }
    summary_.visits = static_cast<int>(visits.size());
    auto s = RunParallel(options_.threads, visits.size(), [&](size_t i) {
      auto rng = RngFor(options_.seed, "grade/" + visits[i].team + "/" + visits[i].meeting);
      pv1::RecordVisitRequest r;
      r.mutable_visit()->set_team_id(visits[i].team);
      r.mutable_visit()->set_meeting_id(visits[i].meeting);
      r.mutable_visit()->set_observations("Chi bộ sinh hoạt đúng nội dung, trình tự; đảng viên tham gia ý kiến.");
      for (const char* criterion : kVisitCriteria) {
        auto* score = r.mutable_visit()->add_scores();
        score->set_criterion(criterion);
        score->set_max_points(25);
        score->set_points(14 + static_cast<int>(rng() % 12));
      }
      r.mutable_visit()->add_recommendations()->set_text("Nâng cao chất lượng thảo luận, phân công nhiệm vụ cụ thể");
      r.set_request_id(RequestId("visit", absl::StrCat(visits[i].team, "-", visits[i].meeting)));
      pv1::Visit out;
      return Check(supervision_->RecordVisit(Ctx().get(), r, &out), visits[i].meeting);
    });
    options_.progress(absl::StrCat("lượt dự sinh hoạt / visits: ", summary_.visits));
    return s;
  }

  const ProvincePlan& plan_;
  LoadOptions options_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_;
  std::unique_ptr<sv1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<pv1::SupervisionService::Stub> supervision_;
  std::vector<const PlannedUnit*> cells_, committees_;
  std::map<std::string, std::vector<MeetingRef>> meetings_;
  std::vector<std::string> province_teams_;
  std::vector<const PlannedMember*> followers_;
  std::map<int, std::string> district_teams_;
  LoadSummary summary_;
};

}  // namespace

absl::StatusOr<LoadSummary> LoadProvince(const ProvincePlan& plan, const LoadOptions& options) {
  return Loader(plan, options).Run();
}

}  // namespace chibo::demo
