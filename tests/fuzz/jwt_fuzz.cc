// JWT parsing (common/auth/tokens.h): TokenVerifier with an HS256 key.
// Input: byte 0 picks the mode, the rest is
//   0: a bearer token as sent (arbitrary bytes into Verify);
//   1: "<header JSON>\0<payload JSON>", signed here with the verifier's key,
//      so the claims parser behind the signature check is reached;
//   2: a payload JSON into ClaimsFromPayload at a fixed time.
// Properties: nothing but UNAUTHENTICATED is refused; a token that verifies
// has a subject, an org, a known role, our audience, exp not past and a
// lifetime within the maximum; a verified token with one signature byte
// changed does not verify; Verify and ClaimsFromPayload agree on the claims.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/auth/tokens.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

using chibo::auth::Claims;
using chibo::auth::TokenVerifier;
using chibo::auth::VerifierOptions;

const std::string& Key() {
  static const std::string* key = new std::string(64, 'k');
  return *key;
}

const VerifierOptions& Options() {
  static const VerifierOptions* options = [] {
    auto* o = new VerifierOptions;
    o->hs256_key = Key();
    return o;
  }();
  return *options;
}

const TokenVerifier& Verifier() {
  static const TokenVerifier* verifier = TokenVerifier::Create(Options())->release();
  return *verifier;
}

std::string Sign(const std::string& header, const std::string& payload) {
  std::string signing_input =
      absl::StrCat(absl::WebSafeBase64Escape(header), ".", absl::WebSafeBase64Escape(payload));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), Key().data(), static_cast<int>(Key().size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &mac_len);
  return absl::StrCat(signing_input, ".",
                      absl::WebSafeBase64Escape(
                          absl::string_view(reinterpret_cast<const char*>(mac), mac_len)));
}

void CheckVerdict(const absl::StatusOr<Claims>& claims, absl::Time now) {
  if (!claims.ok()) {
    FUZZ_CHECK(claims.status().code() == absl::StatusCode::kUnauthenticated, "%s",
               claims.status().ToString().c_str());
    FUZZ_CHECK(claims.status().message().size() < 400, "a %zu-byte message",
               claims.status().message().size());
    return;
  }
  FUZZ_CHECK(!claims->subject.empty(), "no subject");
  FUZZ_CHECK(!claims->scope_org_id.empty(), "no org");
  FUZZ_CHECK(!claims->roles.empty(), "no role");
  FUZZ_CHECK(claims->audience == chibo::auth::kDefaultAudience, "audience %s",
             claims->audience.c_str());
  FUZZ_CHECK(claims->expires_at + Options().leeway >= now, "expired token accepted");
  FUZZ_CHECK(claims->expires_at <= now + Options().leeway + Options().max_lifetime,
             "token outliving the maximum lifetime accepted");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 3) {
    case 0: {
      CheckVerdict(Verifier().Verify(rest), absl::Now());
      break;
    }
    case 1: {
      const size_t nul = rest.find('\0');
      if (nul == std::string::npos) return 0;
      const std::string header = rest.substr(0, nul), payload = rest.substr(nul + 1);
      const std::string token = Sign(header, payload);
      const absl::Time now = absl::Now();
      auto claims = Verifier().Verify(token);
      CheckVerdict(claims, now);
      if (!claims.ok()) break;
      auto direct = chibo::auth::ClaimsFromPayload(payload, Options(), now);
      FUZZ_CHECK(direct.ok(), "Verify accepted a payload ClaimsFromPayload refuses: %s",
                 direct.status().ToString().c_str());
      FUZZ_CHECK(direct->subject == claims->subject && direct->scope_org_id == claims->scope_org_id &&
                     direct->roles == claims->roles,
                 "Verify and ClaimsFromPayload disagree");
      FUZZ_CHECK(claims->token == token, "claims carry another token");
      // One signature character changed (never to itself).
      std::string forged = token;
      char& c = forged[forged.size() - 2];
      c = c == 'A' ? 'B' : 'A';
      FUZZ_CHECK(!Verifier().Verify(forged).ok(), "a forged signature verified");
      break;
    }
    case 2: {
      const absl::Time now = absl::FromUnixSeconds(1767225600);  // 2026-01-01
      CheckVerdict(chibo::auth::ClaimsFromPayload(rest, Options(), now), now);
      break;
    }
  }
  return 0;
}
