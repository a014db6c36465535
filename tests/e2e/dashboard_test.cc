// The run command end to end: `deploy/local/up.sh` (on free ports, a temp
// data directory and a small demo province) brings up redis-server and the
// four processes; headless Chromium opens the dashboard on the current year
// (the demo's history runs from January 2025 to today), and every figure it
// shows is checked against the report RPCs; `up.sh --down` stops it all.
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/rpc/client.h"
#include "common/time/dates.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/support/subprocess.h"

namespace chibo {
namespace {

namespace pv1 = ::chibo::supervision::v1;
namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
using chibo::testing::PickFreePort;
using chibo::testing::RunCommand;

class DashboardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = chibo::testing::MakeTempDir("chibo-up");
    http_ = absl::StrCat("127.0.0.1:", PickFreePort());
    supervision_port_ = PickFreePort();
    scheduling_port_ = PickFreePort();
    registry_port_ = PickFreePort();
    env_ = {absl::StrCat("CHIBO_DATA_DIR=", dir_), "CHIBO_DEMO_SCALE=0.03",
            absl::StrCat("CHIBO_HTTP=", http_),
            absl::StrCat("CHIBO_REDIS_PORT=", PickFreePort()),
            absl::StrCat("CHIBO_REGISTRY_PORT=", registry_port_),
            absl::StrCat("CHIBO_SCHEDULING_PORT=", scheduling_port_),
            absl::StrCat("CHIBO_SUPERVISION_PORT=", supervision_port_),
            absl::StrCat("CHIBO_MONITOR_PORTS=", PickFreePort(), ",", PickFreePort(), ",", PickFreePort()),
            absl::StrCat("BUILD_DIR=", CHIBO_BINARY_DIR)};
  }
  void TearDown() override {
    auto down = Up({"--down"});
    EXPECT_TRUE(down.ok() && down->ok()) << (down.ok() ? down->output : down.status().ToString());
    chibo::testing::RemoveTree(dir_);
  }

  absl::StatusOr<chibo::testing::CommandResult> Up(std::vector<std::string> args) {
    std::vector<std::string> argv = {"env"};
    argv.insert(argv.end(), env_.begin(), env_.end());
    argv.push_back("bash");
    argv.push_back(std::string(CHIBO_SOURCE_DIR) + "/deploy/local/up.sh");
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, absl::Minutes(20));
  }

  // Brings the system up, runs tests/e2e/<script> in Chromium with the
  // admin's token and password, and checks what every such script reports:
  // no page error, no serious accessibility violation, no sideways scroll at
  // 360 px. Returns what the script printed; `token` is the admin's.
  void RunAppScript(const std::string& script, absl::Duration limit, std::string* token,
                    google::protobuf::Struct* shown) {
    auto up = Up({});
    ASSERT_TRUE(up.ok()) << up.status();
    ASSERT_TRUE(up->ok()) << up->output;
    std::string password;
    std::getline(std::ifstream(dir_ + "/admin.token"), *token);
    std::getline(std::ifstream(dir_ + "/admin.password"), password);
    ASSERT_FALSE(token->empty());
    ASSERT_FALSE(password.empty());
    auto browser = RunCommand({"node", std::string(CHIBO_SOURCE_DIR) + "/tests/e2e/" + script,
                               absl::StrCat("http://", http_), *token, password, dir_},
                              limit);
    ASSERT_TRUE(browser.ok()) << browser.status();
    ASSERT_TRUE(browser->ok()) << browser->output;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(browser->output, shown).ok()) << browser->output;
    const auto& f = shown->fields();
    EXPECT_TRUE(f.at("errors").list_value().values().empty()) << browser->output;
    for (const auto& [page, found] : f.at("axe").struct_value().fields()) {
      EXPECT_TRUE(found.list_value().values().empty()) << page << ": " << browser->output;
    }
    for (const auto& [page, width] : f.at("wide").struct_value().fields()) {
      EXPECT_LE(width.number_value(), 360) << page << " scrolls sideways at 360 px";
    }
  }

  std::string dir_, http_;
  int supervision_port_ = 0, scheduling_port_ = 0, registry_port_ = 0;
  std::vector<std::string> env_;
};

// The dashboard writes numbers in Vietnamese: 1.234 and 90,1%.
std::string Vn(int64_t n) {
  std::string digits = absl::StrCat(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}
std::string Percent(double x) {
  std::string s = absl::StrFormat("%.1f%%", 100 * x);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

TEST_F(DashboardTest, TheRunCommandServesADashboardShowingTheReportsFigures) {
  auto up = Up({});
  ASSERT_TRUE(up.ok()) << up.status();
  ASSERT_TRUE(up->ok()) << up->output;
  const absl::CivilDay today = time::Today();
  const std::string year = absl::StrCat(today.year());
  EXPECT_NE(up->output.find(absl::StrCat("http://", http_, "/app/login")), std::string::npos) << up->output;
  EXPECT_NE(up->output.find(dir_ + "/admin.password"), std::string::npos) << up->output;
  EXPECT_EQ(up->output.find("#token="), std::string::npos) << "no token on the console: " << up->output;
  std::ifstream token_file(dir_ + "/admin.token");
  std::string token;
  std::getline(token_file, token);
  ASSERT_FALSE(token.empty());

  // What the report RPCs say.
  auto stub = pv1::SupervisionService::NewStub(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", supervision_port_), "chibo.supervision.v1.SupervisionService"));
  pv1::ReportRequest request;
  request.set_org_unit_id("tinh");
  auto reports = [&](const std::string& period, pv1::ActivityReport* activity, pv1::ComplianceReport* compliance) {
    request.set_period(period);
    ASSERT_TRUE(stub->GetActivityReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), request, activity).ok());
    ASSERT_TRUE(stub->GetComplianceReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), request, compliance).ok());
  };
  pv1::ActivityReport activity;
  pv1::ComplianceReport compliance;
  // 2025, a whole year of the history: every cell expected every month,
  // meetings held, visits by both levels.
  reports("2025", &activity, &compliance);
  ASSERT_EQ(activity.levels_size(), 2) << "the demo has provincial and district visits";
  ASSERT_GT(compliance.totals().meetings_held(), 0);
  EXPECT_EQ(compliance.totals().regular_expected(), 12 * compliance.totals().cells());
  // The history reaches today: last month was recorded and visited.
  const absl::CivilMonth last_month = absl::CivilMonth(today) - 1;
  reports(absl::StrFormat("%04d-%02d", last_month.year(), last_month.month()), &activity, &compliance);
  EXPECT_GT(compliance.totals().meetings_held(), 0) << request.period();
  EXPECT_GT(compliance.totals().regular_held(), compliance.totals().regular_expected() / 2) << request.period();
  EXPECT_EQ(activity.levels_size(), 2) << request.period();
  // What the dashboard opens on: the current year.
  reports(year, &activity, &compliance);

  // What the dashboard shows.
  const std::string shot = dir_ + "/dashboard.png";
  auto browser = RunCommand({"node", std::string(CHIBO_SOURCE_DIR) + "/tests/e2e/dashboard_figures.mjs",
                             absl::StrCat("http://", http_), token, year, shot},
                            absl::Minutes(3));
  ASSERT_TRUE(browser.ok()) << browser.status();
  ASSERT_TRUE(browser->ok()) << browser->output;
  google::protobuf::Struct shown;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(browser->output, &shown).ok()) << browser->output;
  const auto& top = shown.fields().at("top").struct_value();
  const auto& figures = top.fields().at("figures").struct_value().fields();
  auto figure = [&](const std::string& key) {
    auto it = figures.find(key);
    return it == figures.end() ? std::string("<missing " + key + ">") : it->second.string_value();
  };
  EXPECT_EQ(top.fields().at("loaded").string_value(), "tinh|" + year);
  EXPECT_TRUE(shown.fields().at("errors").list_value().values().empty()) << browser->output;
  EXPECT_TRUE(shown.fields().at("axe").list_value().values().empty()) << "axe-core: " << browser->output;
  EXPECT_LE(shown.fields().at("wide").number_value(), 360) << "the dashboard scrolls sideways at 360 px";
  EXPECT_EQ(top.fields().at("narrative").string_value(), activity.narrative());
  for (const auto& level : activity.levels()) {
    const std::string p = absl::StrCat("activity.", pv1::SupervisionLevel_Name(level.level()), ".");
    EXPECT_EQ(figure(p + "cellsAttended"), Vn(level.cells_attended()));
    EXPECT_EQ(figure(p + "baseCellsAttended"), Vn(level.base_cells_attended()));
    EXPECT_EQ(figure(p + "subordinateCellsAttended"), Vn(level.subordinate_cells_attended()));
    EXPECT_EQ(figure(p + "committeeMeetingsAttended"), Vn(level.committee_meetings_attended()));
    EXPECT_EQ(figure(p + "thematicMeetingsAttended"), Vn(level.thematic_meetings_attended()));
  }
  const auto& t = compliance.totals();
  EXPECT_EQ(figure("compliance.cells"), Vn(t.cells()));
  EXPECT_EQ(figure("compliance.regular"), absl::StrCat(Vn(t.regular_held()), " / ", Vn(t.regular_expected())));
  EXPECT_EQ(figure("compliance.thematicHeld"), Vn(t.thematic_held()));
  EXPECT_EQ(figure("compliance.attendanceRate"), Percent(t.attendance_rate()));
  EXPECT_EQ(figure("compliance.meetingsUnderMinimum"), Vn(t.meetings_under_minimum()));
  EXPECT_EQ(figure("compliance.unrecordedPastMeetings"), Vn(t.unrecorded_past_meetings()));
  EXPECT_EQ(figure("compliance.standard"),
            absl::StrCat(Vn(t.meetings_meeting_standard()), " (", Percent(t.standard_share()), ")"));
  for (const auto& q : compliance.quarters()) {
    EXPECT_EQ(figure(absl::StrCat("compliance.quarter.", q.quarter(), ".held")), Vn(q.held()));
  }
  for (const auto& child : compliance.children()) {
    EXPECT_EQ(figure(absl::StrCat("compliance.child.", child.org_unit_id(), ".regular")),
              absl::StrCat(Vn(child.figures().regular_held()), " / ", Vn(child.figures().regular_expected())));
  }

  // Coverage and the roll, as the RPCs give them.
  pv1::CoverageReport coverage;
  request.set_period(year);
  ASSERT_TRUE(stub->GetCoverageReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), request, &coverage).ok());
  EXPECT_EQ(figure("coverage.cells"), Vn(coverage.figures().cells()));
  EXPECT_EQ(figure("coverage.cellsNeverAttended"), Vn(coverage.figures().cells_never_attended()));
  EXPECT_EQ(figure("coverage.duplicateCellMonths"), Vn(coverage.figures().duplicate_cell_months()));
  for (const auto& level : coverage.figures().levels()) {
    const std::string p = absl::StrCat("coverage.", pv1::SupervisionLevel_Name(level.level()), ".");
    EXPECT_EQ(figure(p + "cellsAttended"), Vn(level.cells_attended()));
    EXPECT_EQ(figure(p + "share"), Percent(level.share()));
  }
  pv1::QualityReport quality;
  ASSERT_TRUE(stub->GetQualityReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), request, &quality).ok());
  EXPECT_EQ(figure("quality.selfGraded"), Vn(quality.figures().self_graded().graded()));
  EXPECT_EQ(figure("quality.supervisorGraded"), Vn(quality.figures().supervisor_graded().graded()));
  EXPECT_EQ(figure("quality.compared"), Vn(quality.figures().compared()));
  EXPECT_EQ(figure("quality.differShare"), Percent(quality.figures().differ_share()));
  EXPECT_EQ(figure("quality.supervisor.GOOD"), Vn(quality.figures().supervisor_graded().good()));
  EXPECT_EQ(figure("quality.self.POOR"), Vn(quality.figures().self_graded().poor()));
  auto registry = rv1::RegistryService::NewStub(
      rpc::MakeChannel(absl::StrCat("127.0.0.1:", registry_port_), "chibo.registry.v1.RegistryService"));
  rv1::GetRollReportRequest roll_request;
  roll_request.set_org_unit_id("tinh");
  roll_request.set_period(year);
  rv1::RollReport roll;
  ASSERT_TRUE(registry->GetRollReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), roll_request, &roll).ok());
  ASSERT_GT(roll.figures().members(), 0);
  EXPECT_EQ(figure("roll.members"), Vn(roll.figures().members()));
  EXPECT_EQ(figure("roll.official"), Vn(roll.figures().official()));
  EXPECT_EQ(figure("roll.exempted"), Vn(roll.figures().exempted()));
  EXPECT_EQ(figure("roll.joined"), Vn(roll.figures().joined()));
  for (const auto& child : roll.children()) {
    EXPECT_EQ(figure(absl::StrCat("roll.child.", child.org_unit_id(), ".members")), Vn(child.figures().members()));
  }

  // The CLI reads the same report, and says a bad period in one line.
  const std::string cli = std::string(CHIBO_BINARY_DIR) + "/tools/chibo";
  const std::vector<std::string> cli_flags = {
      absl::StrCat("--data_dir=", dir_), absl::StrCat("--supervision_addr=127.0.0.1:", supervision_port_)};
  auto with = [&](std::vector<std::string> words) {
    std::vector<std::string> argv = {cli};
    argv.insert(argv.end(), cli_flags.begin(), cli_flags.end());
    argv.insert(argv.end(), words.begin(), words.end());
    return RunCommand(argv);
  };
  auto json = with({"--json", "report", "compliance", "tinh", year});
  ASSERT_TRUE(json.ok() && json->ok()) << (json.ok() ? json->output : json.status().ToString());
  pv1::ComplianceReport from_cli;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json->output, &from_cli).ok()) << json->output;
  EXPECT_EQ(from_cli.totals().SerializeAsString(), compliance.totals().SerializeAsString());
  auto bad = with({"report", "activity", "tinh", "2025-Q9"});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->exit_code, 1);
  EXPECT_NE(bad->output.find("INVALID_ARGUMENT"), std::string::npos) << bad->output;
  EXPECT_NE(bad->output.find("[period]"), std::string::npos) << bad->output;

  // Drilled into the first child: its own report, as the RPC gives it.
  const auto& drilled = shown.fields().at("child").struct_value();
  const std::string loaded = drilled.fields().at("loaded").string_value();
  const std::string child_id = loaded.substr(0, loaded.find('|'));
  ASSERT_EQ(child_id, compliance.children(0).org_unit_id());
  const auto& views = shown.fields().at("views").struct_value().fields();
  EXPECT_EQ(views.at("drilled").string_value(), child_id) << "the drilled view's URL names its unit";
  EXPECT_EQ(views.at("back").string_value(), "tinh|" + year) << "the back button returns to the province";
  request.set_org_unit_id(child_id);
  pv1::ComplianceReport child_report;
  ASSERT_TRUE(stub->GetComplianceReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), request, &child_report).ok());
  const auto& child_figures = drilled.fields().at("figures").struct_value().fields();
  EXPECT_EQ(child_figures.at("compliance.regular").string_value(),
            absl::StrCat(Vn(child_report.totals().regular_held()), " / ", Vn(child_report.totals().regular_expected())));
  EXPECT_EQ(child_figures.at("compliance.attendanceRate").string_value(),
            Percent(child_report.totals().attendance_rate()));
}


// The secretary's month in the web app on a phone (tests/e2e/app_secretary.mjs):
// sign in, record a meeting's roll call and outcome, approve the minutes,
// an edit after approval refused on the page; the same offline, pending,
// then synced once; every page without serious accessibility violations
// and without sideways scrolling at 360 px; then a supervisor records a
// visit with rubric scores and follows up its recommendation. Checked
// against the RPCs.
TEST_F(DashboardTest, ASecretaryRecordsAMeetingOnAPhoneEvenOfflineAndASupervisorGradesIt) {
  auto up = Up({});
  ASSERT_TRUE(up.ok()) << up.status();
  ASSERT_TRUE(up->ok()) << up->output;
  std::ifstream token_file(dir_ + "/admin.token");
  std::string token;
  std::getline(token_file, token);
  ASSERT_FALSE(token.empty());
  auto browser = RunCommand({"node", std::string(CHIBO_SOURCE_DIR) + "/tests/e2e/app_secretary.mjs",
                             absl::StrCat("http://", http_), token, dir_},
                            absl::Minutes(4));
  ASSERT_TRUE(browser.ok()) << browser.status();
  ASSERT_TRUE(browser->ok()) << browser->output;
  google::protobuf::Struct shown;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(browser->output, &shown).ok()) << browser->output;
  const auto& f = shown.fields();
  auto text = [&](const std::string& key) { return f.count(key) ? f.at(key).string_value() : "<missing " + key + ">"; };
  auto number = [&](const std::string& key) { return f.count(key) ? f.at(key).number_value() : -1; };
  EXPECT_TRUE(f.at("errors").list_value().values().empty()) << browser->output;

  // Accessibility, width, screenshots.
  for (const auto& [page, found] : f.at("axe").struct_value().fields()) {
    EXPECT_TRUE(found.list_value().values().empty()) << page << ": " << browser->output;
  }
  for (const auto& [page, width] : f.at("wide").struct_value().fields()) {
    EXPECT_LE(width.number_value(), 360) << page << " scrolls sideways at 360 px";
  }
  for (const auto& shot : f.at("shots").list_value().values()) {
    EXPECT_TRUE(std::ifstream(dir_ + "/" + shot.string_value()).good()) << shot.string_value();
  }

  // Signing in and scope.
  EXPECT_EQ(text("wrongLogin"), "Sai tên đăng nhập hoặc mật khẩu");
  EXPECT_EQ(number("otherCellStatus"), 403) << "a secretary sees only her cell";
  const std::string cell = text("cell");
  const std::string m1 = f.at("meetings").list_value().values(0).string_value();
  const std::string m2 = f.at("meetings").list_value().values(1).string_value();

  // What the services now hold.
  auto scheduling = sv1::SchedulingService::NewStub(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", scheduling_port_), "chibo.scheduling.v1.SchedulingService"));
  auto get = [&](const std::string& id) {
    sv1::GetMeetingRequest r;
    r.set_id(id);
    sv1::Meeting m;
    grpc::Status s = scheduling->GetMeeting(rpc::MakeClientContext(token, absl::Seconds(30)).get(), r, &m);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return m;
  };
  const sv1::Meeting first = get(m1);
  EXPECT_EQ(first.status(), sv1::MINUTES_APPROVED);
  EXPECT_EQ(first.expected(), number("rosterExpected"));
  EXPECT_EQ(number("rollRows"), number("rosterExpected")) << "the roll call lists every expected member";
  EXPECT_EQ(first.present(), first.expected() - 2);
  EXPECT_EQ(first.absent_excused(), 1);
  EXPECT_EQ(first.absent_unexcused(), 1);
  EXPECT_EQ(text("presentShown"), absl::StrCat(first.present()));
  for (const auto& a : first.attendance()) {
    if (a.member_id() == text("excused")) {
      EXPECT_EQ(a.mark(), sv1::ABSENT_EXCUSED);
      EXPECT_EQ(a.reason(), "Ốm, có đơn xin phép");
    }
    if (a.member_id() == text("unexcused")) EXPECT_EQ(a.mark(), sv1::ABSENT_UNEXCUSED);
  }
  EXPECT_EQ(first.speakers(), 4) << "the second tab's edit after approval was not stored";
  EXPECT_EQ(first.opinions(), 6);
  EXPECT_EQ(first.self_score(), 85);
  ASSERT_EQ(first.guests_size(), 1);
  EXPECT_EQ(first.guests(0).name(), "Nguyễn Văn An");
  EXPECT_EQ(first.guests(0).title(), "Ủy viên Ban Thường vụ Tỉnh ủy");
  EXPECT_TRUE(first.guests(0).superior());
  EXPECT_NE(text("refusedOnPage").find("Bị từ chối"), std::string::npos) << text("refusedOnPage");
  EXPECT_EQ(number("readOnlyFieldsets"), 4) << "roll call, guests, the meeting, tasks and grade";
  EXPECT_EQ(number("saveButtonsAfterApproval"), 0);

  // The cell's figures moved, and the page shows what the report says.
  pv1::ReportRequest request;
  request.set_org_unit_id(cell);
  request.set_period(absl::StrCat(time::Today().year()));
  pv1::ComplianceReport report;
  auto supervision = pv1::SupervisionService::NewStub(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", supervision_port_), "chibo.supervision.v1.SupervisionService"));
  ASSERT_TRUE(supervision->GetComplianceReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), request, &report).ok());
  int before = 0, after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(text("heldBefore"), &before)) << text("heldBefore");
  ASSERT_TRUE(absl::SimpleAtoi(text("heldAfter"), &after)) << text("heldAfter");
  EXPECT_EQ(after, before + 1);
  // The offline meeting synced after the page read the figure: one more now.
  EXPECT_EQ(report.totals().meetings_held(), after + 1);

  // Offline: pending while the network was off, synced once after.
  EXPECT_EQ(text("statusWhileOffline"), "PLANNED");
  EXPECT_TRUE(f.at("pendingAfterReload").bool_value());
  EXPECT_NE(text("pendingShown").find("Đang chờ gửi"), std::string::npos) << text("pendingShown");
  const sv1::Meeting second = get(m2);
  EXPECT_EQ(second.status(), sv1::HELD);
  EXPECT_EQ(second.speakers(), 2);
  EXPECT_EQ(second.resolution(), "Ghi khi mất mạng.");
  const auto& replay = f.at("replay").struct_value().fields();
  EXPECT_EQ(replay.at("status").number_value(), 200);
  EXPECT_EQ(replay.at("etag").string_value(), replay.at("firstEtag").string_value());
  EXPECT_EQ(second.etag(), replay.at("firstEtag").string_value()) << "sent twice, recorded once";

  // The one-off meeting and next year's thematic plan, as the secretary made them.
  const sv1::Meeting added = get(text("addedMeeting"));
  EXPECT_EQ(added.cell_id(), cell);
  EXPECT_EQ(added.title(), "Họp chi bộ bất thường (e2e)");
  EXPECT_EQ(added.status(), sv1::PLANNED);
  EXPECT_EQ(added.starts_at().substr(10), "T14:00");
  sv1::GetThematicPlanRequest plan_request;
  plan_request.set_cell_id(cell);
  plan_request.set_year(static_cast<int>(number("planYear")));
  sv1::ThematicPlan plan;
  ASSERT_TRUE(scheduling->GetThematicPlan(rpc::MakeClientContext(token, absl::Seconds(30)).get(), plan_request, &plan).ok());
  EXPECT_EQ(plan.status(), sv1::SUBMITTED);
  ASSERT_EQ(plan.topics_size(), 4);
  EXPECT_EQ(plan.topics(1).title(), "Công tác phát triển đảng viên");
  EXPECT_EQ(plan.topics(1).quarter(), 2);
  EXPECT_GT(number("supervisorTeamMeetings"), 0) << "the supervisor's home lists her team's coming meetings";

  // The supervisor's visit: scored on the rubric in force, graded by the
  // rulebook, counted in the activity report, its recommendation followed up.
  EXPECT_EQ(f.at("criteria").list_value().values_size(), 4) << "the demo province's rubric";
  EXPECT_EQ(number("provincialAfter"), number("provincialBefore") + 1);
  pv1::ListVisitsRequest visits;
  visits.set_org_unit_id(cell);
  visits.set_from(first.starts_at().substr(0, 10));
  visits.set_to(first.starts_at().substr(0, 10));
  pv1::ListVisitsResponse listed;
  ASSERT_TRUE(supervision->ListVisits(rpc::MakeClientContext(token, absl::Seconds(30)).get(), visits, &listed).ok());
  const pv1::Visit* visit = nullptr;
  for (const auto& v : listed.visits()) {
    if (v.meeting_id() == m1 && !v.team_id().empty()) visit = &v;
  }
  ASSERT_NE(visit, nullptr) << "the visit was recorded";
  EXPECT_EQ(visit->team_id(), text("team"));
  EXPECT_EQ(visit->score(), 86);
  EXPECT_EQ(pv1::Grade_Name(visit->grade()), text("visitGrade"));
  EXPECT_EQ(visit->grade(), pv1::FAIR);
  EXPECT_NE(text("visitShown").find("Khá"), std::string::npos) << text("visitShown");
  ASSERT_EQ(visit->recommendations_size(), 1);
  EXPECT_EQ(visit->recommendations(0).status(), pv1::DONE);
  EXPECT_EQ(visit->recommendations(0).follow_up(), "Đã phân công tại buổi sau");
  // The lone visit of the committee member following the cell.
  EXPECT_EQ(text("loneOwner"), "tinh");
  const pv1::Visit* lone = nullptr;
  for (const auto& v : listed.visits()) {
    if (v.meeting_id() == m1 && v.supervisor_member_id() == text("lone")) lone = &v;
  }
  ASSERT_NE(lone, nullptr) << "the lone visit was recorded";
  EXPECT_TRUE(lone->team_id().empty());
  EXPECT_EQ(lone->owner_org_id(), "tinh");
  EXPECT_EQ(lone->score(), 80);
  EXPECT_EQ(pv1::Grade_Name(lone->grade()), text("loneGrade"));
}


std::vector<std::string> Strings(const google::protobuf::Value& list) {
  std::vector<std::string> out;
  for (const auto& v : list.list_value().values()) out.push_back(v.string_value());
  return out;
}

// The admin and the organization department in the web app
// (tests/e2e/app_admin.mjs): an account for a member as secretary of one
// cell, who then sees and writes only that cell; personal data masked for a
// viewer; the action lists equal to what the RPCs say, and emptied when the
// missing work is done.
TEST_F(DashboardTest, AnAdminGivesAccessAndTheActionListsFollowTheWorkDone) {
  std::string token;
  google::protobuf::Struct shown;
  RunAppScript("app_admin.mjs", absl::Minutes(4), &token, &shown);
  if (HasFatalFailure()) return;
  const auto& f = shown.fields();
  auto text = [&](const std::string& key) { return f.count(key) ? f.at(key).string_value() : "<missing " + key + ">"; };

  // 1. The account, as the registry holds it, and its reach.
  const auto& account = f.at("account").struct_value().fields();
  EXPECT_EQ(account.at("memberId").string_value(), text("member"));
  EXPECT_EQ(account.at("scopeOrgId").string_value(), text("cell"));
  EXPECT_EQ(Strings(account.at("roles")), std::vector<std::string>{"secretary"});
  EXPECT_EQ(text("otherCellShown"), "Không có quyền xem");
  const auto& api = f.at("otherCellApi").struct_value().fields();
  EXPECT_EQ(api.at("read").number_value(), 403);
  EXPECT_EQ(api.at("write").number_value(), 403) << "a secretary writes only her cell";
  EXPECT_EQ(f.at("ownRoll").number_value(), 200);

  // 2. Personal data.
  EXPECT_EQ(text("adminPhone"), text("memberPhone"));
  EXPECT_EQ(f.at("adminMasked").number_value(), 0);
  EXPECT_EQ(text("viewerPhone"), "*******678") << "a viewer sees the phone masked";

  // 3. The action lists against the RPCs, after the work was done.
  const std::string committee = text("committee");
  const auto& before = f.at("before").struct_value().fields();
  const auto& after = f.at("after").struct_value().fields();
  const absl::CivilDay today = time::Today();
  auto supervision = pv1::SupervisionService::NewStub(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", supervision_port_), "chibo.supervision.v1.SupervisionService"));
  auto scheduling = sv1::SchedulingService::NewStub(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", scheduling_port_), "chibo.scheduling.v1.SchedulingService"));
  pv1::ReportRequest month;
  month.set_org_unit_id(committee);
  month.set_period(absl::StrFormat("%04d-%02d", today.year(), today.month()));
  pv1::ComplianceReport report;
  ASSERT_TRUE(supervision->GetComplianceReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), month, &report).ok());
  std::vector<std::string> without_regular, all_cells;
  for (const auto& child : report.children()) {
    all_cells.push_back(child.org_unit_id());
    if (child.figures().regular_held() == 0) without_regular.push_back(child.org_unit_id());
  }
  std::vector<std::string> shown_without = Strings(after.at("no-meeting"));
  std::sort(shown_without.begin(), shown_without.end());
  std::sort(without_regular.begin(), without_regular.end());
  EXPECT_EQ(shown_without, without_regular) << "cells with no regular meeting held this month, as the report counts them";
  EXPECT_EQ(Strings(before.at("no-meeting")).size(), Strings(after.at("no-meeting")).size() + 1);
  EXPECT_EQ(std::count(shown_without.begin(), shown_without.end(), text("cellToMeet")), 0) << "its meeting was held";

  ASSERT_FALSE(Strings(before.at("unrecorded")).empty()) << "the demo leaves some meetings unrecorded";
  EXPECT_TRUE(Strings(after.at("unrecorded")).empty()) << "recorded since";
  for (const std::string& id : Strings(before.at("unrecorded"))) {
    sv1::GetMeetingRequest r;
    r.set_id(id);
    sv1::Meeting m;
    ASSERT_TRUE(scheduling->GetMeeting(rpc::MakeClientContext(token, absl::Seconds(30)).get(), r, &m).ok());
    EXPECT_EQ(m.status(), sv1::HELD) << id;
  }
  sv1::ListMeetingsRequest planned;
  planned.set_org_unit_id(committee);
  planned.set_subtree(true);
  planned.set_from(absl::StrFormat("%04d-01-01", today.year()));
  planned.set_to(time::FormatDate(today - 3));  // the rulebook's minutes_record_days
  planned.set_status(sv1::PLANNED);
  planned.set_page_size(1000);
  sv1::ListMeetingsResponse still;
  ASSERT_TRUE(scheduling->ListMeetings(rpc::MakeClientContext(token, absl::Seconds(30)).get(), planned, &still).ok());
  EXPECT_EQ(still.meetings_size(), 0);

  // The thematic plan waited for review, and no longer does once approved.
  const int next_year = today.year() + 1;
  EXPECT_EQ(Strings(before.at("plans")), std::vector<std::string>{absl::StrCat(text("planCell"), "-", next_year)});
  EXPECT_TRUE(Strings(after.at("plans")).empty());
  sv1::ListThematicPlansRequest plans;
  plans.set_org_unit_id(committee);
  plans.set_year(next_year);
  plans.set_status(sv1::SUBMITTED);
  sv1::ListThematicPlansResponse waiting;
  ASSERT_TRUE(scheduling->ListThematicPlans(rpc::MakeClientContext(token, absl::Seconds(30)).get(), plans, &waiting).ok());
  EXPECT_EQ(waiting.plans_size(), 0);

  // Cells not visited this year by the provincial level.
  pv1::ListVisitsRequest visits;
  visits.set_org_unit_id(committee);
  visits.set_from(absl::StrFormat("%04d-01-01", today.year()));
  visits.set_to(time::FormatDate(today));
  visits.set_page_size(1000);
  pv1::ListVisitsResponse listed;
  ASSERT_TRUE(supervision->ListVisits(rpc::MakeClientContext(token, absl::Seconds(30)).get(), visits, &listed).ok());
  std::vector<std::string> not_visited;
  for (const std::string& c : all_cells) {
    bool seen = false;
    for (const auto& v : listed.visits()) seen = seen || (v.unit_id() == c && v.level() == pv1::PROVINCE_LEVEL);
    if (!seen) not_visited.push_back(c);
  }
  std::vector<std::string> shown_not_visited = Strings(after.at("not-visited-PROVINCE_LEVEL"));
  std::sort(shown_not_visited.begin(), shown_not_visited.end());
  std::sort(not_visited.begin(), not_visited.end());
  EXPECT_EQ(shown_not_visited, not_visited);

  // Members at risk this year: the page lists what the RPC answers, in its order.
  sv1::ListMembersAtRiskRequest risk;
  risk.set_org_unit_id(committee);
  risk.set_year(today.year());
  sv1::ListMembersAtRiskResponse at_risk;
  ASSERT_TRUE(scheduling->ListMembersAtRisk(rpc::MakeClientContext(token, absl::Seconds(30)).get(), risk, &at_risk).ok());
  std::vector<std::string> risk_ids;
  for (const auto& m : at_risk.members()) risk_ids.push_back(m.member_id());
  EXPECT_EQ(Strings(after.at("members-at-risk")), risk_ids);
}

// A committee's supervision in the web app (tests/e2e/app_supervision.mjs):
// the reminders the service raised on the demo, as ListReminders has them;
// a visit plan proposed, adjusted with a reason and approved on the page,
// as GetVisitPlan then holds it; a team's quarterly report with the
// proposals its leader saved, as GetTeamReport holds it.
TEST_F(DashboardTest, ACommitteePlansItsVisitsReadsItsTeamsReportAndItsReminders) {
  env_.push_back("CHIBO_REMINDER_SCAN=5s");
  std::string token;
  google::protobuf::Struct shown;
  RunAppScript("app_supervision.mjs", absl::Minutes(5), &token, &shown);
  if (HasFatalFailure()) return;
  const auto& f = shown.fields();
  auto text = [&](const std::string& key) { return f.count(key) ? f.at(key).string_value() : "<missing " + key + ">"; };
  auto number = [&](const std::string& key) { return f.count(key) ? f.at(key).number_value() : -1; };
  auto stub = pv1::SupervisionService::NewStub(rpc::MakeChannel(
      absl::StrCat("127.0.0.1:", supervision_port_), "chibo.supervision.v1.SupervisionService"));

  // 1. The reminders, as the service lists them.
  pv1::ListRemindersRequest list;
  list.set_org_unit_id("tinh");
  list.set_below(true);
  list.set_page_size(200);
  pv1::ListRemindersResponse reminders;
  ASSERT_TRUE(stub->ListReminders(rpc::MakeClientContext(token, absl::Seconds(30)).get(), list, &reminders).ok());
  EXPECT_GT(reminders.outstanding(), 0) << "the demo has meetings left unrecorded";
  EXPECT_EQ(text("remindersOutstandingShown"), absl::StrCat(reminders.outstanding()));
  std::vector<std::string> ids;
  for (const auto& r : reminders.reminders()) ids.push_back(r.id());
  EXPECT_EQ(Strings(f.at("reminderIds")), ids);
  list.set_below(false);  // addressed to the province itself: the count on its page's link
  pv1::ListRemindersResponse own;
  ASSERT_TRUE(stub->ListReminders(rpc::MakeClientContext(token, absl::Seconds(30)).get(), list, &own).ok());
  EXPECT_EQ(text("homeRemindersLink"), absl::StrCat(own.outstanding()));
  EXPECT_NE(text("firstReminderHistory").find("Chờ gửi"), std::string::npos)
      << "no webhook on the run command: the outbox waits — " << text("firstReminderHistory");

  // 2. The plan, as adjusted and approved on the page.
  pv1::GetVisitPlanRequest get;
  get.set_id(text("planId"));
  pv1::VisitPlan plan;
  grpc::Status s = stub->GetVisitPlan(rpc::MakeClientContext(token, absl::Seconds(30)).get(), get, &plan);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(plan.status(), pv1::APPROVED);
  EXPECT_EQ(plan.period(), text("quarter"));
  EXPECT_EQ(plan.owner_org_id(), "tinh");
  EXPECT_GT(number("proposedRows"), 1);
  EXPECT_EQ(plan.visits_size(), number("proposedRows") - 1);
  EXPECT_EQ(number("adjustedRows"), plan.visits_size());
  EXPECT_EQ(text("proposedVisitsShown"), Vn(plan.visits_size() + 1));
  for (const auto& v : plan.visits()) EXPECT_NE(v.meeting_id(), text("removed")) << "the removed visit is gone";
  EXPECT_EQ(plan.figures().duplicates(), 0);
  EXPECT_EQ(plan.figures().overlaps(), 0);
  EXPECT_EQ(number("approvedRemoveButtons"), 0) << "an approved plan is read-only";

  // The dashboard's coverage: the approved plan per team, as GetCoverageReport has it.
  pv1::ReportRequest cov;
  cov.set_org_unit_id("tinh");
  cov.set_period(text("quarter"));
  pv1::CoverageReport coverage;
  ASSERT_TRUE(stub->GetCoverageReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), cov, &coverage).ok());
  const auto& shown_teams = f.at("coverageTeams").struct_value().fields();
  int planned_in_all = 0;
  for (const auto& row : coverage.teams()) {
    const std::string p = absl::StrCat("coverage.team.", row.team_id(), ".");
    planned_in_all += row.planned();
    ASSERT_TRUE(shown_teams.count(p + "planned")) << p;
    EXPECT_EQ(shown_teams.at(p + "planned").string_value(), Vn(row.planned()));
    EXPECT_EQ(shown_teams.at(p + "plannedDone").string_value(), Vn(row.planned_done()));
    EXPECT_EQ(shown_teams.at(p + "done").string_value(), Vn(row.done()));
  }
  EXPECT_EQ(planned_in_all, plan.visits_size()) << "every approved visit is expected of its team";

  // 3. The team's report, with the proposals saved on the page.
  const std::string href = text("teamHref");  // /app/teams/<id>/reports/<quarter>
  const std::string prefix = "/app/teams/";
  ASSERT_EQ(href.rfind(prefix, 0), 0u) << href;
  const std::string team_id = href.substr(prefix.size(), href.find('/', prefix.size()) - prefix.size());
  pv1::GetTeamReportRequest report_request;
  report_request.set_team_id(team_id);
  report_request.set_period(text("quarter"));
  pv1::TeamReport report;
  s = stub->GetTeamReport(rpc::MakeClientContext(token, absl::Seconds(30)).get(), report_request, &report);
  ASSERT_TRUE(s.ok()) << s.error_message();
  int planned_for_team = 0;
  for (const auto& v : plan.visits()) planned_for_team += v.team_id() == team_id ? 1 : 0;
  EXPECT_EQ(report.visits_planned(), planned_for_team) << "the approved plan is what the team is expected to do";
  EXPECT_EQ(text("teamPlannedShown"), Vn(report.visits_planned()));
  EXPECT_EQ(report.proposals(), "Đề nghị bố trí xe cho tổ đi các chi bộ vùng cao.");
  EXPECT_EQ(text("teamReportText"), report.text());
  EXPECT_NE(report.text().find("BÁO CÁO KẾT QUẢ DỰ SINH HOẠT CHI BỘ"), std::string::npos) << report.text();
}

}  // namespace
}  // namespace chibo
