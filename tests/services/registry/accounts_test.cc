// Accounts of the embedded default over real gRPC on SQLite: login and the
// session token's scope, failures rate-limited per account and per
// address, logout / disable / reset ending the session, admins only inside
// their subtree, passwords never in the audit.
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/services/registry/registry_test_util.h"

namespace chibo::registry::testing {
namespace {

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = RegistryHarness::Start();
    ASSERT_TRUE(h.ok()) << h.status();
    h_ = *std::move(h);
    admin_ = h_->Token(auth::Role::kAdmin, "tinh");
    MakeUnit(*h_, admin_, "tinh", v1::PROVINCE, "");
    MakeUnit(*h_, admin_, "huyen-a", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "huyen-b", v1::DIRECT_COMMITTEE, "tinh");
    MakeUnit(*h_, admin_, "cb-a", v1::BASE_CELL, "huyen-a");
    MakeUnit(*h_, admin_, "cb-b", v1::BASE_CELL, "huyen-b");
    MakeMember(*h_, admin_, "ma", "cb-a", "2015-01-01", "2016-01-01");
  }

  grpc::Status Create(const std::string& token, const std::string& name, const std::string& role,
                      const std::string& scope, v1::Account* out, const std::string& password = "mật-khẩu-đủ-dài") {
    v1::CreateAccountRequest r;
    r.mutable_account()->set_username(name);
    r.mutable_account()->add_roles(role);
    r.mutable_account()->set_scope_org_id(scope);
    r.set_password(password);
    return h_->accounts().CreateAccount(RegistryHarness::Ctx(token).get(), r, out);
  }

  grpc::Status Login(const std::string& name, const std::string& password, v1::Session* out,
                     const std::string& address = "10.0.0.1") {
    v1::LoginRequest r;
    r.set_username(name);
    r.set_password(password);
    r.set_client_address(address);
    return h_->accounts().Login(RegistryHarness::Ctx("").get(), r, out);
  }

  std::unique_ptr<RegistryHarness> h_;
  std::string admin_;
};

TEST_F(AccountsTest, ASecretaryLogsInAndActsOnlyInTheirCell) {
  v1::Account account;
  ASSERT_TRUE(Create(admin_, "bithu.cba", "secretary", "cb-a", &account).ok());
  v1::Session session;
  ASSERT_TRUE(Login("bithu.cba", "mật-khẩu-đủ-dài", &session).ok());
  EXPECT_FALSE(session.token().empty());
  EXPECT_EQ(session.account().scope_org_id(), "cb-a");
  v1::GetOrgUnitRequest get;
  get.set_id("cb-a");
  v1::OrgUnit unit;
  EXPECT_TRUE(h_->stub().GetOrgUnit(RegistryHarness::Ctx(session.token()).get(), get, &unit).ok());
  get.set_id("cb-b");
  EXPECT_EQ(h_->stub().GetOrgUnit(RegistryHarness::Ctx(session.token()).get(), get, &unit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A secretary is no admin: no accounts for them to make.
  v1::Account other;
  EXPECT_EQ(Create(session.token(), "ai.do", "admin", "cb-a", &other).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(AccountsTest, AdminsManageAccountsOnlyInsideTheirSubtree) {
  v1::Account district_admin;
  ASSERT_TRUE(Create(admin_, "qt.huyena", "admin", "huyen-a", &district_admin).ok());
  v1::Session session;
  ASSERT_TRUE(Login("qt.huyena", "mật-khẩu-đủ-dài", &session).ok());
  v1::Account made;
  EXPECT_TRUE(Create(session.token(), "bithu.a", "secretary", "cb-a", &made).ok());
  EXPECT_EQ(Create(session.token(), "bithu.b", "secretary", "cb-b", &made).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::ListAccountsRequest list;
  list.set_org_unit_id("huyen-a");
  v1::ListAccountsResponse listed;
  ASSERT_TRUE(h_->accounts().ListAccounts(RegistryHarness::Ctx(session.token()).get(), list, &listed).ok());
  ASSERT_EQ(listed.accounts_size(), 2);  // qt.huyena and bithu.a
  // Bad input is named.
  grpc::Status s = Create(admin_, "X", "pope", "tinh", &made, "ngắn");
  std::vector<std::string> fields = ViolatedFields(s);
  EXPECT_EQ(fields, (std::vector<std::string>{"account.username", "account.roles[0]", "password"}));
  s = Create(admin_, "qt.huyena", "viewer", "tinh", &made);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(AccountsTest, FailedLoginsAreLimitedPerAccountAndPerAddress) {
  v1::Account account;
  ASSERT_TRUE(Create(admin_, "bithu.cba", "secretary", "cb-a", &account).ok());
  v1::Session session;
  // A wrong password and an unknown name answer alike.
  grpc::Status wrong = Login("bithu.cba", "sai-mat-khau-roi", &session);
  grpc::Status unknown = Login("khong.co", "sai-mat-khau-roi", &session);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(wrong.error_message(), unknown.error_message());
  for (int i = 1; i < kMaxFailuresPerAccount; ++i) Login("bithu.cba", "sai-mat-khau-roi", &session, "10.0.0.2");
  // Five failures: even the right password waits for the window to end.
  EXPECT_EQ(Login("bithu.cba", "mật-khẩu-đủ-dài", &session, "10.0.0.3").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // One address guessing many names is stopped too.
  for (int i = 0; i < kMaxFailuresPerAddress; ++i) {
    Login("doan.ten" + std::to_string(i), "sai-mat-khau-roi", &session, "10.9.9.9");
  }
  v1::Account other;
  ASSERT_TRUE(Create(admin_, "bithu.cbb", "secretary", "cb-b", &other).ok());
  EXPECT_EQ(Login("bithu.cbb", "mật-khẩu-đủ-dài", &session, "10.9.9.9").error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(Login("bithu.cbb", "mật-khẩu-đủ-dài", &session, "10.0.0.4").ok());
}

TEST_F(AccountsTest, LogoutDisableAndResetEndTheSession) {
  v1::Account account;
  ASSERT_TRUE(Create(admin_, "bithu.cba", "secretary", "cb-a", &account).ok());
  v1::Session session, refreshed;
  ASSERT_TRUE(Login("bithu.cba", "mật-khẩu-đủ-dài", &session).ok());
  ASSERT_TRUE(h_->accounts().RefreshSession(RegistryHarness::Ctx(session.token()).get(), {}, &refreshed).ok());
  EXPECT_EQ(refreshed.session_id(), session.session_id());
  v1::LogoutResponse out;
  ASSERT_TRUE(h_->accounts().Logout(RegistryHarness::Ctx(session.token()).get(), {}, &out).ok());
  EXPECT_EQ(h_->accounts().RefreshSession(RegistryHarness::Ctx(session.token()).get(), {}, &refreshed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  // Reset by an admin: the old password and the open session are done.
  ASSERT_TRUE(Login("bithu.cba", "mật-khẩu-đủ-dài", &session).ok());
  v1::ResetPasswordRequest reset;
  reset.set_account_id(account.id());
  reset.set_new_password("mật-khẩu-mới-đủ-dài");
  v1::Account after;
  ASSERT_TRUE(h_->accounts().ResetPassword(RegistryHarness::Ctx(admin_).get(), reset, &after).ok());
  EXPECT_EQ(h_->accounts().RefreshSession(RegistryHarness::Ctx(session.token()).get(), {}, &refreshed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Login("bithu.cba", "mật-khẩu-đủ-dài", &session).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_TRUE(Login("bithu.cba", "mật-khẩu-mới-đủ-dài", &session).ok());
  // The person changes it again themselves.
  v1::ChangePasswordRequest change;
  change.set_old_password("mật-khẩu-mới-đủ-dài");
  change.set_new_password("của-riêng-tôi-thôi");
  ASSERT_TRUE(h_->accounts().ChangePassword(RegistryHarness::Ctx(session.token()).get(), change, &after).ok());
  ASSERT_TRUE(Login("bithu.cba", "của-riêng-tôi-thôi", &session).ok());
  // Disabled: no login, no refresh.
  v1::SetAccountDisabledRequest disable;
  disable.set_account_id(account.id());
  disable.set_disabled(true);
  ASSERT_TRUE(h_->accounts().SetAccountDisabled(RegistryHarness::Ctx(admin_).get(), disable, &after).ok());
  EXPECT_TRUE(after.disabled());
  EXPECT_EQ(h_->accounts().RefreshSession(RegistryHarness::Ctx(session.token()).get(), {}, &refreshed).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(Login("bithu.cba", "của-riêng-tôi-thôi", &session).error_code(), grpc::StatusCode::OK);
}

TEST_F(AccountsTest, PasswordsNeverReachTheAuditOrTheJournal) {
  v1::Account account;
  v1::CreateAccountRequest r;
  r.mutable_account()->set_username("bithu.cba");
  r.mutable_account()->add_roles("secretary");
  r.mutable_account()->set_scope_org_id("cb-a");
  r.set_password("bí-mật-không-ai-biết");
  r.set_request_id("tao-tai-khoan-1");
  ASSERT_TRUE(h_->accounts().CreateAccount(RegistryHarness::Ctx(admin_).get(), r, &account).ok());
  v1::Session session;
  ASSERT_TRUE(Login("bithu.cba", "bí-mật-không-ai-biết", &session).ok());
  for (const char* table : {"journal_audit", "journal_idempotency", "accounts"}) {
    auto rows = h_->database().Query(absl::StrCat("SELECT * FROM ", table));
    ASSERT_TRUE(rows.ok()) << rows.status();
    for (const auto& row : rows->rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        EXPECT_FALSE(absl::StrContains(row.Text(c), "bí-mật")) << table;
      }
    }
  }
  auto hash = h_->database().QueryOptionalRow("SELECT password_hash FROM accounts WHERE username = 'bithu.cba'");
  ASSERT_TRUE(hash.ok() && hash->has_value());
  EXPECT_TRUE(absl::StartsWith((*hash)->Text(0), "$argon2id$")) << (*hash)->Text(0);
}

}  // namespace
}  // namespace chibo::registry::testing
