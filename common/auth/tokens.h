// JWT bearer tokens (libjwt). The embedded default signs and verifies HS256
// with a key file it creates on first start; production verifies RS256 or
// ES256 tokens of the province's identity provider with its public keys.
#ifndef CHIBO_COMMON_AUTH_TOKENS_H_
#define CHIBO_COMMON_AUTH_TOKENS_H_

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

// Reads the HS256 key at `path`, creating it (32 random bytes, hex, mode 0600,
// parent directories too) when absent.
absl::StatusOr<std::string> LoadOrCreateHs256Key(const std::string& path);
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

struct VerifierOptions {
  std::string hs256_key;          // shared secret; empty = HS256 not accepted
  std::string rs256_public_key;   // PEM; empty = RS256 not accepted
  std::string es256_public_key;   // PEM; empty = ES256 not accepted
  std::string audience = std::string(kDefaultAudience);
  absl::Duration leeway = absl::Seconds(30);  // clock skew allowed on exp
};

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
class TokenIssuer {
 public:
  explicit TokenIssuer(std::string hs256_key) : key_(std::move(hs256_key)) {}
  absl::StatusOr<std::string> Issue(const Claims& claims) const;

 private:
  std::string key_;
};

// Signs with a PEM private key (RS256 or ES256): tests of provider tokens.
absl::StatusOr<std::string> IssueWithPrivateKey(const Claims& claims, absl::string_view alg,
                                                const std::string& private_key_pem);

}  // namespace chibo::auth

#endif  // CHIBO_COMMON_AUTH_TOKENS_H_
