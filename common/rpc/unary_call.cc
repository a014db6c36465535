#include "absl/strings/string_view.h"
#include "common/rpc/unary_call.h"

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/observability/logging.h"
#include "common/observability/metrics.h"

namespace chibo::rpc {
namespace {

using observability::Metrics;

absl::string_view Metadata(const grpc::CallbackServerContext* ctx, absl::string_view key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return {};
  return absl::string_view(it->second.data(), it->second.size());
}

// Per (service, method): the call counter per code and the latency histogram,
// looked up once and kept (the registry's references are stable).
struct MethodMetrics {
  observability::Histogram* latency;
  observability::Counter* by_code[17];
};

MethodMetrics& MetricsFor(absl::string_view service, absl::string_view method) {
  static absl::Mutex mu;
  static auto* table = new std::map<std::string, std::unique_ptr<MethodMetrics>, std::less<>>();
  std::string key = absl::StrCat(service, "/", method);
  absl::MutexLock lock(&mu);
  auto it = table->find(key);
  if (it != table->end()) return *it->second;
  auto m = std::make_unique<MethodMetrics>();
  m->latency = &Metrics::Global().GetHistogram(
      "chibo_rpc_latency_seconds", "Server-side latency of RPCs",
      {{"service", std::string(service)}, {"method", std::string(method)}});
  for (int code = 0; code < 17; ++code) {
    m->by_code[code] = &Metrics::Global().GetCounter(
        "chibo_rpc_calls_total", "RPCs answered, by method and status code",
        {{"service", std::string(service)},
         {"method", std::string(method)},
         {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(code))}});
  }
  return *table->emplace(key, std::move(m)).first->second;
}

}  // namespace

absl::string_view BearerToken(const grpc::CallbackServerContext* ctx) {
  absl::string_view value = Metadata(ctx, "authorization");
  if (value.size() > 7 && absl::EqualsIgnoreCase(value.substr(0, 7), "bearer ")) {
    return value.substr(7);
  }
  return {};
}

absl::Time CallDeadline(const grpc::CallbackServerContext* ctx) {
  // A call without a deadline (or with a later one) gets the server's own:
  // no statement runs for hours because a client forgot to set one.
  const absl::Time cap = absl::Now() + kMaxCallDuration;
  const auto deadline = ctx->deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return cap;
  return std::min(absl::FromChrono(deadline), cap);
}

std::string CallRequestId(const grpc::CallbackServerContext* ctx) {
  absl::string_view id = Metadata(ctx, "x-request-id");
  if (!id.empty()) return std::string(id.substr(0, 128));
  thread_local absl::BitGen gen;
  return absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
}

absl::StatusOr<auth::Claims> CallRunner::Authenticate(grpc::CallbackServerContext* ctx,
                                                      auth::RoleSet roles) const {
  if (roles == auth::kNoTokenNeeded) {  // anonymous: no token read, none required
    auth::Claims anonymous;
    anonymous.deadline = CallDeadline(ctx);
    anonymous.request_id = std::string(Metadata(ctx, "x-request-id").substr(0, 128));
    return anonymous;
  }
  auto claims = verifier_->Verify(BearerToken(ctx));
  if (!claims.ok()) return claims.status();
  if (!claims->HasAnyRole(roles)) {
    return absl::PermissionDeniedError(
        "vai trò không được phép gọi phương thức này / role may not call this method");
  }
  claims->deadline = CallDeadline(ctx);
  // Propagated only when the caller sent one (logs make their own otherwise).
  claims->request_id = std::string(Metadata(ctx, "x-request-id").substr(0, 128));
  return claims;
}

void CallRunner::Finish(grpc::ServerUnaryReactor* reactor, grpc::CallbackServerContext* ctx,
                        absl::string_view method, absl::Time start, absl::string_view subject,
                        const absl::Status& status) {
  Observe(ctx, method, start, subject, status);
  reactor->Finish(ToGrpcStatus(status));
}

void CallRunner::Observe(grpc::CallbackServerContext* ctx, absl::string_view method,
                         absl::Time start, absl::string_view subject, const absl::Status& status) {
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  MethodMetrics& m = MetricsFor(service_, method);
  m.latency->Observe(seconds);
  m.by_code[static_cast<int>(status.code()) % 17]->Increment();
  const auto level = status.ok() ? observability::LogLevel::kDebug
                     : (status.code() == absl::StatusCode::kInternal ||
                        status.code() == absl::StatusCode::kUnknown)
                         ? observability::LogLevel::kError
                         : observability::LogLevel::kInfo;
  if (observability::LogEnabled(level)) {
    observability::Log(level, "rpc",
                       {{"method", absl::StrCat(service_, "/", method)},
                        {"code", absl::StatusCodeToString(status.code())},
                        {"request_id", CallRequestId(ctx)},
                        {"subject", std::string(subject)},
                        {"latency_us", absl::StrCat(static_cast<int64_t>(seconds * 1e6))},
                        {"error", std::string(status.message())}});
  }
}

}  // namespace chibo::rpc
