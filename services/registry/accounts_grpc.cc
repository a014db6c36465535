#include "services/registry/accounts_grpc.h"

namespace chibo::registry {
namespace {
constexpr auth::RoleSet kAnyAccount = auth::kAllRoles;
constexpr auth::RoleSet kAccountAdmins = auth::RoleBit(auth::Role::kAdmin);
}  // namespace

#define CHIBO_RPC(Method, Request, Response, Roles)                                            \
  grpc::ServerUnaryReactor* AccountGrpcService::Method(                                        \
      grpc::CallbackServerContext* ctx, const v1::Request* req, v1::Response* resp) {          \
    return runner_->Unary(ctx, #Method, Roles, req, resp,                                      \
                          [this](const auth::Claims& c, const v1::Request& r, v1::Response* o) { \
                            return accounts_->Method(c, r, o);                                 \
                          });                                                                  \
  }

CHIBO_RPC(Login, LoginRequest, Session, auth::kNoTokenNeeded)
CHIBO_RPC(RefreshSession, RefreshSessionRequest, Session, kAnyAccount)
CHIBO_RPC(Logout, LogoutRequest, LogoutResponse, kAnyAccount)
CHIBO_RPC(CreateAccount, CreateAccountRequest, Account, kAccountAdmins)
CHIBO_RPC(ListAccounts, ListAccountsRequest, ListAccountsResponse, kAccountAdmins)
CHIBO_RPC(ResetPassword, ResetPasswordRequest, Account, kAccountAdmins)
CHIBO_RPC(SetAccountDisabled, SetAccountDisabledRequest, Account, kAccountAdmins)
CHIBO_RPC(ChangePassword, ChangePasswordRequest, Account, kAnyAccount)

#undef CHIBO_RPC

}  // namespace chibo::registry
