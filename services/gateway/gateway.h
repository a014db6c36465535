// chibo-gateway's HTTP/JSON API over the services' RPCs (protobuf's JSON
// mapping), for the dashboard: reports, their CSV export, the tree and the
// meetings. The caller's bearer token is forwarded to the services, which
// apply their own auth and scope; gRPC errors map to HTTP statuses with the
// same message and field violations. The gateway itself refuses what it can
// tell is wrong before any call: unknown, repeated, oversized or non-UTF-8
// query parameters, a page size out of range, a method other than GET/HEAD.
#ifndef CHIBO_SERVICES_GATEWAY_GATEWAY_H_
#define CHIBO_SERVICES_GATEWAY_GATEWAY_H_

#include <httplib.h>

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "chibo/registry/v1/accounts.grpc.pb.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/paging/page_token.h"
#include "services/gateway/transcoder.h"

namespace chibo::gateway {

// Limits of the HTTP API (README, "The dashboard").
inline constexpr size_t kMaxQueryValueBytes = 256;  // each query parameter's value
inline constexpr int kMaxPageSize = paging::kMaxPageSize;  // the List RPCs' maximum (1000)
inline constexpr size_t kMaxRequestBodyBytes = 4 * 1024 * 1024;  // the services' own maximum request
inline constexpr size_t kMaxSessionBodyBytes = 64 * 1024;         // a sign-in, before anyone is known
// Log in (POST, JSON {"username","password"}) and out (DELETE, with the
// X-CSRF-Token header equal to the chibo_csrf cookie). The session token
// lives in an HttpOnly, SameSite=Strict cookie the page's script never sees.
inline constexpr char kSessionPath[] = "/api/v1/session";
inline constexpr char kSessionCookie[] = "chibo_session";
inline constexpr char kCsrfCookie[] = "chibo_csrf";
inline constexpr char kCsrfHeader[] = "X-CSRF-Token";

// The security headers of every response.
inline constexpr absl::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

struct Backends {
  std::shared_ptr<grpc::Channel> registry;
  std::shared_ptr<grpc::Channel> scheduling;
  std::shared_ptr<grpc::Channel> supervision;
};

class Gateway {
 public:
  Gateway(Backends backends, const auth::TokenVerifier* verifier);

  // Adds the API routes (/api/v1/...) and the dashboard (/) to `server`, and
  // takes its pre-routing, post-routing, error and exception handlers: every
  // response gets the security headers, every error a JSON body.
  void Register(httplib::Server& server);

 private:
  using ApiHandler = std::function<void(const httplib::Request&, const std::string& token, httplib::Response&)>;
  // An API route: its query checked (CheckQuery), its token read (Bearer
  // header, else the session cookie, renewed when half its life is gone),
  // then `handler`.
  void Api(httplib::Server& server, const std::string& pattern, std::vector<std::string> allowed,
           ApiHandler handler);
  // POST kSessionPath (log in), DELETE (log out).
  void RegisterSession(httplib::Server& server);
  // Every RPC with a google.api.http binding (transcoder.h): the request
  // from the path, query and JSON body, the caller's token forwarded; a
  // write authenticated by the session cookie must carry X-CSRF-Token.
  void Transcode(const httplib::Request& req, httplib::Response& res);
  // The caller's token: the Authorization header's, else the session cookie's
  // (refreshed through AccountService when older than kSessionRefreshAge).
  absl::StatusOr<std::string> TokenOf(const httplib::Request& req, httplib::Response& res);

  std::unique_ptr<registry::v1::AccountService::Stub> accounts_;
  std::unique_ptr<registry::v1::RegistryService::Stub> registry_;
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<supervision::v1::SupervisionService::Stub> supervision_;
  const auth::TokenVerifier* verifier_;
  std::unique_ptr<Transcoder> transcoder_;
  // The GET routes Api() added (whoami, the CSV exports): another method on
  // them is 405, not 404. Written by Register only, before serving.
  std::vector<std::regex> own_api_routes_;
};

// The HTTP status for a gRPC code (the README's table): grpc-gateway's
// mapping, except FAILED_PRECONDITION → 412 (chibo's stale etag) instead of 400.
int HttpStatusOf(grpc::StatusCode code);

// "NOT_FOUND", "INVALID_ARGUMENT", ...; "UNKNOWN" for a code gRPC does not define.
std::string CodeName(grpc::StatusCode code);

// The JSON error body: {"code":"INVALID_ARGUMENT","message":"...",
// "fieldViolations":[{"field":"...","description":"..."}]}. Text that is not
// UTF-8 shows as U+FFFD, so the body is always valid JSON.
std::string ErrorJson(const grpc::Status& status);

// What every API route checks of its query before calling a service: each
// parameter is one of `allowed`, given once, at most kMaxQueryValueBytes of
// well-formed UTF-8 without control characters. INVALID_ARGUMENT naming each
// offending parameter otherwise.
absl::Status CheckQuery(const httplib::Params& params, const std::vector<std::string>& allowed);

// The same checks of the values (UTF-8, no control characters, length) for
// any parameter name, given any number of times (the transcoder then names
// unknown and repeated ones against the request's fields).
absl::Status CheckQueryValues(const httplib::Params& params);

// The `page_size` parameter: `default_size` when absent, else a decimal
// integer from 1 to kMaxPageSize (INVALID_ARGUMENT naming page_size otherwise).
absl::StatusOr<int> PageSizeOf(const httplib::Params& params, int default_size);

// Whether `text` is well-formed UTF-8: no stray continuation bytes, truncated
// sequences, overlong forms, surrogates or code points above U+10FFFF.
bool IsValidUtf8(absl::string_view text);

// The bearer token of the Authorization header ("" without one).
absl::StatusOr<std::string> BearerTokenOf(const httplib::Request& req);

// Sets Content-Security-Policy, X-Content-Type-Options, X-Frame-Options and
// Referrer-Policy (and Cache-Control: no-store on /api/ answers).
void SetSecurityHeaders(const httplib::Request& req, httplib::Response& res);

}  // namespace chibo::gateway

#endif  // CHIBO_SERVICES_GATEWAY_GATEWAY_H_
