#include "absl/strings/string_view.h"
#include "common/auth/claims.h"

#include <algorithm>

namespace chibo::auth {

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kSecretary: return "secretary";
    case Role::kSupervisor: return "supervisor";
    case Role::kViewer: return "viewer";
    case Role::kService: return "service";
  }
  return "unknown";
}

std::optional<Role> ParseRole(absl::string_view name) {
  for (Role r : {Role::kAdmin, Role::kSecretary, Role::kSupervisor, Role::kViewer,
                 Role::kService}) {
    if (RoleName(r) == name) return r;
  }
  return std::nullopt;
}

bool Claims::HasRole(Role r) const { return std::find(roles.begin(), roles.end(), r) != roles.end(); }

bool Claims::HasAnyRole(RoleSet set) const {
  for (Role r : roles)
    if (set & RoleBit(r)) return true;
  return false;
}

}  // namespace chibo::auth
