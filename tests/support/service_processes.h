// For tests and benchmarks that run the real service binaries (several
// replicas on one PostgreSQL, or a service against pgbench): start one and
// wait until it serves, sign a token with the key they share, and the one
// org-unit call every such set-up makes. Header-only: the users link
// chibo_proto, chibo_rpc and chibo_auth already.
#ifndef CHIBO_TESTS_SUPPORT_SERVICE_PROCESSES_H_
#define CHIBO_TESTS_SUPPORT_SERVICE_PROCESSES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/rpc/client.h"
#include "tests/support/subprocess.h"

namespace chibo::testing {

// Starts <binary_dir>/services/<service>/chibo-<service> listening on
// 127.0.0.1:`port` with its data under `dir`/<service><tag>, its output in
// `dir`/<service><tag>.log and `flags`, and waits (30 s) until it accepts
// connections.
inline absl::StatusOr<std::unique_ptr<ChildProcess>> StartServiceProcess(
    const std::string& binary_dir, const std::string& dir, const std::string& service,
    const std::string& tag, int port, const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {absl::StrCat(binary_dir, "/services/", service, "/chibo-", service),
                                   absl::StrCat("--listen=127.0.0.1:", port),
                                   absl::StrCat("--data_dir=", dir, "/", service, tag)};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto process = ChildProcess::Start(argv, absl::StrCat(dir, "/", service, tag, ".log"));
  if (!process.ok()) return process.status();
  auto channel = rpc::MakeChannel(absl::StrCat("127.0.0.1:", port), "grpc.health.v1.Health");
  if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(30)))) {
    return absl::DeadlineExceededError(
        absl::StrCat(service, tag, " did not start; see ", dir, "/", service, tag, ".log"));
  }
  return process;
}

// An HS256 token for `role` over `org`'s subtree, valid for two hours.
inline std::string SignToken(const std::string& hs256_key, auth::Role role, const std::string& org,
                             const std::string& subject = "tester") {
  auth::Claims c;
  c.subject = subject;
  c.roles = {role};
  c.scope_org_id = org;
  c.audience = "chibo";
  c.expires_at = absl::Now() + absl::Hours(2);
  auto token = auth::TokenIssuer(hs256_key).Issue(c);
  return token.ok() ? *token : std::string();
}

// A call context with the bearer token and a 30-second deadline.
inline std::unique_ptr<grpc::ClientContext> TokenContext(const std::string& token) {
  return rpc::MakeClientContext(token, absl::Seconds(30));
}

// Creates org unit `id` (named "Đơn vị <id>", residential, open since
// 2000-01-01) under `parent`.
inline grpc::Status CreateUnit(registry::v1::RegistryService::Stub& registry,
                               const std::string& token, const std::string& id,
                               registry::v1::OrgUnitKind kind, const std::string& parent) {
  registry::v1::CreateOrgUnitRequest r;
  r.mutable_org_unit()->set_id(id);
  r.mutable_org_unit()->set_kind(kind);
  r.mutable_org_unit()->set_category(registry::v1::RESIDENTIAL);
  r.mutable_org_unit()->set_name("Đơn vị " + id);
  r.mutable_org_unit()->set_parent_id(parent);
  r.mutable_org_unit()->set_opened_on("2000-01-01");
  registry::v1::OrgUnit out;
  return registry.CreateOrgUnit(TokenContext(token).get(), r, &out);
}

}  // namespace chibo::testing

#endif  // CHIBO_TESTS_SUPPORT_SERVICE_PROCESSES_H_
