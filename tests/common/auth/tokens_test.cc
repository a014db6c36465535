#include "common/auth/tokens.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace chibo::auth {
namespace {

Claims AdminOf(const std::string& org, absl::Duration ttl = absl::Hours(1)) {
  Claims c;
  c.subject = "alice";
  c.roles = {Role::kAdmin, Role::kViewer};
  c.scope_org_id = org;
  c.audience = "chibo";
  c.expires_at = absl::Now() + ttl;
  return c;
}

std::unique_ptr<TokenVerifier> Hs256Verifier(const std::string& key) {
  VerifierOptions o;
  o.hs256_key = key;
  return *TokenVerifier::Create(o);
}

const std::string kKey = "0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(TokensTest, Hs256RoundTripKeepsClaims) {
  auto token = TokenIssuer(kKey).Issue(AdminOf("tinh"));
  ASSERT_TRUE(token.ok()) << token.status();
  auto claims = Hs256Verifier(kKey)->Verify(*token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_EQ(claims->scope_org_id, "tinh");
  EXPECT_TRUE(claims->HasRole(Role::kAdmin));
  EXPECT_TRUE(claims->HasRole(Role::kViewer));
  EXPECT_FALSE(claims->HasRole(Role::kSecretary));
}

TEST(TokensTest, MissingExpiredTamperedAndForeignTokensAreUnauthenticated) {
  auto verifier = Hs256Verifier(kKey);
  EXPECT_EQ(verifier->Verify("").status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verifier->Verify("not.a.jwt").status().code(), absl::StatusCode::kUnauthenticated);

  auto expired = TokenIssuer(kKey).Issue(AdminOf("tinh", -absl::Hours(1)));
  EXPECT_EQ(verifier->Verify(*expired).status().code(), absl::StatusCode::kUnauthenticated);

  auto good = *TokenIssuer(kKey).Issue(AdminOf("tinh"));
  // Change the payload's scope without re-signing.
  std::vector<std::string> parts = absl::StrSplit(good, '.');
  std::string payload;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[1], &payload));
  size_t at = payload.find("tinh");
  ASSERT_NE(at, std::string::npos);
  payload.replace(at, 4, "xyzw");
  std::string tampered = absl::StrCat(parts[0], ".", absl::WebSafeBase64Escape(payload), ".", parts[2]);
  EXPECT_EQ(verifier->Verify(tampered).status().code(), absl::StatusCode::kUnauthenticated);

  auto other_key = *TokenIssuer(std::string(48, 'z')).Issue(AdminOf("tinh"));
  EXPECT_EQ(verifier->Verify(other_key).status().code(), absl::StatusCode::kUnauthenticated);

  Claims wrong_aud = AdminOf("tinh");
  wrong_aud.audience = "someone-else";
  EXPECT_EQ(verifier->Verify(*TokenIssuer(kKey).Issue(wrong_aud)).status().code(),
            absl::StatusCode::kUnauthenticated);

  // alg "none" with no signature.
  std::string none = absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none","typ":"JWT"})"), ".",
                                  parts[1], ".");
  EXPECT_EQ(verifier->Verify(none).status().code(), absl::StatusCode::kUnauthenticated);

  Claims no_role = AdminOf("tinh");
  no_role.roles.clear();
  EXPECT_EQ(verifier->Verify(*TokenIssuer(kKey).Issue(no_role)).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// Keys of a provider made with openssl, as an identity provider would hold them.
class ProviderKeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("chibo-keys-", getpid());
    std::filesystem::create_directories(dir_);
    auto run = [](const std::string& cmd) { ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd; };
    run(absl::StrCat("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ", dir_.string(), "/rsa.pem 2>/dev/null"));
    run(absl::StrCat("openssl pkey -in ", dir_.string(), "/rsa.pem -pubout -out ", dir_.string(), "/rsa.pub"));
    run(absl::StrCat("openssl ecparam -name prime256v1 -genkey -noout -out ", dir_.string(), "/ec.pem"));
    run(absl::StrCat("openssl ec -in ", dir_.string(), "/ec.pem -pubout -out ", dir_.string(), "/ec.pub 2>/dev/null"));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Read(const std::string& name) { return *ReadFileToString((dir_ / name).string()); }
  std::filesystem::path dir_;
};

TEST_F(ProviderKeysTest, Rs256AndEs256TokensVerifyWithPublicKeys) {
  VerifierOptions o;
  o.rs256_public_key = Read("rsa.pub");
  o.es256_public_key = Read("ec.pub");
  auto verifier = *TokenVerifier::Create(o);
  auto rs = IssueWithPrivateKey(AdminOf("tinh"), "RS256", Read("rsa.pem"));
  ASSERT_TRUE(rs.ok()) << rs.status();
  auto es = IssueWithPrivateKey(AdminOf("xa-1"), "ES256", Read("ec.pem"));
  ASSERT_TRUE(es.ok()) << es.status();
  EXPECT_EQ(verifier->Verify(*rs)->scope_org_id, "tinh");
  EXPECT_EQ(verifier->Verify(*es)->scope_org_id, "xa-1");
  // HS256 is not accepted when only provider keys are configured — in
  // particular not an HS256 token "signed" with the public key as secret.
  auto confused = TokenIssuer(Read("rsa.pub")).Issue(AdminOf("tinh"));
  EXPECT_EQ(verifier->Verify(*confused).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST(KeyFileTest, CreatedOnceWithOwnerOnlyPermissions) {
  auto dir = std::filesystem::temp_directory_path() / absl::StrCat("chibo-keyfile-", getpid());
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "sub" / "jwt.key").string();
  auto first = LoadOrCreateHs256Key(path);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->size(), 64u);
  auto second = LoadOrCreateHs256Key(path);
  EXPECT_EQ(*first, *second);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace chibo::auth
