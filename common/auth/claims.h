// Who is calling: the verified claims of a bearer token (JWT).
#ifndef CHIBO_COMMON_AUTH_CLAIMS_H_
#define CHIBO_COMMON_AUTH_CLAIMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace chibo::auth {

enum class Role {
  kAdmin,       // quản trị: everything within the scope
  kSecretary,   // bí thư: keeps the roll of the cells in scope
  kSupervisor,  // người dự sinh hoạt: reads, records visits, reviews thematic plans
  kViewer,      // xem: reads without personal data
  kService,     // another chibo service
};

absl::string_view RoleName(Role role);
std::optional<Role> ParseRole(absl::string_view name);

// A set of roles as a bit mask, for method policies.
using RoleSet = uint32_t;
constexpr RoleSet RoleBit(Role r) { return 1u << static_cast<int>(r); }
// A method anyone may call, without a token (AccountService.Login).
constexpr RoleSet kNoTokenNeeded = 0;
constexpr RoleSet kAllRoles = RoleBit(Role::kAdmin) | RoleBit(Role::kSecretary) |
                              RoleBit(Role::kSupervisor) | RoleBit(Role::kViewer) |
                              RoleBit(Role::kService);

struct Claims {
  std::string subject;        // sub
  std::vector<Role> roles;    // roles
  std::string scope_org_id;   // org: the unit whose subtree the caller may act on
  std::string audience;       // aud
  absl::Time expires_at = absl::InfiniteFuture();  // exp
  absl::Time issued_at;                            // iat (set by the verifier)
  // sid: the login session (registry AccountService) the token belongs to;
  // empty for minted bearer tokens and identity providers' tokens.
  std::string session_id;
  // The bearer token these claims came from, forwarded when a service calls
  // another on the caller's behalf (so the callee applies the same scope).
  std::string token;
  // Of the incoming call these claims came with (set by rpc::CallRunner):
  // calls made on its behalf end no later and carry its request id.
  absl::Time deadline = absl::InfiniteFuture();
  std::string request_id;

  bool HasRole(Role r) const;
  bool HasAnyRole(RoleSet set) const;
};

}  // namespace chibo::auth

#endif  // CHIBO_COMMON_AUTH_CLAIMS_H_
