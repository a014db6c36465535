// The gateway's own checks, without a server: the HTTP status of every gRPC
// code, the query checks every API route makes, page sizes, the JSON error
// body, and a dashboard that runs under the Content-Security-Policy.
#include "services/gateway/gateway.h"

#include <fstream>
#include <iterator>
#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/errors/errors.h"
#include "common/rpc/status_mapping.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/gateway/web_assets.h"

namespace chibo::gateway {
namespace {

using grpc::StatusCode;

// The README's table, "HTTP status for each gRPC code".
TEST(GatewayTest, EveryGrpcCodeHasItsHttpStatus) {
  const std::vector<std::pair<StatusCode, int>> table = {
      {StatusCode::OK, 200},
      {StatusCode::CANCELLED, 499},
      {StatusCode::UNKNOWN, 500},
      {StatusCode::INVALID_ARGUMENT, 400},
      {StatusCode::DEADLINE_EXCEEDED, 504},
      {StatusCode::NOT_FOUND, 404},
      {StatusCode::ALREADY_EXISTS, 409},
      {StatusCode::PERMISSION_DENIED, 403},
      {StatusCode::RESOURCE_EXHAUSTED, 429},
      {StatusCode::FAILED_PRECONDITION, 412},
      {StatusCode::ABORTED, 409},
      {StatusCode::OUT_OF_RANGE, 400},
      {StatusCode::UNIMPLEMENTED, 501},
      {StatusCode::INTERNAL, 500},
      {StatusCode::UNAVAILABLE, 503},
      {StatusCode::DATA_LOSS, 500},
      {StatusCode::UNAUTHENTICATED, 401},
  };
  ASSERT_EQ(table.size(), 17u) << "every code gRPC defines";
  for (const auto& [code, http] : table) EXPECT_EQ(HttpStatusOf(code), http) << CodeName(code);
  EXPECT_EQ(HttpStatusOf(static_cast<StatusCode>(42)), 500);
  EXPECT_EQ(CodeName(StatusCode::FAILED_PRECONDITION), "FAILED_PRECONDITION");
  EXPECT_EQ(CodeName(static_cast<StatusCode>(42)), "UNKNOWN");
}

std::vector<errors::FieldViolation> Violations(const absl::Status& s) { return errors::FieldViolationsOf(s); }

TEST(GatewayTest, QueryParametersMustBeKnownOnceShortUtf8) {
  const std::vector<std::string> allowed = {"org_unit_id", "period"};
  EXPECT_TRUE(CheckQuery({}, allowed).ok());
  EXPECT_TRUE(CheckQuery({{"org_unit_id", "tinh"}, {"period", "2025-Q1"}}, allowed).ok());
  EXPECT_TRUE(CheckQuery({{"org_unit_id", "Đảng bộ tỉnh"}, {"period", ""}}, allowed).ok());

  absl::Status s = CheckQuery({{"org_unit_id", "tinh"}, {"period", "\xff\xfe"}}, allowed);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  auto v = Violations(s);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "period");
  EXPECT_NE(v[0].description.find("UTF-8"), std::string::npos);

  v = Violations(CheckQuery({{"period", "2025-1\r"}}, allowed));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "period");
  EXPECT_NE(v[0].description.find("control character"), std::string::npos);

  v = Violations(CheckQuery({{"period", std::string(kMaxQueryValueBytes + 1, '1')}}, allowed));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "period");
  EXPECT_TRUE(CheckQuery({{"period", std::string(kMaxQueryValueBytes, '1')}}, allowed).ok());

  v = Violations(CheckQuery({{"period", "2025"}, {"period", "2026"}}, allowed));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "period");
  EXPECT_NE(v[0].description.find("more than once"), std::string::npos);

  v = Violations(CheckQuery({{"perod", "2025"}, {"org_unit_id", "x\xc3"}}, allowed));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].field, "org_unit_id");
  EXPECT_EQ(v[1].field, "perod");
  EXPECT_NE(v[1].description.find("unknown parameter"), std::string::npos);

  // A name that is not UTF-8 is not echoed.
  v = Violations(CheckQuery({{"\xff", "1"}}, allowed));
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].field, "<1 bytes>");
}

TEST(GatewayTest, Utf8IsCheckedStrictly) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Chi bộ thôn Nà Pài"));
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x87\xbb\xf0\x9f\x87\xb3"));  // 🇻🇳
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));                  // U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff\xfe"));
  EXPECT_FALSE(IsValidUtf8("\x80"));              // stray continuation
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xe1\xbb"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
}

TEST(GatewayTest, PageSizeIsAnIntegerWithinTheRpcsMaximum) {
  EXPECT_EQ(*PageSizeOf({}, 200), 200);
  EXPECT_EQ(*PageSizeOf({{"page_size", "1"}}, 200), 1);
  EXPECT_EQ(*PageSizeOf({{"page_size", "25"}}, 200), 25);
  EXPECT_EQ(*PageSizeOf({{"page_size", "1000"}}, 200), kMaxPageSize);
  for (const char* bad : {"", "0", "-1", "+5", " 5", "5 ", "1001", "99999", "2.5", "abc", "1e3", "0x10",
                          "4294967297"}) {
    absl::StatusOr<int> size = PageSizeOf({{"page_size", bad}}, 200);
    ASSERT_FALSE(size.ok()) << "'" << bad << "'";
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
    auto v = Violations(size.status());
    ASSERT_EQ(v.size(), 1u);
    EXPECT_EQ(v[0].field, "page_size");
  }
}

google::protobuf::Struct ParseJson(const std::string& text) {
  google::protobuf::Struct out;
  auto s = google::protobuf::util::JsonStringToMessage(text, &out);
  EXPECT_TRUE(s.ok()) << s << ": " << text;
  return out;
}

TEST(GatewayTest, ErrorBodyIsJsonEvenForTextThatIsNotUtf8) {
  errors::FieldViolations v;
  v.Add("period", "sai / wrong \"x\"");
  // The details as the services send them, the message not UTF-8.
  grpc::Status with_details(StatusCode::INVALID_ARGUMENT, "kỳ \xff\xfe sai\n\x01",
                            rpc::ToGrpcStatus(v.ToStatus()).error_details());
  const google::protobuf::Struct body = ParseJson(ErrorJson(with_details));
  EXPECT_EQ(body.fields().at("code").string_value(), "INVALID_ARGUMENT");
  EXPECT_EQ(body.fields().at("message").string_value(), "kỳ \xef\xbf\xbd\xef\xbf\xbd sai\n\x01");
  const auto& violations = body.fields().at("fieldViolations").list_value().values();
  ASSERT_EQ(violations.size(), 1);
  EXPECT_EQ(violations[0].struct_value().fields().at("field").string_value(), "period");
}

// Everything the Content-Security-Policy forbids: inline script, inline
// event handlers, javascript: URLs, inline styles, eval.
TEST(GatewayTest, TheDashboardNeedsNoInlineScriptOrStyle) {
  EXPECT_TRUE(absl::StrContains(kContentSecurityPolicy, "script-src 'self';"));
  EXPECT_FALSE(absl::StrContains(kContentSecurityPolicy, "unsafe-inline"));
  EXPECT_FALSE(absl::StrContains(kContentSecurityPolicy, "unsafe-eval"));
  bool saw_index = false, saw_icon = false;
  for (const WebAsset& asset : WebAssets()) {
    const std::string text(asset.content);
    SCOPED_TRACE(asset.path);
    if (asset.path == "/favicon.svg") {
      saw_icon = true;
      EXPECT_EQ(asset.content_type, "image/svg+xml");
    }
    EXPECT_FALSE(std::regex_search(text, std::regex(R"(\son[a-z]+\s*=)", std::regex::icase))) << "inline handler";
    EXPECT_FALSE(absl::StrContains(absl::AsciiStrToLower(text), "javascript:"));
    EXPECT_FALSE(std::regex_search(text, std::regex(R"(\sstyle\s*=)", std::regex::icase))) << "inline style";
    EXPECT_FALSE(std::regex_search(text, std::regex(R"(\beval\s*\(|new Function\s*\()"))) << "eval";
    if (asset.path != "/index.html") continue;
    saw_index = true;
    // Every <script> loads a file, and there is no <style> element.
    std::smatch m;
    std::string rest = text;
    int scripts = 0;
    while (std::regex_search(rest, m, std::regex(R"(<script([^>]*)>([\s\S]*?)</script>)", std::regex::icase))) {
      ++scripts;
      EXPECT_TRUE(absl::StrContains(m[1].str(), "src=")) << m[0];
      EXPECT_TRUE(absl::StripAsciiWhitespace(m[2].str()).empty()) << m[0];
      rest = m.suffix();
    }
    EXPECT_GE(scripts, 1);
    EXPECT_FALSE(absl::StrContains(text, "<style"));
    EXPECT_TRUE(absl::StrContains(text, R"(<link rel="icon" href="/favicon.svg")"));
  }
  EXPECT_TRUE(saw_index);
  EXPECT_TRUE(saw_icon);
}


// ------------------------------------------------------------ transcoder

std::unique_ptr<Transcoder> AllBindings() {
  auto channel = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());  // never called
  auto t = Transcoder::ForServices({{"chibo.registry.v1.RegistryService", channel},
                                    {"chibo.registry.v1.AccountService", channel},
                                    {"chibo.scheduling.v1.SchedulingService", channel},
                                    {"chibo.supervision.v1.SupervisionService", channel}});
  EXPECT_TRUE(t.ok()) << t.status();
  return t.ok() ? *std::move(t) : nullptr;
}

TEST(TranscoderTest, MatchesLiteralsVerbsAndVariables) {
  auto t = AllBindings();
  ASSERT_NE(t, nullptr);
  std::vector<std::pair<std::string, std::string>> vars;
  const HttpBinding* b = t->Match("POST", "/api/v1/meetings/mt-1:record", &vars);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->full_method, "/chibo.scheduling.v1.SchedulingService/RecordMeeting");
  EXPECT_EQ(vars, (std::vector<std::pair<std::string, std::string>>{{"id", "mt-1"}}));
  b = t->Match("GET", "/api/v1/meetings/mt-1", &vars);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->method->name(), "GetMeeting");
  b = t->Match("POST", "/api/v1/members/dv-1/positions:end", &vars);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->method->name(), "EndPosition");
  b = t->Match("POST", "/api/v1/members/dv-1/positions", &vars);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->method->name(), "AssignPosition");
  EXPECT_EQ(t->Match("HEAD", "/api/v1/reports/activity", nullptr)->method->name(), "GetActivityReport");
  EXPECT_EQ(t->Match("GET", "/api/v1/meetings/mt-1:nope", nullptr), nullptr);
  EXPECT_EQ(t->Match("GET", "/api/v1/meetings//", nullptr), nullptr);
  EXPECT_EQ(t->Match("DELETE", "/api/v1/meetings/mt-1", nullptr), nullptr);
  EXPECT_EQ(t->MethodsFor("/api/v1/meetings/mt-1"), "GET, HEAD, PATCH");
  EXPECT_EQ(t->MethodsFor("/api/v1/nothing"), "");
}

TEST(TranscoderTest, BuildsTheRequestFromBodyQueryAndPathNamingWhatIsWrong) {
  auto t = AllBindings();
  ASSERT_NE(t, nullptr);
  std::vector<std::pair<std::string, std::string>> vars;
  const HttpBinding* list = t->Match("GET", "/api/v1/org-units/tinh/children", &vars);
  ASSERT_NE(list, nullptr);
  auto r = Transcoder::BuildRequest(*list, "", {{"subtree", "true"}, {"kind", "BASE_CELL"}, {"page_size", "7"}}, vars);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->ShortDebugString(), R"(parent_id: "tinh" subtree: true kind: BASE_CELL page_size: 7)");
  r = Transcoder::BuildRequest(*list, "", {{"subtree", "yes"}, {"kidn", "x"}, {"asOf", "2026-01-01"}, {"as_of", "x"}}, vars);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> fields;
  for (const auto& v : errors::FieldViolationsOf(r.status())) fields.push_back(v.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"kidn", "subtree"}));
  r = Transcoder::BuildRequest(*list, "", {{"parent_id", "other"}}, vars);
  ASSERT_FALSE(r.ok()) << "a path variable given again in the query";

  const HttpBinding* record = t->Match("POST", "/api/v1/meetings/mt-1:record", &vars);
  r = Transcoder::BuildRequest(*record, R"({"id":"mt-other","speakers":3,"attendance":[{"memberId":"dv-1","mark":"PRESENT"}]})",
                               {}, vars);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->ShortDebugString(), R"(id: "mt-1" attendance { member_id: "dv-1" mark: PRESENT } speakers: 3)")
      << "the path's id wins";
  r = Transcoder::BuildRequest(*record, R"({"speakers":"many"})", {}, vars);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(errors::FieldViolationsOf(r.status()).at(0).field, "body");
  r = Transcoder::BuildRequest(*record, "{}", {{"speakers", "3"}}, vars);
  ASSERT_FALSE(r.ok()) << "the body is the whole request: no query parameters";
  r = Transcoder::BuildRequest(*list, "{}", {}, vars);
  ASSERT_FALSE(r.ok()) << "a GET takes no body";
}

// The README's table of HTTP bindings, as the protos declare them.
TEST(TranscoderTest, TheReadmeListsEveryHttpBinding) {
  auto t = AllBindings();
  ASSERT_NE(t, nullptr);
  std::string table = "| HTTP | RPC |\n|---|---|\n";
  for (const auto& b : t->bindings()) {
    absl::StrAppend(&table, "| `", b->http_method, " ", b->path, "` | `", b->method->service()->name(), ".",
                    b->method->name(), "` |\n");
  }
  std::ifstream in(std::string(CHIBO_SOURCE_DIR) + "/README.md");
  const std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t from = readme.find("<!-- http:begin -->\n");
  const size_t to = readme.find("<!-- http:end -->");
  ASSERT_TRUE(from != std::string::npos && to != std::string::npos) << "README.md should hold:\n" << table;
  EXPECT_EQ(readme.substr(from + 20, to - from - 20), table) << "update README.md between the http markers to:\n" << table;
  EXPECT_GE(t->bindings().size(), 60u);
}

}  // namespace
}  // namespace chibo::gateway
