// JWT bearer tokens (libjwt). The embedded default signs and verifies HS256
// with a key file it creates on first start; production verifies RS256 or
// ES256 tokens of the province's identity provider with its public keys.
#ifndef CHIBO_COMMON_AUTH_TOKENS_H_
#define CHIBO_COMMON_AUTH_TOKENS_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/claims.h"

namespace chibo::auth {

inline constexpr absl::string_view kDefaultAudience = "chibo";
// The longest life (exp - iat) a token may claim, unless a service is given
// another with --max_token_lifetime; TokenIssuer mints nothing longer.
inline constexpr absl::Duration kDefaultMaxTokenLifetime = absl::Hours(720);
// Longer bearer tokens are refused before any parsing.
inline constexpr size_t kMaxTokenBytes = 16 * 1024;

// Reads the HS256 key at `path`, creating it (32 random bytes, hex, mode 0600,
// parent directories too) when absent.
absl::StatusOr<std::string> LoadOrCreateHs256Key(const std::string& path);
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

struct VerifierOptions {
  std::string hs256_key;          // shared secret; empty = HS256 not accepted
  std::string rs256_public_key;   // PEM; empty = RS256 not accepted
  std::string es256_public_key;   // PEM; empty = ES256 not accepted
  std::string audience = std::string(kDefaultAudience);
  // Clock skew allowed on exp, nbf and iat.
  absl::Duration leeway = absl::Seconds(60);
  // Tokens claiming a longer life (exp - iat) are refused, as are tokens
  // without iat.
  absl::Duration max_lifetime = kDefaultMaxTokenLifetime;
};

// The claims of a token whose signature has been checked, from its payload
// (JSON text), as of `now`. UNAUTHENTICATED, naming the claim, unless the
// payload is one JSON object without duplicate names in which sub and org
// are non-empty strings, aud is our audience (a string, or an array of
// strings holding it), roles is an array of strings naming at least one
// known role, exp and iat are NumericDates with iat not in the future,
// exp not past and exp - iat within max_lifetime, and nbf (if present) is
// not in the future. Exposed for tests and fuzzing; Verify calls it.
absl::StatusOr<Claims> ClaimsFromPayload(absl::string_view payload_json,
                                         const VerifierOptions& options, absl::Time now);

// Verifies tokens; thread-safe. Verified tokens are remembered (until they
// expire) so a hot caller costs one hash lookup, not a signature check.
class TokenVerifier {
 public:
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(VerifierOptions options);

  // UNAUTHENTICATED for anything but a well-signed, unexpired token for our
  // audience with a subject, at least one known role and a scope.
  absl::StatusOr<Claims> Verify(absl::string_view token) const;

 private:
  explicit TokenVerifier(VerifierOptions options) : options_(std::move(options)) {}
  absl::StatusOr<Claims> VerifyUncached(absl::string_view token) const;

  VerifierOptions options_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Claims> verified_ ABSL_GUARDED_BY(mu_);
};

// Signs HS256 tokens: the embedded default's admin token, service tokens, tests.
// The token's iat is now; INVALID_ARGUMENT when claims.expires_at is more
// than `max_lifetime` away (or infinite): verifiers would refuse it.
class TokenIssuer {
 public:
  explicit TokenIssuer(std::string hs256_key,
                       absl::Duration max_lifetime = kDefaultMaxTokenLifetime)
      : key_(std::move(hs256_key)), max_lifetime_(max_lifetime) {}
  absl::StatusOr<std::string> Issue(const Claims& claims) const;

 private:
  std::string key_;
  absl::Duration max_lifetime_;
};

// Signs with a PEM private key (RS256 or ES256): tests of provider tokens.
// The same lifetime limit as TokenIssuer (kDefaultMaxTokenLifetime).
absl::StatusOr<std::string> IssueWithPrivateKey(const Claims& claims, absl::string_view alg,
                                                const std::string& private_key_pem);

}  // namespace chibo::auth

#endif  // CHIBO_COMMON_AUTH_TOKENS_H_
