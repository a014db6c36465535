#include "tests/fuzz/served_services.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/journal/journaled_write.h"
#include "common/rpc/client.h"
#include "common/time/dates.h"
#include "migrations/scheduling_migrations.h"

namespace chibo::fuzz {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
using registry::testing::RegistryHarness;

void MustOkGrpc(const grpc::Status& s, const std::string& what) {
  if (!s.ok()) MustOk(absl::InternalError(s.error_message()), what);
}

void Unit(RegistryHarness& h, const std::string& token, const std::string& id,
          rv1::OrgUnitKind kind, const std::string& parent,
          rv1::OrgUnitCategory category = rv1::OTHER) {
  rv1::CreateOrgUnitRequest r;
  r.mutable_org_unit()->set_id(id);
  r.mutable_org_unit()->set_kind(kind);
  r.mutable_org_unit()->set_category(category);
  r.mutable_org_unit()->set_name("Đơn vị " + id);
  r.mutable_org_unit()->set_parent_id(parent);
  r.mutable_org_unit()->set_opened_on("2000-01-01");
  rv1::OrgUnit out;
  MustOkGrpc(h.stub().CreateOrgUnit(RegistryHarness::Ctx(token).get(), r, &out), "unit " + id);
}

void Member(RegistryHarness& h, const std::string& token, const std::string& id,
            const std::string& cell) {
  rv1::CreateMemberRequest r;
  auto* m = r.mutable_member();
  m->set_id(id);
  m->set_card_number("TD-" + id);
  m->set_full_name("Nguyễn Văn " + id);
  m->set_home_cell_id(cell);
  m->set_birth_date("1980-02-03");
  m->set_admitted_on("2015-01-01");
  m->set_official_on("2016-01-01");
  rv1::Member out;
  MustOkGrpc(h.stub().CreateMember(RegistryHarness::Ctx(token).get(), r, &out), "member " + id);
}

}  // namespace

std::string Day(int days) { return time::FormatDate(time::Today() + days); }

std::unique_ptr<RegistryHarness> StartSeededRegistry() {
  auto started = RegistryHarness::Start({});
  MustOk(started.status(), "registry");
  auto h = *std::move(started);
  const std::string admin = Caller(auth::Role::kAdmin, "tinh", "admin").token;
  Unit(*h, admin, "tinh", rv1::PROVINCE, "");
  Unit(*h, admin, "huyen-a", rv1::DIRECT_COMMITTEE, "tinh");
  Unit(*h, admin, "huyen-b", rv1::DIRECT_COMMITTEE, "tinh");
  Unit(*h, admin, "xa-a1", rv1::BASE_COMMITTEE, "huyen-a", rv1::COMMUNE_WARD);
  Unit(*h, admin, "cb-1", rv1::SUBORDINATE_CELL, "xa-a1", rv1::RESIDENTIAL);
  Unit(*h, admin, "cb-2", rv1::SUBORDINATE_CELL, "xa-a1", rv1::RESIDENTIAL);
  Unit(*h, admin, "cb-b", rv1::BASE_CELL, "huyen-b", rv1::SCHOOL);
  for (const char* id : {"m1", "m2", "m3", "m4"}) Member(*h, admin, id, "cb-1");
  Member(*h, admin, "m5", "cb-2");
  Member(*h, admin, "m6", "cb-b");
  for (const auto& [member, position] :
       {std::pair{"m1", rv1::STANDING_COMMITTEE_MEMBER}, std::pair{"m2", rv1::COMMITTEE_MEMBER}}) {
    rv1::AssignPositionRequest r;
    r.set_member_id(member);
    r.set_org_unit_id("xa-a1");
    r.set_position(position);
    r.set_effective_on("2020-01-01");
    rv1::Member out;
    MustOkGrpc(h->stub().AssignPosition(RegistryHarness::Ctx(admin).get(), r, &out),
               std::string("position of ") + member);
  }
  return h;
}

SchedulingWorld::SchedulingWorld(int registry_port) {
  database = std::make_unique<FuzzDatabase>(
      "scheduling", FuzzDatabase::MigrationSet{{"journal", journal::JournalMigrations()},
                                               {"scheduling", migrations::SchedulingMigrations()}});
  registry_client = std::make_unique<clients::RegistryClient>(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", registry_port), "chibo.registry.v1.RegistryService"));
  Rebuild();
}

void SchedulingWorld::Rebuild() {
  scheduling.reset();
  cache.reset();
  cache::CacheOptions options;
  options.name = "scheduling-fuzz";
  cache = std::make_unique<cache::Cache>(nullptr, options);
  scheduling = std::make_unique<scheduling::Scheduling>(&database->db(), registry_client.get(),
                                                        cache.get());
}

void SchedulingWorld::Seed(bool record) {
  const auth::Claims admin = Caller(auth::Role::kAdmin, "tinh", "admin");
  absl::CivilDay next_month = time::Today() + 32;
  next_month = absl::CivilDay(next_month.year(), next_month.month(), 5);
  sv1::CreateSeriesRequest series;
  series.mutable_series()->set_id("ls-cb-1");
  series.mutable_series()->set_cell_id("cb-1");
  series.mutable_series()->set_kind(sv1::REGULAR);
  series.mutable_series()->set_rrule("FREQ=MONTHLY;BYMONTHDAY=5");
  series.mutable_series()->set_first_start(absl::StrCat(time::FormatDate(next_month), "T19:00"));
  series.mutable_series()->set_duration_minutes(120);
  series.set_materialize_until(time::FormatDate(next_month + 200));
  sv1::MeetingSeries series_out;
  MustOk(scheduling->CreateSeries(admin, series, &series_out), "series");

  sv1::CreateMeetingRequest meeting;
  auto* m = meeting.mutable_meeting();
  m->set_id("mt-past");
  m->set_cell_id("cb-1");
  m->set_kind(sv1::THEMATIC);
  m->set_title("Chuyên đề");
  m->set_starts_at(Day(-3) + "T19:00");
  m->set_ends_at(Day(-3) + "T21:00");
  sv1::Meeting meeting_out;
  MustOk(scheduling->CreateMeeting(admin, meeting, &meeting_out), "meeting");
  if (!record) return;
  sv1::RecordMeetingRequest rec;
  rec.set_id("mt-past");
  rec.set_actual_start(Day(-3) + "T19:00");
  rec.set_actual_end(Day(-3) + "T21:00");
  for (const char* id : {"m1", "m2", "m3", "m4"}) {
    auto* a = rec.add_attendance();
    a->set_member_id(id);
    a->set_mark(sv1::PRESENT);
  }
  rec.set_speakers(2);
  rec.set_opinions(3);
  MustOk(scheduling->RecordMeeting(admin, rec, &meeting_out), "record");
}

ServedScheduling::ServedScheduling(int registry_port) : world_(registry_port) {
  world_.Seed(/*record=*/true);
  auth::VerifierOptions verifier_options;
  verifier_options.hs256_key = kFuzzKey;
  verifier_ = *auth::TokenVerifier::Create(verifier_options);
  pool_ = std::make_unique<concurrency::ThreadPool>(2);
  runner_ = std::make_unique<rpc::CallRunner>("chibo.scheduling.v1.SchedulingService",
                                              verifier_.get(), pool_.get());
  service_ = std::make_unique<scheduling::SchedulingGrpcService>(world_.scheduling.get(), runner_.get());
  rpc::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = rpc::GrpcServer::Start(server_options, {service_.get()});
  MustOk(server.status(), "scheduling server");
  server_ = *std::move(server);
  channel_ = rpc::MakeChannel(absl::StrCat("127.0.0.1:", server_->port()),
                              "chibo.scheduling.v1.SchedulingService");
}

}  // namespace chibo::fuzz
