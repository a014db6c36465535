// The gRPC face of Accounts: roles per method, work on the blocking pool.
#ifndef CHIBO_SERVICES_REGISTRY_ACCOUNTS_GRPC_H_
#define CHIBO_SERVICES_REGISTRY_ACCOUNTS_GRPC_H_

#include "chibo/registry/v1/accounts.grpc.pb.h"
#include "common/rpc/unary_call.h"
#include "services/registry/accounts.h"

namespace chibo::registry {

class AccountGrpcService final : public v1::AccountService::CallbackService {
 public:
  AccountGrpcService(Accounts* accounts, rpc::CallRunner* runner) : accounts_(accounts), runner_(runner) {}

#define CHIBO_ACCOUNT_RPC(Method, Request, Response)                                          \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx, const v1::Request* req, \
                                   v1::Response* resp) override;
  CHIBO_ACCOUNT_RPC(Login, LoginRequest, Session)
  CHIBO_ACCOUNT_RPC(RefreshSession, RefreshSessionRequest, Session)
  CHIBO_ACCOUNT_RPC(Logout, LogoutRequest, LogoutResponse)
  CHIBO_ACCOUNT_RPC(CreateAccount, CreateAccountRequest, Account)
  CHIBO_ACCOUNT_RPC(ListAccounts, ListAccountsRequest, ListAccountsResponse)
  CHIBO_ACCOUNT_RPC(ResetPassword, ResetPasswordRequest, Account)
  CHIBO_ACCOUNT_RPC(SetAccountDisabled, SetAccountDisabledRequest, Account)
  CHIBO_ACCOUNT_RPC(ChangePassword, ChangePasswordRequest, Account)
#undef CHIBO_ACCOUNT_RPC

 private:
  Accounts* accounts_;
  rpc::CallRunner* runner_;
};

}  // namespace chibo::registry

#endif  // CHIBO_SERVICES_REGISTRY_ACCOUNTS_GRPC_H_
