// The gateway over real HTTP (httplib::Client against a gateway served here):
// first against fake services that answer whatever the test asks (every gRPC
// code, the page size they were sent), then against the real chibo-registry,
// chibo-scheduling and chibo-supervision binaries.
#include <grpcpp/grpcpp.h>
#include <httplib.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/errors/errors.h"
#include "common/rpc/status_mapping.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/gateway/gateway.h"
#include "tests/support/service_processes.h"
#include "tests/support/subprocess.h"

namespace chibo::gateway {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
namespace pv1 = ::chibo::supervision::v1;

const std::string kKey(64, 'k');

// A gateway serving on a free port of 127.0.0.1 until destroyed.
class GatewayServer {
 public:
  GatewayServer(Backends backends, const auth::TokenVerifier* verifier) : gateway_(std::move(backends), verifier) {
    gateway_.Register(server_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::yield();
  }
  ~GatewayServer() {
    server_.stop();
    thread_.join();
  }
  httplib::Client Client(const std::string& token = "") const {
    httplib::Client client("127.0.0.1", port_);
    client.set_connection_timeout(5);
    client.set_read_timeout(30);
    if (!token.empty()) client.set_bearer_token_auth(token);
    return client;
  }

 private:
  Gateway gateway_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

google::protobuf::Struct ParseJson(const std::string& text) {
  google::protobuf::Struct out;
  auto s = google::protobuf::util::JsonStringToMessage(text, &out);
  EXPECT_TRUE(s.ok()) << s << ": " << text;
  return out;
}

std::string Code(const httplib::Result& res) { return ParseJson(res->body).fields().at("code").string_value(); }

std::vector<std::string> ViolatedFields(const httplib::Result& res) {
  std::vector<std::string> out;
  const auto body = ParseJson(res->body);
  for (const auto& v : body.fields().at("fieldViolations").list_value().values()) {
    out.push_back(v.struct_value().fields().at("field").string_value());
  }
  return out;
}

// ----------------------------------------------------------- fake services

class FakeRegistry final : public rv1::RegistryService::Service {
 public:
  grpc::Status GetOrgUnit(grpc::ServerContext*, const rv1::GetOrgUnitRequest* r, rv1::OrgUnit* out) override {
    out->set_id(r->id());
    out->set_name("Đảng bộ tỉnh");
    return grpc::Status::OK;
  }
  grpc::Status ListOrgUnits(grpc::ServerContext*, const rv1::ListOrgUnitsRequest* r,
                            rv1::ListOrgUnitsResponse* out) override {
    ++calls;
    page_size = r->page_size();
    for (int i = 0; i < std::min(r->page_size(), 3); ++i) out->add_org_units()->set_id(absl::StrCat("u", i));
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0}, page_size{-1};
};

class FakeScheduling final : public sv1::SchedulingService::Service {
 public:
  grpc::Status ListMeetings(grpc::ServerContext*, const sv1::ListMeetingsRequest* r,
                            sv1::ListMeetingsResponse*) override {
    ++calls;
    page_size = r->page_size();
    subtree = r->subtree();
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0}, page_size{-1};
  std::atomic<bool> subtree{false};
};

// org_unit_id "code-N" answers gRPC code N; any other a report whose name
// and period a spreadsheet or a header would take for more than text.
class FakeSupervision final : public pv1::SupervisionService::Service {
 public:
  grpc::Status GetActivityReport(grpc::ServerContext*, const pv1::ReportRequest* r, pv1::ActivityReport* out) override {
    ++calls;
    int code = 0;
    if (absl::SimpleAtoi(absl::StripPrefix(r->org_unit_id(), "code-"), &code)) {
      if (code == grpc::StatusCode::INVALID_ARGUMENT) {
        return rpc::ToGrpcStatus(errors::InvalidArgument("period", "kỳ không hợp lệ / not a period"));
      }
      return grpc::Status(static_cast<grpc::StatusCode>(code), "lỗi thử / test error");
    }
    out->set_org_unit_id(r->org_unit_id());
    out->set_name("=HYPERLINK(\"http://x.invalid\",\"bấm\")");
    out->set_period("2025\"; x=\r\n");
    out->add_levels()->set_level(pv1::PROVINCE_LEVEL);
    return grpc::Status::OK;
  }
  std::atomic<int> calls{0};
};

class GatewayHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&registry_);
    builder.RegisterService(&scheduling_);
    builder.RegisterService(&supervision_);
    grpc_server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    auto verifier = auth::TokenVerifier::Create({.hs256_key = kKey});
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = *std::move(verifier);
    gateway_ = std::make_unique<GatewayServer>(Backends{channel, channel, channel}, verifier_.get());
    token_ = chibo::testing::SignToken(kKey, auth::Role::kAdmin, "tinh");
  }
  void TearDown() override {
    gateway_.reset();
    grpc_server_->Shutdown();
  }

  httplib::Client Client() { return gateway_->Client(token_); }

  FakeRegistry registry_;
  FakeScheduling scheduling_;
  FakeSupervision supervision_;
  std::unique_ptr<grpc::Server> grpc_server_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<GatewayServer> gateway_;
  std::string token_;
};

TEST_F(GatewayHttpTest, EveryGrpcCodeAnswersItsHttpStatusWithAJsonBody) {
  auto client = Client();
  auto ok = client.Get("/api/v1/reports/activity?org_unit_id=tinh&period=2025");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  for (int code = 1; code <= 16; ++code) {
    const auto c = static_cast<grpc::StatusCode>(code);
    SCOPED_TRACE(CodeName(c));
    auto res = client.Get(absl::StrCat("/api/v1/reports/activity?org_unit_id=code-", code, "&period=2025"));
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, HttpStatusOf(c));
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
    EXPECT_EQ(Code(res), CodeName(c));
    if (c == grpc::StatusCode::INVALID_ARGUMENT) {
      EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"period"});
    } else {
      EXPECT_EQ(ParseJson(res->body).fields().at("message").string_value(), "lỗi thử / test error");
    }
  }
  // A few by number, as the README's table says.
  auto status_of = [&](int code) {
    return client.Get(absl::StrCat("/api/v1/reports/activity?org_unit_id=code-", code, "&period=2025"))->status;
  };
  EXPECT_EQ(status_of(1), 499);
  EXPECT_EQ(status_of(9), 412);
  EXPECT_EQ(status_of(12), 501);
  EXPECT_EQ(status_of(14), 503);
}

TEST_F(GatewayHttpTest, InvalidUtf8InAQueryIsRefusedNamingTheParameter) {
  auto client = Client();
  auto res = client.Get("/api/v1/reports/activity?org_unit_id=tinh&period=%ff%fe");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(Code(res), "INVALID_ARGUMENT");
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"period"});
  res = client.Get("/api/v1/reports/compliance.csv?org_unit_id=%c3&period=2025");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"org_unit_id"});
  res = client.Get("/api/v1/reports/activity?org_unit_id=tinh&period=2025-1%0d");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"period"});
  res = client.Get(absl::StrCat("/api/v1/reports/activity?org_unit_id=", std::string(300, 'a'), "&period=2025"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"org_unit_id"});
  res = client.Get("/api/v1/reports/activity?org_unit_id=tinh&period=2025&period=2026");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"period"});
  res = client.Get("/api/v1/reports/activity?org_unit_id=tinh&perod=2025");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"perod"});
  EXPECT_EQ(supervision_.calls, 0) << "refused before any call";
}

TEST_F(GatewayHttpTest, UnknownRoutesAnswerAJsonNotFound) {
  auto client = Client();
  for (const char* path : {"/nope", "/api/v1/nope", "/api/v2/reports/activity", "/api/v1/org-units/tinh/nope",
                           "/api/v1/meetings/m1:nope"}) {
    SCOPED_TRACE(path);
    auto res = client.Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 404);
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8");
    const auto body = ParseJson(res->body);
    EXPECT_EQ(body.fields().at("code").string_value(), "NOT_FOUND");
    EXPECT_EQ(body.fields().at("message").string_value(), "Không tìm thấy / not found");
  }
  auto post = client.Post("/api/v1/whoami", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(Code(post), "METHOD_NOT_ALLOWED");
}

TEST_F(GatewayHttpTest, EveryResponseCarriesTheSecurityHeaders) {
  auto client = Client();
  std::vector<std::pair<std::string, httplib::Result>> answers;
  for (const char* path : {"/", "/app/", "/app/meetings/x", "/favicon.svg", "/favicon.ico", "/api/v1/whoami",
                           "/nope", "/api/v1/reports/activity.csv?org_unit_id=tinh&period=2025",
                           "/api/v1/reports/activity?org_unit_id=code-13&period=2025",
                           "/api/v1/reports/activity?period=%ff"}) {
    answers.emplace_back(path, client.Get(path));
  }
  answers.emplace_back("POST /", client.Post("/", "x", "text/plain"));
  answers.emplace_back("no token", gateway_->Client().Get("/api/v1/whoami"));
  answers.emplace_back("URI too long", client.Get(absl::StrCat("/api/v1/whoami?x=", std::string(9000, 'a'))));
  for (const auto& [what, res] : answers) {
    SCOPED_TRACE(what);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->get_header_value("Content-Security-Policy"), std::string(kContentSecurityPolicy));
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(res->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(res->get_header_value_count("Content-Security-Policy"), 1u);
    if (absl::StartsWith(what, "/api/")) EXPECT_EQ(res->get_header_value("Cache-Control"), "no-store");
    EXPECT_FALSE(res->has_header("EXCEPTION_WHAT"));
    if (res->status >= 400) {
      EXPECT_EQ(res->get_header_value("Content-Type"), "application/json; charset=utf-8") << res->status;
      ParseJson(res->body);
    }
  }
  EXPECT_EQ(answers[6].second->status, 404);
  EXPECT_EQ(answers[10].second->status, 405);
  EXPECT_EQ(answers[11].second->status, 401);
  EXPECT_EQ(answers[12].second->status, 414);
}

TEST_F(GatewayHttpTest, TheFaviconIsServed) {
  auto client = Client();
  auto svg = client.Get("/favicon.svg");
  ASSERT_TRUE(svg);
  EXPECT_EQ(svg->status, 200);
  EXPECT_EQ(svg->get_header_value("Content-Type"), "image/svg+xml");
  EXPECT_TRUE(absl::StartsWith(svg->body, "<svg")) << svg->body;
  auto ico = client.Get("/favicon.ico");
  ASSERT_TRUE(ico);
  EXPECT_EQ(ico->status, 301);
  EXPECT_EQ(ico->get_header_value("Location"), "/favicon.svg");
  auto index = client.Get("/");
  ASSERT_TRUE(index);
  EXPECT_NE(index->body.find(R"(<link rel="icon" href="/favicon.svg")"), std::string::npos);
}

TEST_F(GatewayHttpTest, PageSizeIsPassedToTheListRpcsAndChecked) {
  auto client = Client();
  auto res = client.Get("/api/v1/org-units/tinh/children?page_size=2");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(registry_.page_size, 2);
  EXPECT_EQ(ParseJson(res->body).fields().at("orgUnits").list_value().values_size(), 2);
  res = client.Get("/api/v1/org-units/tinh/children");
  ASSERT_TRUE(res);
  EXPECT_EQ(registry_.page_size, 0) << "no page_size: the RPC's own default";
  res = client.Get("/api/v1/meetings?org_unit_id=tinh&from=2025-01-01&to=2025-12-31&page_size=7&subtree=true");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(scheduling_.page_size, 7);
  EXPECT_TRUE(scheduling_.subtree);
  const int registry_calls = registry_.calls, scheduling_calls = scheduling_.calls;
  for (const char* bad : {"0", "-5", "1001", "abc", "2.5", "%20", "", "99999999999"}) {
    SCOPED_TRACE(bad);
    for (const std::string& path : {absl::StrCat("/api/v1/org-units/tinh/children?page_size=", bad),
                                    absl::StrCat("/api/v1/meetings?org_unit_id=tinh&page_size=", bad)}) {
      res = client.Get(path);
      ASSERT_TRUE(res);
      EXPECT_EQ(res->status, 400);
      EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"page_size"});
    }
  }
  res = client.Get("/api/v1/meetings?org_unit_id=tinh&subtree=yes");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"subtree"});
  EXPECT_EQ(registry_.calls, registry_calls);
  EXPECT_EQ(scheduling_.calls, scheduling_calls);
}

TEST_F(GatewayHttpTest, CsvNeutralisesFormulasAndTheFileNameIsPlain) {
  auto res = Client().Get("/api/v1/reports/activity.csv?org_unit_id=tinh&period=2025");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("tinh,\"'=HYPERLINK(\"\"http://x.invalid\"\",\"\"bấm\"\")\",Cấp tỉnh,"), std::string::npos)
      << res->body;
  EXPECT_EQ(res->get_header_value("Content-Disposition"), "attachment; filename=\"du-sinh-hoat-tinh-2025x.csv\"");
}

TEST_F(GatewayHttpTest, AMalformedBearerTokenIsUnauthenticated) {
  auto client = gateway_->Client();
  auto res = client.Get("/api/v1/whoami", {{"Authorization", "Bearer t\xc3\xb4i"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(Code(res), "UNAUTHENTICATED");
  res = client.Get("/api/v1/reports/activity?org_unit_id=tinh&period=2025", {{"Authorization", "Basic YTpi"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(supervision_.calls, 0);
}

// ------------------------------------------------------------ real services

class GatewayOverRealServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = chibo::testing::MakeTempDir("chibo-gateway-");
    const std::string key_file = dir_ + "/jwt-hs256.key";
    auto key = auth::LoadOrCreateHs256Key(key_file);
    ASSERT_TRUE(key.ok()) << key.status();
    std::vector<std::string> flags = {"--jwt_hs256_key_file=" + key_file, "--worker_threads=2", "--db_pool_size=2"};
    std::string addr[3];
    const char* services[3] = {"registry", "scheduling", "supervision"};
    for (int i = 0; i < 3; ++i) {
      const int port = chibo::testing::PickFreePort();
      addr[i] = absl::StrCat("127.0.0.1:", port);
      auto process = chibo::testing::StartServiceProcess(CHIBO_BINARY_DIR, dir_, services[i], "", port, flags);
      ASSERT_TRUE(process.ok()) << process.status();
      processes_.push_back(*std::move(process));
      if (i == 0) flags.push_back("--registry_addr=" + addr[0]);
      if (i == 1) flags.push_back("--scheduling_addr=" + addr[1]);
    }
    auto verifier = auth::TokenVerifier::Create({.hs256_key = *key});
    ASSERT_TRUE(verifier.ok()) << verifier.status();
    verifier_ = *std::move(verifier);
    token_ = chibo::testing::SignToken(*key, auth::Role::kAdmin, "tinh");
    registry_addr_ = addr[0];
    auto registry = rv1::RegistryService::NewStub(rpc::MakeChannel(addr[0], "chibo.registry.v1.RegistryService"));
    ASSERT_TRUE(chibo::testing::CreateUnit(*registry, token_, "tinh", rv1::PROVINCE, "").ok());
    for (const char* id : {"xa-1", "xa-2", "xa-3"}) {
      grpc::Status s = chibo::testing::CreateUnit(*registry, token_, id, rv1::BASE_COMMITTEE, "tinh");
      ASSERT_TRUE(s.ok()) << id << ": " << s.error_message();
    }
    gateway_ = std::make_unique<GatewayServer>(
        Backends{rpc::MakeChannel(addr[0], "chibo.registry.v1.RegistryService"),
                 rpc::MakeChannel(addr[1], "chibo.scheduling.v1.SchedulingService"),
                 rpc::MakeChannel(addr[2], "chibo.supervision.v1.SupervisionService")},
        verifier_.get());
  }
  void TearDown() override {
    gateway_.reset();
    while (!processes_.empty()) processes_.pop_back();  // supervision first
    chibo::testing::RemoveTree(dir_);
  }

  std::string dir_, token_, registry_addr_;
  std::vector<std::unique_ptr<chibo::testing::ChildProcess>> processes_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<GatewayServer> gateway_;
};

TEST_F(GatewayOverRealServicesTest, BadQueriesAre400AndPageSizeIsHonoured) {
  auto client = gateway_->Client(token_);
  // Before: the service could not read the request, and the gateway said 500 UNIMPLEMENTED.
  auto res = client.Get("/api/v1/reports/activity?org_unit_id=tinh&period=%ff%fe");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"period"});
  res = client.Get("/api/v1/reports/compliance?org_unit_id=tinh&period=2025");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = client.Get("/api/v1/reports/compliance?org_unit_id=tinh&period=2025-Q9");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  EXPECT_EQ(Code(res), "INVALID_ARGUMENT");
  res = client.Get("/api/v1/org-units/nowhere");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;

  // Two children a page, then the third.
  res = client.Get("/api/v1/org-units/tinh/children?page_size=2");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  auto page = ParseJson(res->body);
  EXPECT_EQ(page.fields().at("orgUnits").list_value().values_size(), 2);
  const std::string next = page.fields().at("nextPageToken").string_value();
  ASSERT_FALSE(next.empty());
  res = client.Get(absl::StrCat("/api/v1/org-units/tinh/children?page_size=2&page_token=",
                                httplib::detail::encode_query_param(next)));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  page = ParseJson(res->body);
  EXPECT_EQ(page.fields().at("orgUnits").list_value().values_size(), 1);
  EXPECT_EQ(page.fields().at("nextPageToken").string_value(), "");
  res = client.Get("/api/v1/org-units/tinh/children");
  ASSERT_TRUE(res);
  EXPECT_EQ(ParseJson(res->body).fields().at("orgUnits").list_value().values_size(), 3);
  res = client.Get("/api/v1/org-units/tinh/children?page_size=1001");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"page_size"});
}

}  // namespace
}  // namespace chibo::gateway

namespace chibo::gateway {
namespace {

// The value of cookie `name` among the response's Set-Cookie headers, with its attributes.
std::string SetCookie(const httplib::Result& res, const std::string& name) {
  for (auto [it, end] = res->headers.equal_range("Set-Cookie"); it != end; ++it) {
    if (absl::StartsWith(it->second, name + "=")) return it->second;
  }
  return "";
}

TEST_F(GatewayOverRealServicesTest, ASignedInSessionLivesInAnHttpOnlyCookieAndLogoutNeedsTheCsrfHeader) {
  auto accounts = rv1::AccountService::NewStub(rpc::MakeChannel(registry_addr_, "chibo.registry.v1.AccountService"));
  rv1::CreateAccountRequest create;
  create.mutable_account()->set_username("bithu.xa1");
  create.mutable_account()->add_roles("secretary");
  create.mutable_account()->set_scope_org_id("xa-1");
  create.set_password("mật-khẩu-đủ-dài");
  rv1::Account account;
  auto ctx = rpc::MakeClientContext(token_, absl::Seconds(10));
  grpc::Status created = accounts->CreateAccount(ctx.get(), create, &account);
  ASSERT_TRUE(created.ok()) << created.error_message();

  auto client = gateway_->Client();
  auto res = client.Post(kSessionPath, R"({"username":"bithu.xa1","password":"sai-mat-khau"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401) << res->body;
  res = client.Post(kSessionPath, R"({"username":"bithu.xa1","password":"mật-khẩu-đủ-dài"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string session = SetCookie(res, kSessionCookie), csrf = SetCookie(res, kCsrfCookie);
  EXPECT_TRUE(absl::StrContains(session, "HttpOnly")) << session;
  EXPECT_TRUE(absl::StrContains(session, "SameSite=Strict")) << session;
  EXPECT_FALSE(absl::StrContains(csrf, "HttpOnly")) << csrf;  // the page echoes it
  const std::string session_value = session.substr(0, session.find(';'));
  const std::string csrf_value = csrf.substr(std::string(kCsrfCookie).size() + 1, csrf.find(';') - std::string(kCsrfCookie).size() - 1);
  const httplib::Headers cookies = {{"Cookie", absl::StrCat(session_value, "; ", kCsrfCookie, "=", csrf_value)}};

  // The cookie alone signs the page in, with the account's scope.
  res = client.Get("/api/v1/whoami", cookies);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(absl::StrContains(res->body, "account:bithu.xa1")) << res->body;
  res = client.Get("/api/v1/org-units/xa-2", cookies);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
  // Logging out needs the CSRF header (a cross-site form cannot send it).
  res = client.Delete(kSessionPath, cookies);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
  httplib::Headers with_csrf = cookies;
  with_csrf.emplace(kCsrfHeader, csrf_value);
  res = client.Delete(kSessionPath, with_csrf);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_TRUE(absl::StrContains(SetCookie(res, kSessionCookie), "Max-Age=0"));
  // The session is over: its token can no longer be renewed.
  rv1::Session renewed;
  auto renew = rpc::MakeClientContext(session_value.substr(std::string(kSessionCookie).size() + 1), absl::Seconds(10));
  EXPECT_EQ(accounts->RefreshSession(renew.get(), {}, &renewed).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  // Other methods still answer 405 everywhere else.
  res = client.Post("/api/v1/whoami", "", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
}


// Writes come from the protos' google.api.http bindings: a new RPC needs an
// annotation, not a route. A browser's write (the session cookie) must
// carry the CSRF header; a bearer caller needs none.
TEST_F(GatewayOverRealServicesTest, WritesAreTranscodedFromTheProtosAndCookieWritesNeedTheCsrfHeader) {
  auto client = gateway_->Client(token_);
  const std::string cell = R"({"orgUnit":{"id":"cb-1","parentId":"xa-1","kind":"SUBORDINATE_CELL","category":"RESIDENTIAL",)"
                           R"("name":"Chi bộ thôn 1","openedOn":"2020-01-01"},"requestId":"tao-cb-1"})";
  auto res = client.Post("/api/v1/org-units", cell, "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(ParseJson(res->body).fields().at("name").string_value(), "Chi bộ thôn 1");
  // The same request_id again: the same answer, nothing written twice.
  res = client.Post("/api/v1/org-units", cell, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = client.Get("/api/v1/org-units/xa-1/children");
  ASSERT_TRUE(res);
  EXPECT_EQ(ParseJson(res->body).fields().at("orgUnits").list_value().values_size(), 1) << res->body;
  // A path variable fills the request (and wins over the body).
  res = client.Patch("/api/v1/org-units/cb-1", R"({"orgUnit":{"name":"Chi bộ thôn Một"},"updateMask":"name"})",
                     "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  res = client.Get("/api/v1/org-units/cb-1");
  ASSERT_TRUE(res);
  EXPECT_EQ(ParseJson(res->body).fields().at("name").string_value(), "Chi bộ thôn Một");

  // Bad requests are refused naming what is wrong, before any call.
  res = client.Post("/api/v1/org-units", "{not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"body"});
  res = client.Post("/api/v1/org-units", R"({"orgUnit":{"nmae":"x"}})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"body"});
  res = client.Post("/api/v1/org-units?request_id=x", cell, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"request_id"});
  res = client.Post("/api/v1/org-units", cell, "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"Content-Type"});
  res = client.Get("/api/v1/members?query=x");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405) << "members are listed under their unit";
  res = client.Get("/api/v1/meetings/m-1:record");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "POST");
  res = client.Delete("/api/v1/meetings/m-1:record");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405);
  EXPECT_EQ(res->get_header_value("Allow"), "POST");

  // Encoded '/' or ':' inside an id never changes the route; unknown API
  // paths are 404 whatever the method; a sign-in body is small.
  res = client.Get("/api/v1/org-units/cb-1%2Fchildren");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << "GetOrgUnit of \"cb-1/children\", not ListOrgUnits of cb-1: " << res->body;
  res = client.Post("/api/v1/org-units/cb-1%3Aclose", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 405) << "not CloseOrgUnit: " << res->body;
  res = client.Get("/api/v1/org-units/cb%01x");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
  res = client.Post("/api/v1/nope", "{}", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << res->body;
  res = client.Post(kSessionPath, std::string(100 * 1024, ' '), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  res = client.Post("/api/v1/org-units", absl::StrCat(R"({")", std::string(300, 'a'), "\xc4\x90", R"(":1})"),
                    "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(ViolatedFields(res), std::vector<std::string>{"body"}) << "the cut message stays UTF-8";

  // A browser signed in as an admin of xa-1.
  auto accounts = rv1::AccountService::NewStub(rpc::MakeChannel(registry_addr_, "chibo.registry.v1.AccountService"));
  rv1::CreateAccountRequest create;
  create.mutable_account()->set_username("bantochuc.xa1");
  create.mutable_account()->add_roles("admin");
  create.mutable_account()->set_scope_org_id("xa-1");
  create.set_password("mật-khẩu-đủ-dài");
  rv1::Account account;
  auto ctx = rpc::MakeClientContext(token_, absl::Seconds(10));
  ASSERT_TRUE(accounts->CreateAccount(ctx.get(), create, &account).ok());
  auto browser = gateway_->Client();
  res = browser.Post(kSessionPath, R"({"username":"bantochuc.xa1","password":"mật-khẩu-đủ-dài"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  const std::string session = SetCookie(res, kSessionCookie), csrf = SetCookie(res, kCsrfCookie);
  const std::string csrf_value = csrf.substr(std::string(kCsrfCookie).size() + 1, csrf.find(';') - std::string(kCsrfCookie).size() - 1);
  httplib::Headers cookies = {{"Cookie", absl::StrCat(session.substr(0, session.find(';')), "; ", kCsrfCookie, "=", csrf_value)}};
  const std::string cell2 = R"({"orgUnit":{"id":"cb-2","parentId":"xa-1","kind":"SUBORDINATE_CELL","category":"RESIDENTIAL",)"
                            R"("name":"Chi bộ thôn 2","openedOn":"2020-01-01"}})";
  res = browser.Post("/api/v1/org-units", cookies, cell2, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
  EXPECT_TRUE(absl::StrContains(res->body, "X-CSRF-Token")) << res->body;
  res = client.Get("/api/v1/org-units/cb-2");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404) << "refused before any call";
  cookies.emplace(kCsrfHeader, csrf_value);
  res = browser.Post("/api/v1/org-units", cookies, cell2, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  // Out of the account's scope: the registry's own answer.
  const std::string cell3 = R"({"orgUnit":{"id":"cb-3","parentId":"xa-2","kind":"SUBORDINATE_CELL","category":"RESIDENTIAL",)"
                            R"("name":"Chi bộ thôn 3","openedOn":"2020-01-01"}})";
  res = browser.Post("/api/v1/org-units", cookies, cell3, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
}

}  // namespace
}  // namespace chibo::gateway
