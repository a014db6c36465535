#include "services/gateway/gateway.h"

#include <functional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/errors/errors.h"
#include "common/rpc/client.h"
#include "common/rpc/status_mapping.h"
#include "google/protobuf/util/json_util.h"
#include "services/gateway/csv_export.h"
#include "services/gateway/web_assets.h"

namespace chibo::gateway {
namespace {

namespace rv1 = ::chibo::registry::v1;
namespace sv1 = ::chibo::scheduling::v1;
namespace pv1 = ::chibo::supervision::v1;
constexpr absl::Duration kTimeout = absl::Seconds(30);

std::string Json(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, options);
  return out;
}

std::string Token(const httplib::Request& req) {
  const std::string header = req.get_header_value("Authorization");
  if (absl::StartsWithIgnoreCase(header, "Bearer ")) return header.substr(7);
  return "";
}

// A JSON string literal of UTF-8 text.
std::string Quote(absl::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, absl::StrFormat("\\u%04x", c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// {"code":"INVALID_ARGUMENT","message":"...","fieldViolations":[{"field":..,"description":..}]}
void Error(httplib::Response& res, const grpc::Status& status) {
  res.status = HttpStatusOf(status.error_code());
  std::string body = absl::StrCat(
      "{\"code\":", Quote(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code()))),
      ",\"message\":", Quote(status.error_message()), ",\"fieldViolations\":[");
  bool first = true;
  for (const auto& v : errors::FieldViolationsOf(rpc::FromGrpcStatus(status))) {
    absl::StrAppend(&body, first ? "" : ",", "{\"field\":", Quote(v.field),
                    ",\"description\":", Quote(v.description), "}");
    first = false;
  }
  absl::StrAppend(&body, "]}");
  res.set_content(body, "application/json; charset=utf-8");
}

template <class Response>
void Reply(httplib::Response& res, const grpc::Status& status, const Response& response) {
  if (!status.ok()) return Error(res, status);
  res.set_content(Json(response), "application/json; charset=utf-8");
}

std::string Param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : "";
}

}  // namespace

int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::FAILED_PRECONDITION: return 412;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    default: return 500;
  }
}

Gateway::Gateway(Backends backends, const auth::TokenVerifier* verifier)
    : registry_(rv1::RegistryService::NewStub(backends.registry)),
      scheduling_(sv1::SchedulingService::NewStub(backends.scheduling)),
      supervision_(pv1::SupervisionService::NewStub(backends.supervision)),
      verifier_(verifier) {}

void Gateway::Register(httplib::Server& server) {
  // Who the token says the caller is: the dashboard starts at its scope.
  server.Get("/api/v1/whoami", [this](const httplib::Request& req, httplib::Response& res) {
    auto claims = verifier_->Verify(Token(req));
    if (!claims.ok()) return Error(res, rpc::ToGrpcStatus(claims.status()));
    std::string roles;
    for (auth::Role r : claims->roles) absl::StrAppend(&roles, roles.empty() ? "" : ",", "\"", auth::RoleName(r), "\"");
    res.set_content(absl::StrCat("{\"subject\":", Quote(claims->subject), ",\"scopeOrgId\":",
                                 Quote(claims->scope_org_id), ",\"roles\":[", roles, "]}"),
                    "application/json; charset=utf-8");
  });

  server.Get(R"(/api/v1/org-units/([a-z0-9-]+))", [this](const httplib::Request& req, httplib::Response& res) {
    rv1::GetOrgUnitRequest r;
    r.set_id(req.matches[1]);
    r.set_as_of(Param(req, "as_of"));
    rv1::OrgUnit out;
    Reply(res, registry_->GetOrgUnit(rpc::MakeClientContext(Token(req), kTimeout).get(), r, &out), out);
  });

  server.Get(R"(/api/v1/org-units/([a-z0-9-]+)/children)", [this](const httplib::Request& req, httplib::Response& res) {
    rv1::ListOrgUnitsRequest r;
    r.set_parent_id(req.matches[1]);
    r.set_as_of(Param(req, "as_of"));
    r.set_page_size(1000);
    r.set_page_token(Param(req, "page_token"));
    rv1::ListOrgUnitsResponse out;
    Reply(res, registry_->ListOrgUnits(rpc::MakeClientContext(Token(req), kTimeout).get(), r, &out), out);
  });

  server.Get("/api/v1/meetings", [this](const httplib::Request& req, httplib::Response& res) {
    sv1::ListMeetingsRequest r;
    r.set_org_unit_id(Param(req, "org_unit_id"));
    r.set_subtree(Param(req, "subtree") == "true");
    r.set_from(Param(req, "from"));
    r.set_to(Param(req, "to"));
    r.set_page_size(200);
    r.set_page_token(Param(req, "page_token"));
    sv1::ListMeetingsResponse out;
    Reply(res, scheduling_->ListMeetings(rpc::MakeClientContext(Token(req), kTimeout).get(), r, &out), out);
  });

  auto report_request = [](const httplib::Request& req) {
    pv1::ReportRequest r;
    r.set_org_unit_id(Param(req, "org_unit_id"));
    r.set_period(Param(req, "period"));
    return r;
  };
  server.Get("/api/v1/reports/activity", [this, report_request](const httplib::Request& req, httplib::Response& res) {
    pv1::ActivityReport out;
    Reply(res, supervision_->GetActivityReport(rpc::MakeClientContext(Token(req), kTimeout).get(),
                                               report_request(req), &out), out);
  });
  server.Get("/api/v1/reports/compliance", [this, report_request](const httplib::Request& req, httplib::Response& res) {
    pv1::ComplianceReport out;
    Reply(res, supervision_->GetComplianceReport(rpc::MakeClientContext(Token(req), kTimeout).get(),
                                                 report_request(req), &out), out);
  });
  server.Get("/api/v1/reports/activity.csv", [this, report_request](const httplib::Request& req, httplib::Response& res) {
    pv1::ActivityReport out;
    grpc::Status s = supervision_->GetActivityReport(rpc::MakeClientContext(Token(req), kTimeout).get(),
                                                     report_request(req), &out);
    if (!s.ok()) return Error(res, s);
    res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"du-sinh-hoat-", out.org_unit_id(), "-", out.period(), ".csv\""));
    res.set_content(ActivityCsv(out), "text/csv; charset=utf-8");
  });
  server.Get("/api/v1/reports/compliance.csv", [this, report_request](const httplib::Request& req, httplib::Response& res) {
    pv1::ComplianceReport out;
    grpc::Status s = supervision_->GetComplianceReport(rpc::MakeClientContext(Token(req), kTimeout).get(),
                                                       report_request(req), &out);
    if (!s.ok()) return Error(res, s);
    res.set_header("Content-Disposition", absl::StrCat("attachment; filename=\"sinh-hoat-chi-bo-", out.org_unit_id(), "-", out.period(), ".csv\""));
    res.set_content(ComplianceCsv(out), "text/csv; charset=utf-8");
  });

  // The dashboard's files, built into the binary.
  for (const WebAsset& asset : WebAssets()) {
    const std::string path = asset.path == "/index.html" ? "/" : asset.path;
    server.Get(path, [&asset](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(asset.content), asset.content_type);
    });
  }
}

}  // namespace chibo::gateway
