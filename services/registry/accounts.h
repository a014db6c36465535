// Accounts of the embedded default (tài khoản): user name and password
// (Argon2id, libsodium), roles and a scope unit like tokens have, optionally
// the member of the roll the person is. Login opens a session and answers a
// short token (kSessionTokenLifetime) carrying the session's id (sid); the
// gateway refreshes it while the session lives (kSessionLifetime), so a
// logout, a disabled account or a reset password ends access within one
// token's life. Failed logins are counted per account and per address in
// SQL, so every replica refuses alike.
#ifndef CHIBO_SERVICES_REGISTRY_ACCOUNTS_H_
#define CHIBO_SERVICES_REGISTRY_ACCOUNTS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/base/call_once.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "chibo/registry/v1/accounts.pb.h"
#include "common/auth/claims.h"
#include "common/auth/tokens.h"
#include "common/db/database.h"
#include "services/registry/registry.h"

namespace chibo::registry {

inline constexpr absl::Duration kSessionTokenLifetime = absl::Minutes(30);
inline constexpr absl::Duration kSessionLifetime = absl::Hours(12);
// Failed logins within kFailureWindow before the account, or the address,
// is refused until the window ends.
inline constexpr absl::Duration kFailureWindow = absl::Minutes(15);
inline constexpr int kMaxFailuresPerAccount = 5;
inline constexpr int kMaxFailuresPerAddress = 20;
inline constexpr int kMinPasswordLength = 10;  // bytes of UTF-8

class Accounts {
 public:
  // `hs256_key` signs the session tokens (the services' own HS256 key).
  Accounts(db::Database* db, Registry* registry, std::string hs256_key, std::string audience);

  absl::Status Login(const auth::Claims& caller, const v1::LoginRequest& request, v1::Session* response);
  absl::Status RefreshSession(const auth::Claims& caller, const v1::RefreshSessionRequest& request,
                              v1::Session* response);
  absl::Status Logout(const auth::Claims& caller, const v1::LogoutRequest& request,
                      v1::LogoutResponse* response);
  absl::Status CreateAccount(const auth::Claims& caller, const v1::CreateAccountRequest& request,
                             v1::Account* response);
  absl::Status ListAccounts(const auth::Claims& caller, const v1::ListAccountsRequest& request,
                            v1::ListAccountsResponse* response);
  absl::Status ResetPassword(const auth::Claims& caller, const v1::ResetPasswordRequest& request,
                             v1::Account* response);
  absl::Status SetAccountDisabled(const auth::Claims& caller, const v1::SetAccountDisabledRequest& request,
                                  v1::Account* response);
  absl::Status ChangePassword(const auth::Claims& caller, const v1::ChangePasswordRequest& request,
                              v1::Account* response);

  // The embedded default's first admin ("admin", scope `province_id`): when
  // no account exists, creates it with a random password written to
  // `password_file` (mode 0600). Returns whether it created one.
  absl::StatusOr<bool> EnsureFirstAdmin(const std::string& province_id, const std::string& password_file);

 private:
  absl::StatusOr<v1::Session> OpenSession(db::Session& s, const v1::Account& account);
  absl::StatusOr<v1::Session> IssueFor(const v1::Account& account, const std::string& session_id,
                                       const std::string& session_expires_at);
  // Argon2id, at most two at a time (each takes 64 MB and ~0.1 s of a core).
  absl::StatusOr<std::string> HashPassword(const std::string& password);
  bool VerifyPassword(const std::string& hash, const std::string& password);
  // Verified against for unknown names, so they cost the time of a real one.
  const std::string& DummyHash();

  db::Database* db_;
  Registry* registry_;
  auth::TokenIssuer issuer_;
  std::string audience_;
  absl::once_flag dummy_once_;
  std::string dummy_hash_;
  absl::Mutex hash_mu_;
  int hashing_ ABSL_GUARDED_BY(hash_mu_) = 0;
};

}  // namespace chibo::registry

#endif  // CHIBO_SERVICES_REGISTRY_ACCOUNTS_H_
