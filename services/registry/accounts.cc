#include "services/registry/accounts.h"

#include <sodium.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/base/check.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "nlohmann/json.hpp"
#include "services/registry/registry_sql.h"

namespace chibo::registry {
namespace {

using errors::FieldViolations;

std::string Now() { return time::FormatTimestamp(absl::Now()); }

bool IsValidUsername(absl::string_view name) {
  if (name.size() < 3 || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

void CheckPassword(FieldViolations& v, const std::string& field, const std::string& password,
                   absl::string_view username) {
  if (password.size() < static_cast<size_t>(kMinPasswordLength)) {
    v.Add(field, absl::StrCat("ít nhất ", kMinPasswordLength, " ký tự / at least ", kMinPasswordLength,
                              " characters"));
  } else if (password == username) {
    v.Add(field, "không được trùng tên đăng nhập / must differ from the user name");
  }
}

// Roles by name, each known, at least one.
void CheckRoles(FieldViolations& v, const google::protobuf::RepeatedPtrField<std::string>& roles) {
  if (roles.empty()) v.Add("account.roles", "bắt buộc / required");
  for (int i = 0; i < roles.size(); ++i) {
    if (!auth::ParseRole(roles[i])) {
      v.Add(absl::StrCat("account.roles[", i, "]"), "admin, secretary, supervisor hoặc viewer");
    }
  }
}

// An account row (kSelectAccount*) and its password hash (column 10).
v1::Account AccountFromRow(const db::Row& r) {
  v1::Account a;
  a.set_id(r.Text(0));
  a.set_username(r.Text(1));
  a.set_member_id(r.Text(2));
  for (const auto& role : nlohmann::json::parse(r.Text(3))) a.add_roles(role.get<std::string>());
  a.set_scope_org_id(r.Text(4));
  a.set_display_name(r.Text(5));
  a.set_disabled(r.Bool(6));
  a.set_created_at(r.Text(7));
  a.set_password_changed_at(r.Text(8));
  a.set_etag(resource::EtagOf(r.Int(9)));
  return a;
}

absl::Status NotFoundAccount(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có tài khoản / no account \"", errors::Echo(id), "\""));
}

absl::Status BadLogin() {
  return absl::UnauthenticatedError("sai tên đăng nhập hoặc mật khẩu / wrong user name or password");
}

absl::Status TooManyFailures() {
  return errors::WithErrorInfo(
      absl::ResourceExhaustedError(absl::StrCat(
          "đăng nhập sai quá nhiều lần, hãy thử lại sau ", absl::ToInt64Minutes(kFailureWindow),
          " phút / too many failed logins: try again in ", absl::ToInt64Minutes(kFailureWindow), " minutes")),
      "TOO_MANY_FAILED_LOGINS");
}

// The account must lie inside the caller's scope (admins manage their subtree).
absl::Status CheckAccountInScope(Registry* registry, const auth::Claims& caller, const v1::Account& a) {
  return registry->CheckScope(caller, a.scope_org_id());
}

}  // namespace

Accounts::Accounts(db::Database* db, Registry* registry, std::string hs256_key, std::string audience)
    : db_(db), registry_(registry), issuer_(std::move(hs256_key)), audience_(std::move(audience)) {
  CHIBO_CHECK(sodium_init() >= 0, "libsodium cannot start");
}

const std::string& Accounts::DummyHash() {
  absl::call_once(dummy_once_, [this] {
    auto dummy = HashPassword("chibo: không có tài khoản này / no such account");
    CHIBO_CHECK(dummy.ok(), "cannot hash the dummy password");
    dummy_hash_ = *dummy;
  });
  return dummy_hash_;
}

absl::StatusOr<std::string> Accounts::HashPassword(const std::string& password) {
  {
    absl::MutexLock lock(&hash_mu_);
    hash_mu_.Await(absl::Condition(+[](int* n) { return *n < 2; }, &hashing_));
    ++hashing_;
  }
  char out[crypto_pwhash_STRBYTES];
  const int rc = crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                   crypto_pwhash_MEMLIMIT_INTERACTIVE);
  {
    absl::MutexLock lock(&hash_mu_);
    --hashing_;
  }
  if (rc != 0) return absl::ResourceExhaustedError("không đủ bộ nhớ để băm mật khẩu / out of memory hashing");
  return std::string(out);
}

bool Accounts::VerifyPassword(const std::string& hash, const std::string& password) {
  {
    absl::MutexLock lock(&hash_mu_);
    hash_mu_.Await(absl::Condition(+[](int* n) { return *n < 2; }, &hashing_));
    ++hashing_;
  }
  const bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  absl::MutexLock lock(&hash_mu_);
  --hashing_;
  return ok;
}

absl::StatusOr<v1::Session> Accounts::IssueFor(const v1::Account& account, const std::string& session_id,
                                               const std::string& session_expires_at) {
  auth::Claims claims;
  claims.subject = absl::StrCat("account:", account.username());
  for (const std::string& name : account.roles()) {
    if (auto role = auth::ParseRole(name)) claims.roles.push_back(*role);
  }
  claims.scope_org_id = account.scope_org_id();
  claims.audience = audience_;
  claims.session_id = session_id;
  absl::Time session_end;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, session_expires_at, &session_end, &error)) {
    return absl::InternalError("stored session end unreadable");
  }
  claims.expires_at = std::min(absl::Now() + kSessionTokenLifetime, session_end);
  auto token = issuer_.Issue(claims);
  if (!token.ok()) return token.status();
  v1::Session out;
  out.set_token(*token);
  out.set_expires_at(time::FormatTimestamp(claims.expires_at));
  out.set_session_id(session_id);
  *out.mutable_account() = account;
  out.set_session_expires_at(session_expires_at);
  return out;
}

absl::StatusOr<v1::Session> Accounts::OpenSession(db::Session& s, const v1::Account& account) {
  const std::string id = resource::NewId("ss-");
  const std::string expires = time::FormatTimestamp(absl::Now() + kSessionLifetime);
  if (auto st = s.Execute(sql::kInsertSession, {id, account.id(), Now(), expires}); !st.ok()) return st.status();
  return IssueFor(account, id, expires);
}

absl::Status Accounts::Login(const auth::Claims&, const v1::LoginRequest& request, v1::Session* response) {
  FieldViolations v;
  v.RequireNonEmpty("username", request.username());
  v.RequireNonEmpty("password", request.password());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const std::string account_key = absl::StrCat("account:", request.username());
  const std::string address_key = absl::StrCat("address:", request.client_address());
  const std::string since = time::FormatTimestamp(absl::Now() - kFailureWindow);
  for (const auto& [key, limit] : {std::pair{account_key, kMaxFailuresPerAccount},
                                   std::pair{address_key, kMaxFailuresPerAddress}}) {
    if (key == "address:") continue;  // no address given (a direct gRPC caller)
    auto failures = db_->QueryOptionalRow(sql::kSelectFailures, {key, since});
    if (!failures.ok()) return failures.status();
    if (failures->has_value() && (*failures)->Int(0) >= limit) return TooManyFailures();
  }
  auto row = db_->QueryOptionalRow(sql::kSelectAccountByName, {request.username()});
  if (!row.ok()) return row.status();
  // An unknown name costs the same hash as a wrong password.
  const bool known = row->has_value();
  const bool verified = VerifyPassword(known ? (*row)->Text(10) : DummyHash(), request.password());
  const v1::Account account = known ? AccountFromRow(**row) : v1::Account();
  if (!known || !verified || account.disabled()) {
    const std::string now = Now();
    for (const std::string& key : {account_key, address_key}) {
      if (key == "address:") continue;
      if (auto st = db_->Execute(sql::kCountFailure, {key, now, since}); !st.ok()) return st.status();
    }
    if (known && verified && account.disabled()) {
      return absl::PermissionDeniedError("tài khoản đã bị khóa / the account is disabled");
    }
    return BadLogin();
  }
  v1::LoginRequest audited;  // never the password, not even hashed
  audited.set_username(request.username());
  audited.set_client_address(request.client_address());
  return journal::RunJournaledWrite(
      *db_, {absl::StrCat("account:", account.username()), "Login", ""}, audited, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (auto st = s.Execute(sql::kClearFailures, {account_key}); !st.ok()) return st.status();
        auto session = OpenSession(s, account);
        if (!session.ok()) return session.status();
        *response = *std::move(session);
        note = {"Session", response->session_id(), account.scope_org_id(), "",
                absl::StrCat("{\"account\":\"", account.id(), "\",\"address\":\"",
                             errors::Echo(request.client_address()), "\"}")};
        return absl::OkStatus();
      });
}

absl::Status Accounts::RefreshSession(const auth::Claims& caller, const v1::RefreshSessionRequest&,
                                      v1::Session* response) {
  if (caller.session_id.empty()) {
    return absl::FailedPreconditionError("mã này không thuộc phiên đăng nhập / not a session token");
  }
  auto session = db_->QueryOptionalRow(sql::kSelectSession, {caller.session_id});
  if (!session.ok()) return session.status();
  if (!session->has_value() || !(*session)->IsNull(2) || (*session)->Text(1) <= Now()) {
    return absl::UnauthenticatedError("phiên đã kết thúc, hãy đăng nhập lại / the session has ended: log in again");
  }
  auto row = db_->QueryOptionalRow(sql::kSelectAccountById, {(*session)->Text(0)});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::UnauthenticatedError("tài khoản không còn / the account is gone");
  const v1::Account account = AccountFromRow(**row);
  if (account.disabled()) return absl::UnauthenticatedError("tài khoản đã bị khóa / the account is disabled");
  auto issued = IssueFor(account, caller.session_id, (*session)->Text(1));
  if (!issued.ok()) return issued.status();
  *response = *std::move(issued);
  return absl::OkStatus();
}

absl::Status Accounts::Logout(const auth::Claims& caller, const v1::LogoutRequest&, v1::LogoutResponse*) {
  if (caller.session_id.empty()) {
    return absl::FailedPreconditionError("mã này không thuộc phiên đăng nhập / not a session token");
  }
  v1::LogoutResponse ignored;
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "Logout", ""}, v1::LogoutRequest(), &ignored,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (auto st = s.Execute(sql::kRevokeSession, {caller.session_id, Now()}); !st.ok()) return st.status();
        note = {"Session", caller.session_id, caller.scope_org_id, "", "{\"revoked\":true}"};
        return absl::OkStatus();
      });
}

absl::Status Accounts::CreateAccount(const auth::Claims& caller, const v1::CreateAccountRequest& request,
                                     v1::Account* response) {
  const v1::Account& in = request.account();
  FieldViolations v;
  if (!IsValidUsername(in.username())) {
    v.Add("account.username", "3–64 ký tự a-z, 0-9, . _ - / 3..64 of [a-z0-9._-]");
  }
  CheckRoles(v, in.roles());
  v.RequireNonEmpty("account.scope_org_id", in.scope_org_id());
  v.CheckLength("account.display_name", in.display_name(), 200);
  CheckPassword(v, "password", request.password(), in.username());
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckAccountInScope(registry_, caller, in); !s.ok()) return s;
  if (!in.member_id().empty()) {
    registry::v1::GetMemberRequest get;
    get.set_id(in.member_id());
    registry::v1::Member member;
    if (absl::Status s = registry_->GetMember(caller, get, &member); !s.ok()) {
      return absl::IsNotFound(s) ? errors::InvalidArgument("account.member_id", "không có đảng viên này / no such member") : s;
    }
  }
  auto hash = HashPassword(request.password());
  if (!hash.ok()) return hash.status();
  v1::CreateAccountRequest journaled = request;  // the fingerprint never sees the password
  journaled.clear_password();
  const std::string id = resource::NewId("tk-");
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "CreateAccount", request.request_id()}, journaled, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        nlohmann::json roles = nlohmann::json::array();
        for (const std::string& r : in.roles()) roles.push_back(r);
        auto inserted = s.Execute(sql::kInsertAccount,
                                  {id, in.username(), *hash, in.member_id().empty() ? db::Param() : db::Param(in.member_id()),
                                   roles.dump(), in.scope_org_id(),
                                   in.display_name().empty() ? in.username() : in.display_name(), Now()});
        if (absl::IsAlreadyExists(inserted.status())) {
          return errors::WithErrorInfo(absl::AlreadyExistsError("tên đăng nhập đã có / the user name is taken"),
                                       "ALREADY_EXISTS", {{"field", "account.username"}});
        }
        if (!inserted.ok()) return inserted.status();
        auto row = s.QueryOptionalRow(sql::kSelectAccountById, {id});
        if (!row.ok()) return row.status();
        *response = AccountFromRow(**row);
        note = {"Account", id, in.scope_org_id(), "", journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Accounts::ListAccounts(const auth::Claims& caller, const v1::ListAccountsRequest& request,
                                    v1::ListAccountsResponse* response) {
  if (request.org_unit_id().empty()) return errors::InvalidArgument("org_unit_id", "bắt buộc / required");
  if (absl::Status s = registry_->CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  auth::Claims within = caller;
  within.scope_org_id = request.org_unit_id();  // the accounts scoped inside the unit asked for
  auto rows = db_->Query(sql::kSelectAllAccounts);
  if (!rows.ok()) return rows.status();
  for (const auto& r : rows->rows) {
    v1::Account a = AccountFromRow(r);
    if (registry_->CheckScope(within, a.scope_org_id()).ok()) *response->add_accounts() = std::move(a);
  }
  return absl::OkStatus();
}

namespace {

// Reads the account `id` inside a write, checks the caller's scope over it.
absl::StatusOr<v1::Account> AccountForAdmin(db::Session& s, Registry* registry, const auth::Claims& caller,
                                            absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectAccountById, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundAccount(id);
  v1::Account a = AccountFromRow(**row);
  if (absl::Status st = CheckAccountInScope(registry, caller, a); !st.ok()) return st;
  return a;
}

}  // namespace

absl::Status Accounts::ResetPassword(const auth::Claims& caller, const v1::ResetPasswordRequest& request,
                                     v1::Account* response) {
  FieldViolations v;
  v.RequireNonEmpty("account_id", request.account_id());
  CheckPassword(v, "new_password", request.new_password(), "");
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto hash = HashPassword(request.new_password());
  if (!hash.ok()) return hash.status();
  v1::ResetPasswordRequest journaled = request;
  journaled.clear_new_password();
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "ResetPassword", request.request_id()}, journaled, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = AccountForAdmin(s, registry_, caller, request.account_id());
        if (!before.ok()) return before.status();
        const std::string now = Now();
        if (auto st = s.Execute(sql::kSetPassword, {request.account_id(), *hash, now}); !st.ok()) return st.status();
        // Every session of the account ends: whoever knew the old password is out.
        if (auto st = s.Execute(sql::kRevokeSessionsOf, {request.account_id(), now}); !st.ok()) return st.status();
        auto row = s.QueryOptionalRow(sql::kSelectAccountById, {request.account_id()});
        if (!row.ok()) return row.status();
        *response = AccountFromRow(**row);
        note = {"Account", request.account_id(), before->scope_org_id(), journal::ToJson(*before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Accounts::SetAccountDisabled(const auth::Claims& caller, const v1::SetAccountDisabledRequest& request,
                                          v1::Account* response) {
  if (request.account_id().empty()) return errors::InvalidArgument("account_id", "bắt buộc / required");
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "SetAccountDisabled", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        auto before = AccountForAdmin(s, registry_, caller, request.account_id());
        if (!before.ok()) return before.status();
        if (caller.subject == absl::StrCat("account:", before->username()) && request.disabled()) {
          return errors::InvalidArgument("account_id", "không tự khóa tài khoản của mình / cannot disable your own account");
        }
        if (auto st = s.Execute(sql::kSetDisabled, {request.account_id(), request.disabled()}); !st.ok()) return st.status();
        if (request.disabled()) {
          if (auto st = s.Execute(sql::kRevokeSessionsOf, {request.account_id(), Now()}); !st.ok()) return st.status();
        }
        auto row = s.QueryOptionalRow(sql::kSelectAccountById, {request.account_id()});
        if (!row.ok()) return row.status();
        *response = AccountFromRow(**row);
        note = {"Account", request.account_id(), before->scope_org_id(), journal::ToJson(*before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Accounts::ChangePassword(const auth::Claims& caller, const v1::ChangePasswordRequest& request,
                                      v1::Account* response) {
  if (!absl::StartsWith(caller.subject, "account:")) {
    return absl::FailedPreconditionError("chỉ tài khoản đăng nhập mới đổi mật khẩu / only a logged-in account changes its password");
  }
  const std::string username = caller.subject.substr(8);
  FieldViolations v;
  v.RequireNonEmpty("old_password", request.old_password());
  CheckPassword(v, "new_password", request.new_password(), username);
  if (!request.new_password().empty() && request.new_password() == request.old_password()) {
    v.Add("new_password", "phải khác mật khẩu cũ / must differ from the old one");
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto row = db_->QueryOptionalRow(sql::kSelectAccountByName, {username});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::UnauthenticatedError("tài khoản không còn / the account is gone");
  if (!VerifyPassword((*row)->Text(10), request.old_password())) {
    return errors::InvalidArgument("old_password", "không đúng / wrong");
  }
  const v1::Account before = AccountFromRow(**row);
  auto hash = HashPassword(request.new_password());
  if (!hash.ok()) return hash.status();
  v1::ChangePasswordRequest journaled;
  journaled.set_request_id(request.request_id());
  return journal::RunJournaledWrite(
      *db_, {caller.subject, "ChangePassword", request.request_id()}, journaled, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (auto st = s.Execute(sql::kSetPassword, {before.id(), *hash, Now()}); !st.ok()) return st.status();
        auto after = s.QueryOptionalRow(sql::kSelectAccountById, {before.id()});
        if (!after.ok()) return after.status();
        *response = AccountFromRow(**after);
        note = {"Account", before.id(), before.scope_org_id(), journal::ToJson(before), journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::StatusOr<bool> Accounts::EnsureFirstAdmin(const std::string& province_id, const std::string& password_file) {
  auto count = db_->QueryOptionalRow(sql::kCountAccounts);
  if (!count.ok()) return count.status();
  if ((*count)->Int(0) > 0) return false;
  // 16 random bytes as 32 hex digits.
  unsigned char raw[16];
  randombytes_buf(raw, sizeof raw);
  char hex[sizeof raw * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  const std::string password(hex);
  auto hash = HashPassword(password);
  if (!hash.ok()) return hash.status();
  auto inserted = db_->Execute(sql::kInsertAccount, {resource::NewId("tk-"), "admin", *hash, db::Param(),
                                                     "[\"admin\"]", province_id, "Quản trị tỉnh", Now()});
  if (absl::IsAlreadyExists(inserted.status())) return false;  // another replica won
  if (!inserted.ok()) return inserted.status();
  {
    std::ofstream out(password_file, std::ios::trunc);
    out << password << "\n";
  }
  std::filesystem::permissions(password_file,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  return true;
}

}  // namespace chibo::registry
