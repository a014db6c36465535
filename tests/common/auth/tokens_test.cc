#include "common/auth/tokens.h"

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/substitute.h"
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

// An HS256 token over exactly `payload` (any bytes, duplicate names and all),
// as a forger holding the key, or a careless identity provider, would make it.
std::string SignRawHs256(const std::string& key, const std::string& payload,
                         const std::string& header = R"({"alg":"HS256","typ":"JWT"})") {
  std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape(header), ".", absl::WebSafeBase64Escape(payload));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &mac_len);
  return absl::StrCat(signing_input, ".",
                      absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<char*>(mac), mac_len)));
}

int64_t NowSeconds() { return absl::ToUnixSeconds(absl::Now()); }

// A payload with every claim well-formed but `roles`, `extra` appended.
std::string Payload(const std::string& roles, const std::string& extra = "",
                    int64_t iat = NowSeconds(), int64_t exp = NowSeconds() + 3600) {
  return absl::Substitute(R"({"sub":"mallory","org":"tinh","aud":"chibo","iat":$0,"exp":$1,"roles":$2$3})",
                          iat, exp, roles, extra);
}

// Verifies; returns the status, and the roles granted when OK.
absl::StatusOr<Claims> VerifyRaw(const std::string& payload,
                                 const std::string& header = R"({"alg":"HS256","typ":"JWT"})") {
  return Hs256Verifier(kKey)->Verify(SignRawHs256(kKey, payload, header));
}

TEST(ClaimsParsingTest, AWellFormedRawTokenVerifies) {
  auto claims = VerifyRaw(Payload(R"(["secretary"])"));
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, "mallory");
  EXPECT_TRUE(claims->HasRole(Role::kSecretary));
  EXPECT_FALSE(claims->HasRole(Role::kAdmin));
}

// Roles used to be found by scanning the roles JSON for quotes.
TEST(ClaimsParsingTest, RolesSmuggledInsideAStringOrAnObjectGrantNothing) {
  auto escaped = VerifyRaw(Payload(R"(["x\",\"admin"])"));
  EXPECT_EQ(escaped.status().code(), absl::StatusCode::kUnauthenticated)
      << "granted: " << (escaped.ok() ? escaped->HasRole(Role::kAdmin) : false);
  EXPECT_NE(escaped.status().message().find("no known role"), absl::string_view::npos)
      << escaped.status();

  auto object = VerifyRaw(Payload(R"({"x":"admin"})"));
  EXPECT_EQ(object.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(object.status().message().find("roles must be an array of strings"),
            absl::string_view::npos)
      << object.status();

  for (const char* roles : {R"("admin")", R"(["viewer",1])", R"([["admin"]])", "null", "true",
                            R"([{"name":"admin"}])"}) {
    auto s = VerifyRaw(Payload(roles)).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << roles;
    EXPECT_NE(s.message().find("roles must be an array of strings"), absl::string_view::npos)
        << roles << ": " << s;
  }
  // Unknown names beside a known one are ignored, not an error.
  auto mixed = VerifyRaw(Payload(R"(["province-it","viewer"])"));
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  EXPECT_EQ(mixed->roles, std::vector<Role>{Role::kViewer});
}

TEST(ClaimsParsingTest, ClaimsOfTheWrongTypeAreRefusedByName) {
  const int64_t now = NowSeconds();
  struct Case {
    std::string payload;
    std::string says;
  };
  const std::vector<Case> cases = {
      {absl::Substitute(R"({"sub":7,"org":"tinh","aud":"chibo","iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "sub must be a string"},
      {absl::Substitute(R"({"sub":"a","org":["tinh"],"aud":"chibo","iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "org must be a string"},
      {absl::Substitute(R"({"sub":"a","org":"","aud":"chibo","iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "org is empty"},
      {absl::Substitute(R"({"sub":"a","aud":"chibo","iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "no scope organization"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":{"x":"chibo"},"iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "aud must be"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":["other",1],"iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "aud must be"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":["other"],"iat":$0,"exp":$1,"roles":["admin"]})", now, now + 60), "wrong audience"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":"chibo","iat":$0,"exp":"$1","roles":["admin"]})", now, now + 60), "exp must be a number"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":"chibo","iat":$0,"exp":-5,"roles":["admin"]})", now), "exp is out of range"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":"chibo","iat":$0,"exp":1e300,"roles":["admin"]})", now), "exp is out of range"},
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":"chibo","iat":true,"exp":$0,"roles":["admin"]})", now + 60), "iat must be a number"},
      // Two "roles": which one counts would depend on the parser.
      {absl::Substitute(R"({"sub":"a","org":"tinh","aud":"chibo","iat":$0,"exp":$1,"roles":["viewer"],"roles":["admin"]})", now, now + 60), "names a claim twice"},
      {R"(["sub","a"])", "not a JSON object"},
  };
  for (const Case& c : cases) {
    auto s = VerifyRaw(c.payload).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << c.payload;
    EXPECT_NE(s.message().find(c.says), absl::string_view::npos)
        << c.payload << "\n  says: " << s << "\n  expected: " << c.says;
  }
  // (libjwt itself refuses a payload that is not JSON, before our parser.)
  EXPECT_EQ(VerifyRaw(R"({"sub":"a",)").status().code(), absl::StatusCode::kUnauthenticated);
  VerifierOptions o;
  o.hs256_key = kKey;
  auto not_json = ClaimsFromPayload(R"({"sub":"a",)", o, absl::Now());
  EXPECT_NE(not_json.status().message().find("not valid JSON"), absl::string_view::npos)
      << not_json.status();
  // aud may be an array holding ours (RFC 7519).
  auto array_aud = VerifyRaw(absl::Substitute(
      R"({"sub":"a","org":"tinh","aud":["other","chibo"],"iat":$0,"exp":$1,"roles":["viewer"]})", now, now + 60));
  EXPECT_TRUE(array_aud.ok()) << array_aud.status();
  // A duplicated name in the header is refused too.
  EXPECT_EQ(VerifyRaw(Payload(R"(["admin"])"), R"({"alg":"HS256","alg":"HS256"})").status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST(ClaimsParsingTest, NotBeforeAndIssuedAtMayNotBeInTheFuture) {
  const int64_t now = NowSeconds();
  // nbf an hour ahead: not valid yet; within the 60 s leeway: fine.
  auto early = VerifyRaw(Payload(R"(["viewer"])", absl::StrCat(R"(,"nbf":)", now + 3600)));
  EXPECT_EQ(early.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(early.status().message().find("nbf"), absl::string_view::npos) << early.status();
  EXPECT_TRUE(VerifyRaw(Payload(R"(["viewer"])", absl::StrCat(R"(,"nbf":)", now + 30))).ok());
  EXPECT_TRUE(VerifyRaw(Payload(R"(["viewer"])", absl::StrCat(R"(,"nbf":)", now - 30))).ok());
  EXPECT_EQ(VerifyRaw(Payload(R"(["viewer"])", R"(,"nbf":"soon")")).status().code(),
            absl::StatusCode::kUnauthenticated);

  auto future = VerifyRaw(Payload(R"(["viewer"])", "", now + 3600, now + 7200));
  EXPECT_EQ(future.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(future.status().message().find("iat"), absl::string_view::npos) << future.status();
  EXPECT_TRUE(VerifyRaw(Payload(R"(["viewer"])", "", now + 30, now + 3600)).ok());

  // No iat at all.
  auto no_iat = VerifyRaw(absl::Substitute(
      R"({"sub":"a","org":"tinh","aud":"chibo","exp":$0,"roles":["viewer"]})", now + 60));
  EXPECT_EQ(no_iat.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(no_iat.status().message().find("iat"), absl::string_view::npos) << no_iat.status();
}

TEST(ClaimsParsingTest, LifetimeIsCapped) {
  const int64_t now = NowSeconds();
  const int64_t max = absl::ToInt64Seconds(kDefaultMaxTokenLifetime);
  EXPECT_TRUE(VerifyRaw(Payload(R"(["viewer"])", "", now, now + max)).ok());
  auto longer = VerifyRaw(Payload(R"(["viewer"])", "", now, now + max + 1));
  EXPECT_EQ(longer.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(longer.status().message().find("lifetime"), absl::string_view::npos) << longer.status();
  // Issued long ago for ten years, still unexpired: refused.
  EXPECT_FALSE(VerifyRaw(Payload(R"(["admin"])", "", now - 3600, now + 10 * 365 * 86400)).ok());

  // A verifier given a shorter cap applies it.
  VerifierOptions o;
  o.hs256_key = kKey;
  o.max_lifetime = absl::Hours(8);
  auto strict = *TokenVerifier::Create(o);
  EXPECT_TRUE(strict->Verify(SignRawHs256(kKey, Payload(R"(["viewer"])", "", now, now + 8 * 3600))).ok());
  EXPECT_FALSE(strict->Verify(SignRawHs256(kKey, Payload(R"(["viewer"])", "", now, now + 9 * 3600))).ok());
}

TEST(ClaimsParsingTest, OversizedTokensAreRefusedUnparsed) {
  std::string padding(kMaxTokenBytes, 'a');
  auto s = VerifyRaw(Payload(R"(["viewer"])", absl::StrCat(R"(,"pad":")", padding, "\"")));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.status().message().find("longer than"), absl::string_view::npos) << s.status();
}

TEST(TokenIssuerTest, MintsNothingLongerThanTheCap) {
  auto at_cap = TokenIssuer(kKey).Issue(AdminOf("tinh", kDefaultMaxTokenLifetime));
  ASSERT_TRUE(at_cap.ok()) << at_cap.status();
  EXPECT_TRUE(Hs256Verifier(kKey)->Verify(*at_cap).ok());
  auto year = TokenIssuer(kKey).Issue(AdminOf("tinh", absl::Hours(24 * 365)));
  EXPECT_EQ(year.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(year.status().message().find("720h"), absl::string_view::npos) << year.status();
  EXPECT_EQ(TokenIssuer(kKey).Issue(AdminOf("tinh", absl::InfiniteDuration())).status().code(),
            absl::StatusCode::kInvalidArgument);
  // An issuer given a shorter cap applies it.
  EXPECT_FALSE(TokenIssuer(kKey, absl::Hours(8)).Issue(AdminOf("tinh", absl::Hours(9))).ok());
  EXPECT_TRUE(TokenIssuer(kKey, absl::Hours(8)).Issue(AdminOf("tinh", absl::Hours(8))).ok());
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

// RS256 and ES256 tokens go through the same claim parsing: signed with the
// provider's private key over a payload libjwt passes through as given.
std::string SignWithLibjwt(const std::string& payload, jwt_alg_t alg, const std::string& pem) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, payload.c_str()), 0) << payload;
  EXPECT_EQ(jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char*>(pem.data()),
                        static_cast<int>(pem.size())),
            0);
  char* out = jwt_encode_str(jwt);
  std::string token = out ? out : "";
  free(out);
  jwt_free(jwt);
  return token;
}

TEST_F(ProviderKeysTest, Rs256AndEs256ClaimsAreParsedAsStrictly) {
  VerifierOptions o;
  o.rs256_public_key = Read("rsa.pub");
  o.es256_public_key = Read("ec.pub");
  auto verifier = *TokenVerifier::Create(o);
  const int64_t now = NowSeconds();
  for (auto [alg, pem] : {std::pair{JWT_ALG_RS256, Read("rsa.pem")}, std::pair{JWT_ALG_ES256, Read("ec.pem")}}) {
    SCOPED_TRACE(jwt_alg_str(alg));
    auto good = verifier->Verify(SignWithLibjwt(Payload(R"(["supervisor"])"), alg, pem));
    ASSERT_TRUE(good.ok()) << good.status();
    EXPECT_TRUE(good->HasRole(Role::kSupervisor));
    for (const std::string& bad :
         {Payload(R"({"x":"admin"})"), Payload(R"(["x\",\"admin"])"),
          Payload(R"(["viewer"])", absl::StrCat(R"(,"nbf":)", now + 3600)),
          Payload(R"(["viewer"])", "", now + 3600, now + 7200),
          Payload(R"(["viewer"])", "", now, now + 365 * 86400)}) {
      EXPECT_EQ(verifier->Verify(SignWithLibjwt(bad, alg, pem)).status().code(),
                absl::StatusCode::kUnauthenticated)
          << bad;
    }
  }
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
