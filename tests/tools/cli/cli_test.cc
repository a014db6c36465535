// The chibo CLI as a user runs it: the real binary as a subprocess. The
// first tests need no server (a usage error must be found before any call;
// --addr points at a port nobody serves, so a call would exit 1, not 2). The
// rest run against a real chibo-registry on a free port with a temp data dir.
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <cctype>
#include <cstdlib>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/rpc/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/service_processes.h"
#include "tests/support/subprocess.h"

namespace chibo {
namespace {

namespace rv1 = ::chibo::registry::v1;
using ::testing::HasSubstr;
using ::testing::Not;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

// $CHIBO_CLI runs another build of the CLI (an older one, to see these tests fail on it).
std::string Cli() {
  const char* other = std::getenv("CHIBO_CLI");
  return other && *other ? other : std::string(CHIBO_BINARY_DIR) + "/tools/chibo";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int Lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// Runs chibo with `args` (and `env` as NAME=VALUE), stdout and stderr apart.
Result RunChibo(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  const std::string dir = chibo::testing::MakeTempDir("chibo-cli-run-");
  const std::string err_file = dir + "/stderr";
  std::vector<std::string> argv = {"/bin/sh", "-c", "f=$1; shift; exec \"$@\" 2>\"$f\"", "sh", err_file, "env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(Cli());
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = chibo::testing::RunCommand(argv, absl::Seconds(60));
  Result out;
  if (!r.ok()) {
    out.err = r.status().ToString();
    chibo::testing::RemoveTree(dir);
    return out;
  }
  out.exit_code = r->exit_code;
  out.out = r->output;
  out.err = ReadFile(err_file);
  chibo::testing::RemoveTree(dir);
  return out;
}

std::string Show(const Result& r) {
  return absl::StrCat("exit ", r.exit_code, "\n--- stdout\n", r.out, "--- stderr\n", r.err);
}

// Nothing listens on port 1: a command that got as far as a call exits 1.
const std::string kNowhere = "--addr=127.0.0.1:1";

// A usage error: exit 2, nothing on stdout, one line on stderr.
void ExpectUsageError(const Result& r) {
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_EQ(r.out, "") << Show(r);
  EXPECT_EQ(Lines(r.err), 1) << Show(r);
  EXPECT_THAT(r.err, HasSubstr("chibo: ")) << Show(r);
}

// ------------------------------------------------------------ no server

TEST(CliUsageTest, UnknownFlagIsAUsageErrorWithTheClosestFlag) {
  Result r = RunChibo({kNowhere, "member", "list", "cb-1", "--standng=official"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("cờ không hợp lệ / unknown flag --standng")) << r.err;
  EXPECT_THAT(r.err, HasSubstr("did you mean --standing?")) << r.err;
  EXPECT_THAT(r.err, HasSubstr("member list nhận / accepts: --subtree --query --standing")) << r.err;

  // A transposition, a global flag misspelt before the command.
  r = RunChibo({kNowhere, "--josn", "org", "list", "tinh"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("did you mean --json?")) << r.err;

  // Far from every flag: no guess, still the list.
  r = RunChibo({kNowhere, "org", "get", "tinh", "--colour=red"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, Not(HasSubstr("did you mean"))) << r.err;
  EXPECT_THAT(r.err, HasSubstr("org get nhận / accepts: --as_of")) << r.err;
}

TEST(CliUsageTest, EveryCommandRefusesAFlagItDoesNotDeclare) {
  // A flag another command takes is unknown to this one (--to is move's, not get's).
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"org", "get", "x", "--to=y"},
           {"org", "create", "--kind=BASE_CELL", "--name=n", "--opened_on=2020-01-01", "--as_of=2020-01-01"},
           {"org", "list", "x", "--standing=OFFICIAL"},
           {"org", "update", "x", "--kind=BASE_CELL"},
           {"org", "close", "x", "--closed_on=2025-01-01", "--on=2025-01-01"},
           {"org", "move", "x", "--to=y", "--on=2025-01-01", "--parent=z"},
           {"member", "get", "m", "--subtree"},
           {"member", "create", "--card=1", "--name=n", "--cell=c", "--admitted_on=2020-01-01", "--remote"},
           {"member", "update", "m", "--cell=c"},
           {"member", "events", "m", "--page_size=5"},
           {"member", "official", "m", "--on=2025-01-01", "--until=2026-01-01"},
           {"member", "transfer", "m", "--on=2025-01-01", "--to=c", "--partial"},
           {"member", "death", "m", "--on=2025-01-01", "--to=c"},
           {"member", "position-assign", "m", "--unit=u", "--position=SECRETARY", "--on=2025-01-01", "--reason=x"},
           {"roster", "c", "--date=2025-01-01", "--as_of=2025-01-01"},
           {"rules", "get", "tinh", "--from=2025-01-01"},
           {"rules", "versions", "tinh", "--on=2025-01-01"},
           {"audit", "tinh", "--subtree"},
           {"meeting", "list", "c", "--from=2025-01-01", "--to=2025-02-01", "--kind=REGULAR"},
           {"calendar", "c", "--date=2025-01-01"},
           {"report", "activity", "tinh", "2025", "--subtree"},
           {"token", "issue", "--role=viewer", "--org=tinh", "--days=3"},
       }) {
    args.insert(args.begin(), kNowhere);
    Result r = RunChibo(args);
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("unknown flag")) << absl::StrJoin(args, " ") << "\n" << Show(r);
  }
}

TEST(CliUsageTest, BooleansTakeTrueFalseOneZeroOnly) {
  Result r = RunChibo({kNowhere, "org", "update", "x", "--remote=yes"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--remote=yes")) << r.err;
  EXPECT_THAT(r.err, HasSubstr("true|false|1|0")) << r.err;
  for (const char* bad : {"--subtree=2", "--subtree=TRUE", "--subtree=no", "--subtree="}) {
    r = RunChibo({kNowhere, "org", "list", "tinh", bad});
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("--subtree")) << r.err;
  }
  // Well-formed booleans get as far as the call (exit 1: nobody listens).
  for (const char* good : {"--subtree", "--subtree=true", "--subtree=false", "--subtree=1", "--subtree=0"}) {
    r = RunChibo({kNowhere, "org", "list", "tinh", good});
    EXPECT_EQ(r.exit_code, 1) << good << "\n" << Show(r);
  }
}

TEST(CliUsageTest, EnumFlagsListTheirValidValues) {
  Result r = RunChibo({kNowhere, "member", "list", "cb-1", "--standing=oficial"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("PROBATIONARY|OFFICIAL")) << r.err;
  EXPECT_THAT(r.err, HasSubstr("did you mean OFFICIAL?")) << r.err;

  r = RunChibo({kNowhere, "org", "create", "--kind=CELL", "--name=n", "--opened_on=2020-01-01"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("PROVINCE|DIRECT_COMMITTEE|BASE_COMMITTEE|BASE_CELL|SUBORDINATE_CELL|PARTY_GROUP")) << r.err;

  struct Case {
    std::vector<std::string> args;
    const char* values;
  };
  for (const Case& c : std::vector<Case>{
           {{"member", "list", "cb-1", "--status=gone"}, "ACTIVE|EXEMPTED|TEMPORARILY_AWAY"},
           {{"member", "update", "m", "--sex=M"}, "MALE|FEMALE"},
           {{"org", "list", "tinh", "--category=village"}, "RESIDENTIAL|COMMUNE_WARD"},
           {{"member", "position-assign", "m", "--unit=u", "--position=boss", "--on=2025-01-01"}, "SECRETARY|DEPUTY_SECRETARY"},
           {{"meeting", "list", "c", "--from=2025-01-01", "--to=2025-02-01", "--status=done"}, "PLANNED|HELD"},
           {{"token", "issue", "--role=root", "--org=tinh"}, "admin|secretary|supervisor|viewer|service"},
           {{"--lang=fr", "org", "get", "tinh"}, "vi|en"},
       }) {
    std::vector<std::string> args = c.args;
    args.insert(args.begin(), kNowhere);
    r = RunChibo(args);
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr(c.values)) << Show(r);
  }
  // Any letter case is the same value.
  r = RunChibo({kNowhere, "member", "list", "cb-1", "--standing=official"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
}

TEST(CliUsageTest, IntegersAndDatesMustParseFully) {
  for (const char* bad : {"--page_size=10x", "--page_size=1e3", "--page_size= 5", "--page_size=+5", "--page_size=",
                          "--page_size=0", "--page_size=1001", "--page_size=99999999999999999999"}) {
    Result r = RunChibo({kNowhere, "org", "list", "tinh", bad});
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("1..1000")) << bad << "\n" << r.err;
  }
  for (const char* bad : {"--on=2025-13-01", "--on=2025-02-30", "--on=2025-1-5", "--on=tomorrow", "--on="}) {
    Result r = RunChibo({kNowhere, "org", "move", "x", "--to=y", bad});
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("YYYY-MM-DD")) << bad << "\n" << r.err;
  }
  // An address, a token, an id flag cannot be empty (a script's unset variable).
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--addr=", "org", "get", "tinh"},
           {"--token=", "org", "get", "tinh"},
           {"org", "create", "--kind=BASE_CELL", "--name=n", "--opened_on=2020-01-01", "--parent="},
           {"member", "transfer", "m", "--on=2025-01-01", "--to="}}) {
    Result r = RunChibo(args);
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("missing value")) << absl::StrJoin(args, " ") << "\n" << r.err;
  }
  // A value needs "=": "--name X" is not "--name=X".
  Result r = RunChibo({kNowhere, "org", "update", "x", "--name", "Tên mới"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("--name=TEXT")) << r.err;
}

TEST(CliUsageTest, ArgumentsAndRequiredFlagsAreChecked) {
  Result r = RunChibo({kNowhere, "org", "get", "a", "b"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("unexpected argument 'b'")) << r.err;
  r = RunChibo({kNowhere, "org", "get"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("missing ID")) << r.err;
  r = RunChibo({kNowhere, "org", "move", "x", "--to=y"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("missing required flag --on=")) << r.err;
  r = RunChibo({kNowhere, "org", "lsit", "tinh"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("did you mean org list?")) << r.err;
  r = RunChibo({kNowhere, "org", "list", "tinh", "--kind=BASE_CELL", "--kind=SUBORDINATE_CELL"});
  ExpectUsageError(r);
  EXPECT_THAT(r.err, HasSubstr("given twice")) << r.err;
}

// Reads the "exp" claim of a JWT without verifying it.
int64_t Expiry(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return 0;
  std::string payload;
  if (!absl::WebSafeBase64Unescape(parts[1], &payload)) return 0;
  const size_t at = payload.find("\"exp\":");
  if (at == std::string::npos) return 0;
  size_t end = at + 6;
  while (end < payload.size() && (isdigit(static_cast<unsigned char>(payload[end])) || payload[end] == ' ')) ++end;
  int64_t exp = 0;
  return absl::SimpleAtoi(payload.substr(at + 6, end - at - 6), &exp) ? exp : 0;
}

TEST(CliUsageTest, TokenHoursMustBePositiveAndAtMostThirtyDays) {
  const std::string dir = chibo::testing::MakeTempDir("chibo-cli-token-");
  const std::string key_file = dir + "/jwt-hs256.key";
  ASSERT_TRUE(auth::LoadOrCreateHs256Key(key_file).ok());
  const std::vector<std::string> base = {"token", "issue", "--role=viewer", "--org=tinh", "--key_file=" + key_file};
  for (const char* bad : {"--hours=-1", "--hours=0", "--hours=721", "--hours=8h", "--hours=1.5"}) {
    std::vector<std::string> args = base;
    args.push_back(bad);
    Result r = RunChibo(args);
    ExpectUsageError(r);
    EXPECT_THAT(r.err, HasSubstr("1..720")) << bad << "\n" << r.err;
  }
  std::vector<std::string> args = base;
  args.push_back("--hours=720");
  Result r = RunChibo(args);
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  const int64_t exp = Expiry(std::string(absl::StripAsciiWhitespace(r.out)));
  const int64_t want = absl::ToUnixSeconds(absl::Now() + absl::Hours(720));
  EXPECT_NEAR(static_cast<double>(exp), static_cast<double>(want), 120) << r.out;
  // The help says what the cap is.
  r = RunChibo({"token", "issue", "--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("--hours=N")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("at most 30 days")) << r.out;
  chibo::testing::RemoveTree(dir);
}

TEST(CliUsageTest, HelpShowsEachCommandsFlagsAndEnumValues) {
  Result r = RunChibo({"member", "list", "--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_EQ(r.err, "");
  for (const char* want : {"chibo member list UNIT_ID", "--subtree", "--query=TEXT", "--standing=PROBATIONARY|OFFICIAL",
                           "PROBATIONARY", "dự bị / probationary", "OFFICIAL", "chính thức / official",
                           "--status=", "TEMPORARILY_AWAY", "--page_size=N", "(1..1000)", "--as_of=YYYY-MM-DD"}) {
    EXPECT_THAT(r.out, HasSubstr(want)) << r.out;
  }
  // Every flag of the command has its own line with a description.
  for (const auto& line : absl::StrSplit(r.out, '\n')) {
    if (absl::StartsWith(line, "  --")) EXPECT_GT(line.size(), 35u) << "no description: " << line;
  }

  r = RunChibo({"org", "create", "--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("BASE_CELL")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("chi bộ cơ sở")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("bắt buộc / required")) << r.out;

  // -h too, and help wins over a bad flag next to it.
  r = RunChibo({"org", "move", "-h", "--bogus"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("--to=PARENT_ID")) << r.out;

  // A noun alone lists its verbs.
  r = RunChibo({"member", "--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  for (const char* verb : {"member create", "member exempt", "member position-assign"})
    EXPECT_THAT(r.out, HasSubstr(verb)) << r.out;

  // The whole usage, every command in it; without a command it is a usage error.
  r = RunChibo({"--help"});
  EXPECT_EQ(r.exit_code, 0) << Show(r);
  for (const char* command : {"org create", "org move ID", "member list UNIT_ID", "member death ID", "roster CELL_ID",
                              "rules put", "audit UNIT_ID", "meeting list", "calendar CELL_ID",
                              "report compliance UNIT_ID PERIOD", "token issue", "--lang="}) {
    EXPECT_THAT(r.out, HasSubstr(command)) << r.out;
  }
  r = RunChibo({});
  EXPECT_EQ(r.exit_code, 2) << Show(r);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("org create"));

  // Every verb of every noun answers --help with exit 0.
  for (const char* noun : {"org", "member", "rules", "meeting", "report", "token"}) {
    Result verbs = RunChibo({noun, "--help"});
    ASSERT_EQ(verbs.exit_code, 0) << noun << "\n" << Show(verbs);
    for (const auto& line : absl::StrSplit(verbs.out, '\n')) {
      std::vector<std::string> words = absl::StrSplit(line, ' ');
      if (words.size() < 3 || words[0] != "chibo") continue;
      Result one = RunChibo({words[1], words[2], "--help"});
      EXPECT_EQ(one.exit_code, 0) << line << "\n" << Show(one);
      EXPECT_THAT(one.out, HasSubstr(absl::StrCat("chibo ", words[1], " ", words[2]))) << one.out;
    }
  }
  for (const char* one_word : {"roster", "audit", "calendar"}) {
    Result one = RunChibo({one_word, "--help"});
    EXPECT_EQ(one.exit_code, 0) << one_word << "\n" << Show(one);
  }
}

// ------------------------------------------------------------ a real registry

class CliRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(chibo::testing::MakeTempDir("chibo-cli-"));
    const std::string key_file = *dir_ + "/jwt-hs256.key";
    auto key = auth::LoadOrCreateHs256Key(key_file);
    ASSERT_TRUE(key.ok()) << key.status();
    const int port = chibo::testing::PickFreePort();
    auto process = chibo::testing::StartServiceProcess(CHIBO_BINARY_DIR, *dir_, "registry", "", port,
                                                       {"--jwt_hs256_key_file=" + key_file});
    ASSERT_TRUE(process.ok()) << process.status();
    registry_ = process->release();
    addr_ = new std::string(absl::StrCat("127.0.0.1:", port));
    token_ = new std::string(chibo::testing::SignToken(*key, auth::Role::kAdmin, "tinh"));

    auto stub = rv1::RegistryService::NewStub(rpc::MakeChannel(*addr_, "chibo.registry.v1.RegistryService"));
    for (auto [id, kind, parent] : std::vector<std::tuple<const char*, rv1::OrgUnitKind, const char*>>{
             {"tinh", rv1::PROVINCE, ""},
             {"huyen-a", rv1::DIRECT_COMMITTEE, "tinh"},
             {"xa-1", rv1::BASE_COMMITTEE, "huyen-a"},
             {"xa-2", rv1::BASE_COMMITTEE, "huyen-a"},
             {"cb-1", rv1::SUBORDINATE_CELL, "xa-1"},
             {"cb-2", rv1::SUBORDINATE_CELL, "xa-1"}}) {
      grpc::Status s = chibo::testing::CreateUnit(*stub, *token_, id, kind, parent);
      ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
    }
  }

  static void TearDownTestSuite() {
    delete registry_;
    chibo::testing::RemoveTree(*dir_);
  }

  static Result Chibo(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.begin(), {"--addr=" + *addr_, "--token=" + *token_});
    return RunChibo(args, env);
  }

  static std::string* dir_;
  static std::string* addr_;
  static std::string* token_;
  static chibo::testing::ChildProcess* registry_;
};

std::string* CliRegistryTest::dir_ = nullptr;
std::string* CliRegistryTest::addr_ = nullptr;
std::string* CliRegistryTest::token_ = nullptr;
chibo::testing::ChildProcess* CliRegistryTest::registry_ = nullptr;

TEST_F(CliRegistryTest, MisspeltFilterDoesNotListEveryone) {
  Result made = Chibo({"member", "create", "--card=T-0001", "--name=Nguyễn Văn Thử", "--cell=cb-2",
                       "--admitted_on=2024-03-01"});
  ASSERT_EQ(made.exit_code, 0) << Show(made);
  Result r = Chibo({"member", "list", "cb-2", "--standng=official"});
  ExpectUsageError(r);
  EXPECT_THAT(r.out, Not(HasSubstr("Nguyễn Văn Thử")));
  // Spelt right, the filter filters: the one member is probationary.
  r = Chibo({"member", "list", "cb-2", "--standing=official"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, Not(HasSubstr("Nguyễn Văn Thử"))) << r.out;
  r = Chibo({"member", "list", "cb-2", "--standing=probationary"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("Nguyễn Văn Thử")) << r.out;
}

TEST_F(CliRegistryTest, BooleanValuesReachTheServerAsGiven) {
  Result r = Chibo({"org", "update", "cb-1", "--remote=yes"});
  ExpectUsageError(r);
  for (auto [flag, want] : std::vector<std::pair<const char*, const char*>>{
           {"--remote=1", "\"remote\": true"}, {"--remote=0", "\"id\""}, {"--remote", "\"remote\": true"},
           {"--remote=false", "\"id\""}}) {
    r = Chibo({"--json", "org", "update", "cb-1", flag});
    ASSERT_EQ(r.exit_code, 0) << flag << "\n" << Show(r);
    EXPECT_THAT(r.out, HasSubstr(want)) << flag << "\n" << r.out;
    if (std::string(want) == "\"id\"") EXPECT_THAT(r.out, Not(HasSubstr("\"remote\": true"))) << flag << r.out;
  }
}

TEST_F(CliRegistryTest, MoveToTheParentItAlreadyHasIsRefused) {
  // cb-1 is under xa-1 from 2020: a move "to xa-1" changes nothing.
  Result r = Chibo({"org", "move", "cb-1", "--to=xa-1", "--on=2025-07-01"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_EQ(r.out, "") << Show(r);
  EXPECT_EQ(Lines(r.err), 1) << Show(r);
  EXPECT_THAT(r.err, HasSubstr("cb-1 is already under xa-1 on 2025-07-01")) << r.err;
  Result got = Chibo({"--json", "org", "get", "cb-1"});
  ASSERT_EQ(got.exit_code, 0) << Show(got);
  EXPECT_THAT(got.out, Not(HasSubstr("2025-07-01"))) << "no history row was added\n" << got.out;

  // A real move is accepted; the check is by date: after it, xa-2 is the
  // parent (refused again), before it xa-1 still was.
  r = Chibo({"org", "move", "cb-1", "--to=xa-2", "--on=2025-07-01"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  r = Chibo({"org", "move", "cb-1", "--to=xa-2", "--on=2025-09-01"});
  EXPECT_EQ(r.exit_code, 1) << Show(r);
  EXPECT_THAT(r.err, HasSubstr("already under xa-2 on 2025-09-01")) << r.err;
  r = Chibo({"org", "move", "cb-1", "--to=xa-1", "--on=2025-09-01"});
  EXPECT_EQ(r.exit_code, 0) << "moving back is a real move\n" << Show(r);
}

TEST_F(CliRegistryTest, TablesShowVietnameseLabelsAndUnitNames) {
  Result made = Chibo({"member", "create", "--card=T-0002", "--name=Trần Thị Nhãn", "--cell=cb-2",
                       "--admitted_on=2010-05-19", "--official_on=2011-05-19", "--sex=female"});
  ASSERT_EQ(made.exit_code, 0) << Show(made);

  Result r = Chibo({"member", "list", "cb-2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("chính thức")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("đang sinh hoạt")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("cb-2 (Đơn vị cb-2)")) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("official"))) << r.out;

  r = Chibo({"org", "list", "xa-1", "--subtree", "--include_closed"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("chi bộ trực thuộc")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("khu dân cư")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("xa-1 (Đơn vị xa-1)")) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("subordinate_cell"))) << r.out;

  r = Chibo({"org", "get", "xa-1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("đảng bộ cơ sở")) << r.out;
  EXPECT_THAT(r.out, HasSubstr("huyen-a (Đơn vị huyen-a)")) << r.out;

  // English on request, by flag or by environment.
  r = Chibo({"--lang=en", "member", "list", "cb-2"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("official")) << r.out;
  EXPECT_THAT(r.out, Not(HasSubstr("chính thức"))) << r.out;
  r = Chibo({"org", "get", "xa-1"}, {"CHIBO_LANG=en"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("base committee")) << r.out;

  // --json stays the API's own spelling.
  r = Chibo({"--json", "org", "get", "xa-1"});
  ASSERT_EQ(r.exit_code, 0) << Show(r);
  EXPECT_THAT(r.out, HasSubstr("\"BASE_COMMITTEE\"")) << r.out;
}

}  // namespace
}  // namespace chibo
