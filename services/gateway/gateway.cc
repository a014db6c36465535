#include "services/gateway/gateway.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <regex>
#include <functional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/errors/errors.h"
#include "common/rpc/client.h"
#include "common/rpc/status_mapping.h"
#include "google/protobuf/util/json_util.h"
#include "nlohmann/json.hpp"
#include "absl/random/random.h"
#include "absl/time/clock.h"
#include "services/gateway/csv_export.h"
#include "services/gateway/web_assets.h"

namespace chibo::gateway {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
namespace pv1 = ::chibo::supervision::v1;
constexpr absl::Duration kTimeout = absl::Seconds(30);
constexpr char kJson[] = "application/json; charset=utf-8";
// Without a page_size the dashboard gets every child of a unit in one page.
constexpr int kDefaultChildrenPageSize = 1000;
constexpr int kDefaultMeetingsPageSize = 200;

// The length of the well-formed UTF-8 sequence that `s` starts with; 0 when
// it starts with none (RFC 3629, Unicode Table 3-7).
size_t Utf8SequenceLength(absl::string_view s) {
  if (s.empty()) return 0;
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = byte(0);
  if (c < 0x80) return 1;
  size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c == 0xE0) {
    n = 3, lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    n = 3;
  } else if (c == 0xED) {
    n = 3, hi = 0x9F;  // not a surrogate
  } else if (c == 0xF0) {
    n = 4, lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    n = 4;
  } else if (c == 0xF4) {
    n = 4, hi = 0x8F;  // at most U+10FFFF
  } else {
    return 0;
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

// A JSON string literal of `text`; bytes that are not UTF-8 become U+FFFD.
std::string Quote(absl::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) {
      out += "\\ufffd";
      text.remove_prefix(1);
      continue;
    }
    const char c = text[0];
    if (n > 1) {
      out.append(text.data(), n);
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
      absl::StrAppend(&out, absl::StrFormat("\\u%04x", static_cast<unsigned char>(c)));
    } else {
      out += c;
    }
    text.remove_prefix(n);
  }
  return out + "\"";
}

std::string ErrorBody(absl::string_view code, absl::string_view message) {
  return absl::StrCat("{\"code\":", Quote(code), ",\"message\":", Quote(message), ",\"fieldViolations\":[]}");
}

void NotFound(httplib::Response& res) {
  res.status = 404;
  res.set_content(ErrorBody("NOT_FOUND", "Không tìm thấy / not found"), kJson);
}

// 405 naming the methods the path takes (`allow`, e.g. "GET, HEAD").
void MethodNotAllowed(httplib::Response& res, const std::string& allow) {
  res.status = 405;
  res.set_header("Allow", allow);
  res.set_content(ErrorBody("METHOD_NOT_ALLOWED", absl::StrCat("Chỉ nhận ", allow, " / only ", allow, " allowed")), kJson);
}

void Error(httplib::Response& res, const grpc::Status& status) {
  res.status = HttpStatusOf(status.error_code());
  res.set_content(ErrorJson(status), kJson);
}

void Error(httplib::Response& res, const absl::Status& status) { Error(res, rpc::ToGrpcStatus(status)); }

bool ToJson(const google::protobuf::Message& m, std::string* out) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  return google::protobuf::util::MessageToJsonString(m, out, options).ok();
}

template <class Response>
void Reply(httplib::Response& res, const grpc::Status& status, const Response& response) {
  if (!status.ok()) return Error(res, status);
  std::string body;
  if (!ToJson(response, &body)) {
    return Error(res, grpc::Status(grpc::StatusCode::INTERNAL,
                                   "Không chuyển được câu trả lời sang JSON / the answer cannot be written as JSON"));
  }
  res.set_content(body, kJson);
}

// The bearer token of the Authorization header ("" without one). It goes out
// as gRPC metadata, so it must be printable ASCII.
absl::StatusOr<std::string> Token(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  if (header.empty()) return std::string();
  if (!absl::StartsWithIgnoreCase(header, "Bearer ")) {
    return absl::UnauthenticatedError("Chỉ nhận mã truy cập Bearer / only Bearer tokens are accepted");
  }
  std::string token = header.substr(7);
  if (!std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7F; })) {
    return absl::UnauthenticatedError("Mã truy cập không hợp lệ / malformed token");
  }
  return token;
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

// Only what is safe in a quoted filename: letters, digits, '-', '_'.
std::string FileNamePart(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out += c;
  }
  return out.substr(0, 64);
}

// A cookie's value from the Cookie header ("" when absent).
std::string CookieValue(const httplib::Request& req, absl::string_view name) {
  for (absl::string_view part : absl::StrSplit(req.get_header_value("Cookie"), ';')) {
    part = absl::StripAsciiWhitespace(part);
    if (absl::StartsWith(part, absl::StrCat(name, "="))) return std::string(part.substr(name.size() + 1));
  }
  return "";
}

// The request's path as it came, still percent-encoded (httplib decodes
// req.path): bindings match on it segment by segment, so an encoded '/' or
// ':' inside an id cannot change the route, and each variable is decoded once.
std::string EncodedPath(const httplib::Request& req) {
  const std::string& target = req.target.empty() ? req.path : req.target;
  return target.substr(0, target.find('?'));
}

}  // namespace

absl::StatusOr<std::string> BearerTokenOf(const httplib::Request& req) { return Token(req); }

void Gateway::Api(httplib::Server& server, const std::string& pattern, std::vector<std::string> allowed,
                  ApiHandler handler) {
  own_api_routes_.emplace_back(pattern);
  server.Get(pattern, [this, allowed = std::move(allowed), handler = std::move(handler)](
                          const httplib::Request& req, httplib::Response& res) {
    if (absl::Status s = CheckQuery(req.params, allowed); !s.ok()) return Error(res, s);
    absl::StatusOr<std::string> token = TokenOf(req, res);
    if (!token.ok()) return Error(res, token.status());
    handler(req, *token, res);
  });
}

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 499;  // client closed request
    case grpc::StatusCode::UNKNOWN: return 500;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    // grpc-gateway says 400; chibo answers a stale etag with it, which HTTP calls 412.
    case grpc::StatusCode::FAILED_PRECONDITION: return 412;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::INTERNAL: return 500;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::DATA_LOSS: return 500;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    default: return 500;
  }
}

std::string CodeName(grpc::StatusCode code) {
  if (code < grpc::StatusCode::OK || code > grpc::StatusCode::UNAUTHENTICATED) return "UNKNOWN";
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string ErrorJson(const grpc::Status& status) {
  std::string body = absl::StrCat("{\"code\":", Quote(CodeName(status.error_code())),
                                  ",\"message\":", Quote(status.error_message()), ",\"fieldViolations\":[");
  bool first = true;
  for (const auto& v : errors::FieldViolationsOf(rpc::FromGrpcStatus(status))) {
    absl::StrAppend(&body, first ? "" : ",", "{\"field\":", Quote(v.field),
                    ",\"description\":", Quote(v.description), "}");
    first = false;
  }
  absl::StrAppend(&body, "]}");
  return body;
}

bool IsValidUtf8(absl::string_view text) {
  while (!text.empty()) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) return false;
    text.remove_prefix(n);
  }
  return true;
}

namespace {

// The checks of CheckQuery; `allowed` null admits any name (the
// transcoder knows the request's fields) and repeated names.
absl::Status CheckQueryParams(const httplib::Params& params, const std::vector<std::string>* allowed) {
  errors::FieldViolations v;
  for (auto it = params.begin(); it != params.end(); ++it) {
    const std::string& name = it->first;
    const bool first_of_name = it == params.lower_bound(name);
    // A name that is not UTF-8 would make the error body lie; it is named by its bytes' count.
    const bool plain_name = IsValidUtf8(name) && name.size() <= 64;
    const std::string shown = plain_name ? name : absl::StrCat("<", name.size(), " bytes>");
    if (allowed != nullptr || !plain_name) {
      if (!plain_name || std::find(allowed->begin(), allowed->end(), name) == allowed->end()) {
        if (first_of_name) v.Add(shown, "tham số không được hỗ trợ / unknown parameter");
        continue;
      }
      if (params.count(name) > 1) {
        if (first_of_name) v.Add(name, "chỉ được cho một lần / given more than once");
        continue;
      }
    }
    const std::string& value = it->second;
    if (!IsValidUtf8(value)) {
      v.Add(name, "không phải văn bản UTF-8 hợp lệ / not valid UTF-8");
    } else if (std::any_of(value.begin(), value.end(),
                           [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
      v.Add(name, "chứa ký tự điều khiển / contains a control character");
    } else {
      v.CheckLength(name, value, kMaxQueryValueBytes);
    }
  }
  return v.ToStatus();
}

}  // namespace

absl::Status CheckQuery(const httplib::Params& params, const std::vector<std::string>& allowed) {
  return CheckQueryParams(params, &allowed);
}

absl::Status CheckQueryValues(const httplib::Params& params) { return CheckQueryParams(params, nullptr); }

absl::StatusOr<int> PageSizeOf(const httplib::Params& params, int default_size) {
  auto it = params.find("page_size");
  if (it == params.end()) return default_size;
  const std::string& text = it->second;
  int size = 0;
  bool ok = !text.empty() && text.size() <= 4;
  for (char c : text) {
    ok = ok && absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (ok) size = size * 10 + (c - '0');
  }
  if (!ok || size < 1 || size > kMaxPageSize) {
    return errors::InvalidArgument(
        "page_size", absl::StrCat("phải là số nguyên từ 1 đến ", kMaxPageSize, " / must be an integer from 1 to ",
                                  kMaxPageSize));
  }
  return size;
}

void SetSecurityHeaders(const httplib::Request& req, httplib::Response& res) {
  const auto set = [&res](const char* name, absl::string_view value) {
    res.headers.erase(name);
    res.set_header(name, std::string(value));
  };
  set("Content-Security-Policy", kContentSecurityPolicy);
  set("X-Content-Type-Options", "nosniff");
  set("X-Frame-Options", "DENY");
  set("Referrer-Policy", "no-referrer");
  if (absl::StartsWith(req.path, "/api/")) set("Cache-Control", "no-store");
  res.headers.erase("EXCEPTION_WHAT");  // httplib's own, naming an exception's what()
}

Gateway::Gateway(Backends backends, const auth::TokenVerifier* verifier)
    : accounts_(rv1::AccountService::NewStub(backends.registry)),
      registry_(rv1::RegistryService::NewStub(backends.registry)),
      scheduling_(sv1::SchedulingService::NewStub(backends.scheduling)),
      supervision_(pv1::SupervisionService::NewStub(backends.supervision)),
      verifier_(verifier) {
  auto transcoder = Transcoder::ForServices({{"chibo.registry.v1.RegistryService", backends.registry},
                                             {"chibo.registry.v1.AccountService", backends.registry},
                                             {"chibo.scheduling.v1.SchedulingService", backends.scheduling},
                                             {"chibo.supervision.v1.SupervisionService", backends.supervision}});
  // A binding the transcoder cannot read is a mistake in the protos: every
  // gateway test fails on it.
  if (!transcoder.ok()) {
    std::fprintf(stderr, "chibo-gateway: google.api.http: %s\n", transcoder.status().ToString().c_str());
    std::abort();
  }
  transcoder_ = *std::move(transcoder);
}

void Gateway::Register(httplib::Server& server) {
  using HandlerResponse = httplib::Server::HandlerResponse;
  server.set_payload_max_length(kMaxRequestBodyBytes);
  // GET and HEAD go to routing; another method only where a binding of
  // the protos (or the session) takes it, before httplib reads a body.
  server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // Before httplib reads a body: the sign-in takes a small one only.
    if (req.path == kSessionPath && req.get_header_value<uint64_t>("Content-Length") > kMaxSessionBodyBytes) {
      res.status = 413;
      res.set_content(ErrorBody("INVALID_ARGUMENT", "Yêu cầu quá lớn / request too large"), kJson);
      return HandlerResponse::Handled;
    }
    if (req.method == "GET" || req.method == "HEAD") return HandlerResponse::Unhandled;
    if (req.path == kSessionPath && (req.method == "POST" || req.method == "DELETE")) {
      return HandlerResponse::Unhandled;
    }
    const std::string path = EncodedPath(req);
    if (transcoder_->Match(req.method, path, nullptr) != nullptr) return HandlerResponse::Unhandled;
    std::string allow = req.path == kSessionPath ? "POST, DELETE" : transcoder_->MethodsFor(path);
    // The gateway's own GET routes (whoami, the CSV exports) and the web app's files.
    const bool own_get_route =
        !absl::StartsWith(req.path, "/api/") ||
        std::any_of(own_api_routes_.begin(), own_api_routes_.end(),
                    [&](const std::regex& route) { return std::regex_match(req.path, route); });
    if (allow.empty() && !own_get_route) {
      NotFound(res);
      return HandlerResponse::Handled;
    }
    if (allow.empty()) allow = "GET, HEAD";
    MethodNotAllowed(res, allow);
    return HandlerResponse::Handled;
  });
  // Errors httplib answers itself (no route, a request it cannot read) get
  // a JSON body like the services' errors; the routes' own errors have one.
  server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return HandlerResponse::Unhandled;
    if (res.status == 404) {
      NotFound(res);
    } else if (res.status == 413 || res.status == 414 || res.status == 431) {
      res.set_content(ErrorBody("INVALID_ARGUMENT", "Yêu cầu quá lớn / request too large"), kJson);
    } else if (res.status < 500) {
      res.set_content(ErrorBody("INVALID_ARGUMENT", "Yêu cầu không hợp lệ / bad request"), kJson);
    } else {
      res.set_content(ErrorBody("INTERNAL", "Lỗi nội bộ / internal error"), kJson);
    }
    return HandlerResponse::Handled;
  }));
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    res.status = 500;
    res.set_content(ErrorBody("INTERNAL", "Lỗi nội bộ / internal error"), kJson);
  });
  server.set_post_routing_handler(SetSecurityHeaders);
  RegisterSession(server);

  // Who the token says the caller is: the dashboard starts at its scope.
  Api(server, "/api/v1/whoami", {}, [this](const httplib::Request&, const std::string& token, httplib::Response& res) {
    auto claims = verifier_->Verify(token);
    if (!claims.ok()) return Error(res, claims.status());
    std::string roles;
    for (auth::Role r : claims->roles) absl::StrAppend(&roles, roles.empty() ? "" : ",", Quote(auth::RoleName(r)));
    res.set_content(absl::StrCat("{\"subject\":", Quote(claims->subject), ",\"scopeOrgId\":",
                                 Quote(claims->scope_org_id), ",\"roles\":[", roles, "]}"),
                    kJson);
  });

  const std::vector<std::string> report_params = {"org_unit_id", "period"};
  auto report_request = [](const httplib::Request& req) {
    pv1::ReportRequest r;
    r.set_org_unit_id(Param(req, "org_unit_id"));
    r.set_period(Param(req, "period"));
    return r;
  };
  Api(server, "/api/v1/reports/activity.csv", report_params,
      [this, report_request](const httplib::Request& req, const std::string& token, httplib::Response& res) {
        pv1::ActivityReport out;
        grpc::Status s = supervision_->GetActivityReport(rpc::MakeClientContext(token, kTimeout).get(),
                                                         report_request(req), &out);
        if (!s.ok()) return Error(res, s);
        res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"du-sinh-hoat-",
                                                           FileNamePart(out.org_unit_id()), "-",
                                                           FileNamePart(out.period()), ".csv\""));
        res.set_content(ActivityCsv(out), "text/csv; charset=utf-8");
      });
  Api(server, "/api/v1/reports/compliance.csv", report_params,
      [this, report_request](const httplib::Request& req, const std::string& token, httplib::Response& res) {
        pv1::ComplianceReport out;
        grpc::Status s = supervision_->GetComplianceReport(rpc::MakeClientContext(token, kTimeout).get(),
                                                           report_request(req), &out);
        if (!s.ok()) return Error(res, s);
        res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"sinh-hoat-chi-bo-",
                                                           FileNamePart(out.org_unit_id()), "-",
                                                           FileNamePart(out.period()), ".csv\""));
        res.set_content(ComplianceCsv(out), "text/csv; charset=utf-8");
      });

  // Every other /api/ path: the RPCs' own HTTP bindings (transcoder.h).
  const auto transcode = [this](const httplib::Request& req, httplib::Response& res) { Transcode(req, res); };
  server.Get(R"(/api/.*)", transcode);
  server.Post(R"(/api/.*)", transcode);
  server.Put(R"(/api/.*)", transcode);
  server.Patch(R"(/api/.*)", transcode);
  server.Delete(R"(/api/.*)", transcode);

  // The web app's files, built into the binary (web_assets.h): the
  // dashboard at /, the daily-work app at /app/ (any /app/ path that is not
  // a file is one of its views: the page routes it). Built files under
  // /assets/ carry a hash of their content in their name, so browsers keep
  // them; every other file is revalidated.
  const WebAsset* app_page = nullptr;
  for (const WebAsset& asset : WebAssets()) {
    if (asset.path == "/app/index.html") app_page = &asset;
    const std::string path = asset.path == "/index.html" ? "/" : asset.path == "/app/index.html" ? "/app/" : asset.path;
    server.Get(path, [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", absl::StartsWith(asset.path, "/assets/") ? "public, max-age=31536000, immutable"
                                                                               : "no-cache");
      res.set_content(std::string(asset.content), asset.content_type);
    });
  }
  if (app_page != nullptr) {
    server.Get(R"(/app(/[^.]*)?)", [app_page](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(std::string(app_page->content), app_page->content_type);
    });
  }
  server.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/favicon.svg", 301);
  });
}

void Gateway::Transcode(const httplib::Request& req, httplib::Response& res) {
  std::vector<std::pair<std::string, std::string>> vars;
  const std::string path = EncodedPath(req);
  const HttpBinding* binding = transcoder_->Match(req.method, path, &vars);
  if (binding == nullptr) {
    if (const std::string allow = transcoder_->MethodsFor(path); !allow.empty()) {
      return MethodNotAllowed(res, allow);
    }
    return NotFound(res);
  }
  for (auto& [field, value] : vars) {
    // Each segment decoded once; ids never need more than this.
    value = httplib::detail::decode_url(value, false);
    if (!IsValidUtf8(value) || value.size() > kMaxQueryValueBytes ||
        std::any_of(value.begin(), value.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; })) {
      return Error(res, errors::InvalidArgument(field, "không hợp lệ / not a valid value"));
    }
  }
  if (absl::Status s = CheckQueryValues(req.params); !s.ok()) return Error(res, s);
  if (req.params.count("page_size")) {
    if (absl::StatusOr<int> size = PageSizeOf(req.params, 0); !size.ok()) return Error(res, size.status());
  }
  if (!req.body.empty() && !absl::StartsWith(req.get_header_value("Content-Type"), "application/json")) {
    return Error(res, errors::InvalidArgument("Content-Type", "phải là application/json / must be application/json"));
  }
  absl::StatusOr<std::string> token = TokenOf(req, res);
  if (!token.ok()) return Error(res, token.status());
  // A write the browser's cookie authenticates must prove it comes from
  // our page (double submit); bearer-token callers send no cookie.
  if (req.method != "GET" && req.method != "HEAD" && !req.has_header("Authorization") && !token->empty()) {
    const std::string csrf = CookieValue(req, kCsrfCookie);
    if (csrf.empty() || req.get_header_value(kCsrfHeader) != csrf) {
      return Error(res, absl::PermissionDeniedError(
                            "thiếu mã chống giả mạo (X-CSRF-Token) / the X-CSRF-Token header must match the chibo_csrf cookie"));
    }
  }
  auto request = Transcoder::BuildRequest(*binding, req.body, req.params, vars);
  if (!request.ok()) return Error(res, request.status());
  std::unique_ptr<google::protobuf::Message> response = Transcoder::NewResponse(*binding);
  auto ctx = rpc::MakeClientContext(*token, kTimeout);
  Reply(res, Transcoder::Call(*binding, ctx.get(), **request, response.get()), *response);
}

// ------------------------------------------------------------ sessions

namespace {

// Session cookies: HttpOnly for the token, readable for the CSRF value (the
// page echoes it in a header: double submit); both SameSite=Strict.
void SetSessionCookies(httplib::Response& res, const std::string& token, const std::string& csrf, int max_age) {
  res.set_header("Set-Cookie", absl::StrCat(kSessionCookie, "=", token, "; Path=/; HttpOnly; SameSite=Strict; Max-Age=",
                                            max_age));
  res.headers.emplace("Set-Cookie", absl::StrCat(kCsrfCookie, "=", csrf, "; Path=/; SameSite=Strict; Max-Age=", max_age));
}

std::string NewCsrfValue() {
  absl::BitGen gen;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen));
}

bool PrintableToken(absl::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) { return c > 0x20 && c < 0x7F; });
}

// A session token is renewed once it is this old (it lives 30 minutes).
constexpr absl::Duration kSessionRefreshAge = absl::Minutes(10);
constexpr int kSessionCookieSeconds = 12 * 3600;  // the session's own life

}  // namespace

absl::StatusOr<std::string> Gateway::TokenOf(const httplib::Request& req, httplib::Response& res) {
  if (req.has_header("Authorization")) return BearerTokenOf(req);
  std::string token = CookieValue(req, kSessionCookie);
  if (token.empty()) return std::string();
  if (!PrintableToken(token)) return absl::UnauthenticatedError("Mã phiên không hợp lệ / malformed session cookie");
  auto claims = verifier_->Verify(token);
  if (!claims.ok() || absl::Now() - claims->issued_at < kSessionRefreshAge) return token;
  rv1::RefreshSessionRequest refresh;
  rv1::Session session;
  auto ctx = rpc::MakeClientContext(token, absl::Seconds(10));
  if (accounts_->RefreshSession(ctx.get(), refresh, &session).ok()) {
    SetSessionCookies(res, session.token(), CookieValue(req, kCsrfCookie), kSessionCookieSeconds);
    return session.token();
  }
  return token;  // still valid for the rest of its life; the next call retries
}

void Gateway::RegisterSession(httplib::Server& server) {
  server.Post(kSessionPath, [this](const httplib::Request& req, httplib::Response& res) {
    if (!absl::StartsWith(req.get_header_value("Content-Type"), "application/json")) {
      return Error(res, errors::InvalidArgument("Content-Type", "phải là application/json / must be application/json"));
    }
    nlohmann::json body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object() || !body.contains("username") || !body["username"].is_string() ||
        !body.contains("password") || !body["password"].is_string()) {
      return Error(res, errors::InvalidArgument("body", "cần {\"username\": …, \"password\": …} / expects username and password"));
    }
    rv1::LoginRequest login;
    login.set_username(body["username"].get<std::string>());
    login.set_password(body["password"].get<std::string>());
    login.set_client_address(req.remote_addr);
    rv1::Session session;
    auto ctx = rpc::MakeClientContext("", absl::Seconds(10));
    grpc::Status status = accounts_->Login(ctx.get(), login, &session);
    if (!status.ok()) return Error(res, status);
    const std::string csrf = NewCsrfValue();
    SetSessionCookies(res, session.token(), csrf, kSessionCookieSeconds);
    std::string account;
    if (!ToJson(session.account(), &account)) account = "{}";
    res.set_content(absl::StrCat("{\"account\":", account, ",\"csrf\":", Quote(csrf),
                                 ",\"sessionExpiresAt\":", Quote(session.session_expires_at()), "}"),
                    kJson);
  });
  server.Delete(kSessionPath, [this](const httplib::Request& req, httplib::Response& res) {
    const std::string csrf = CookieValue(req, kCsrfCookie);
    if (csrf.empty() || req.get_header_value(kCsrfHeader) != csrf) {
      return Error(res, absl::PermissionDeniedError(
                            "thiếu mã chống giả mạo (X-CSRF-Token) / the X-CSRF-Token header must match the chibo_csrf cookie"));
    }
    const std::string token = CookieValue(req, kSessionCookie);
    if (PrintableToken(token)) {
      rv1::LogoutRequest logout;
      rv1::LogoutResponse out;
      auto ctx = rpc::MakeClientContext(token, absl::Seconds(10));
      (void)accounts_->Logout(ctx.get(), logout, &out);  // an expired session is as good as ended
    }
    SetSessionCookies(res, "", "", 0);
    res.set_content("{}", kJson);
  });
}

}  // namespace chibo::gateway
