#include "absl/strings/string_view.h"
#include "common/auth/tokens.h"

#include <jwt.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/random/random.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace chibo::auth {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("mã xác thực không hợp lệ / invalid token: ", why));
}

// The "alg" of the token's header, read before any key is chosen.
std::string HeaderAlg(absl::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return "";
  std::string header;
  if (!absl::WebSafeBase64Unescape(parts[0], &header)) return "";
  // The header is tiny JSON; find "alg":"XXX".
  size_t at = header.find("\"alg\"");
  if (at == std::string::npos) return "";
  size_t q1 = header.find('"', header.find(':', at) + 1);
  size_t q2 = header.find('"', q1 + 1);
  if (q1 == std::string::npos || q2 == std::string::npos) return "";
  return header.substr(q1 + 1, q2 - q1 - 1);
}

// Roles come as a JSON array of strings, or one space-separated string.
std::vector<std::string> ParseRoleNames(jwt_t* jwt) {
  std::vector<std::string> names;
  if (char* json = jwt_get_grants_json(jwt, "roles")) {
    absl::string_view s(json);
    size_t pos = 0;
    while ((pos = s.find('"', pos)) != absl::string_view::npos) {
      size_t end = s.find('"', pos + 1);
      if (end == absl::string_view::npos) break;
      names.emplace_back(s.substr(pos + 1, end - pos - 1));
      pos = end + 1;
    }
    free(json);
  }
  if (names.empty()) {
    if (const char* s = jwt_get_grant(jwt, "roles")) {
      for (auto part : absl::StrSplit(s, ' ', absl::SkipEmpty())) names.emplace_back(part);
    }
  }
  return names;
}

absl::StatusOr<std::string> Encode(const Claims& claims, jwt_alg_t alg, const std::string& key) {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  std::vector<std::string> roles;
  for (Role r : claims.roles) roles.push_back(absl::StrCat("\"", RoleName(r), "\""));
  std::string grants = absl::StrCat("{\"roles\":[", absl::StrJoin(roles, ","), "]}");
  if (jwt_add_grant(jwt.get(), "sub", claims.subject.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "org", claims.scope_org_id.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "aud", claims.audience.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(absl::Now())) != 0 ||
      jwt_add_grants_json(jwt.get(), grants.c_str()) != 0) {
    return absl::InternalError("cannot add JWT claims");
  }
  if (claims.expires_at != absl::InfiniteFuture() &&
      jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.expires_at)) != 0) {
    return absl::InternalError("cannot add exp");
  }
  if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    return absl::InvalidArgumentError("cannot use this signing key");
  }
  char* out = jwt_encode_str(jwt.get());
  if (out == nullptr) return absl::InternalError("jwt_encode_str failed");
  std::string token(out);
  free(out);
  return token;
}

}  // namespace

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<std::string> LoadOrCreateHs256Key(const std::string& path) {
  if (auto existing = ReadFileToString(path); existing.ok()) {
    std::string key(absl::StripAsciiWhitespace(*existing));
    if (key.size() < 32) return absl::FailedPreconditionError(absl::StrCat(path, ": key too short"));
    return key;
  }
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  absl::BitGen gen;
  std::string bytes(32, '\0');
  for (char& c : bytes) c = static_cast<char>(absl::Uniform<uint8_t>(gen));
  std::string key = absl::BytesToHexString(bytes);
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::PermissionDeniedError(absl::StrCat("cannot write ", tmp));
    out << key << "\n";
  }
  chmod(tmp.c_str(), 0600);
  // Two processes starting at once: the first rename wins, both read it back.
  if (!std::filesystem::exists(path)) std::filesystem::rename(tmp, path, ec);
  else std::filesystem::remove(tmp, ec);
  auto stored = ReadFileToString(path);
  if (!stored.ok()) return stored.status();
  return std::string(absl::StripAsciiWhitespace(*stored));
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(VerifierOptions options) {
  if (options.hs256_key.empty() && options.rs256_public_key.empty() &&
      options.es256_public_key.empty()) {
    return absl::InvalidArgumentError("no token verification key configured");
  }
  return std::unique_ptr<TokenVerifier>(new TokenVerifier(std::move(options)));
}

absl::StatusOr<Claims> TokenVerifier::Verify(absl::string_view token) const {
  if (token.empty()) return absl::UnauthenticatedError("thiếu mã xác thực / missing bearer token");
  {
    absl::MutexLock lock(&mu_);
    auto it = verified_.find(token);
    if (it != verified_.end()) {
      if (absl::Now() <= it->second.expires_at + options_.leeway) return it->second;
      verified_.erase(it);
      return Unauthenticated("expired");
    }
  }
  auto claims = VerifyUncached(token);
  if (claims.ok()) {
    absl::MutexLock lock(&mu_);
    if (verified_.size() > 50000) verified_.clear();  // bounded memory
    verified_.emplace(std::string(token), *claims);
  }
  return claims;
}

absl::StatusOr<Claims> TokenVerifier::VerifyUncached(absl::string_view token) const {
  const std::string alg_name = HeaderAlg(token);
  const std::string* key = nullptr;
  jwt_alg_t alg = JWT_ALG_INVAL;
  if (alg_name == "HS256" && !options_.hs256_key.empty()) {
    key = &options_.hs256_key, alg = JWT_ALG_HS256;
  } else if (alg_name == "RS256" && !options_.rs256_public_key.empty()) {
    key = &options_.rs256_public_key, alg = JWT_ALG_RS256;
  } else if (alg_name == "ES256" && !options_.es256_public_key.empty()) {
    key = &options_.es256_public_key, alg = JWT_ALG_ES256;
  } else {
    return Unauthenticated(absl::StrCat("algorithm not accepted: \"", alg_name, "\""));
  }
  std::string token_str(token);
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token_str.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                 static_cast<int>(key->size())) != 0 ||
      raw == nullptr) {
    return Unauthenticated("bad signature or malformed");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != alg) return Unauthenticated("algorithm mismatch");

  Claims claims;
  const char* sub = jwt_get_grant(jwt.get(), "sub");
  const char* org = jwt_get_grant(jwt.get(), "org");
  const char* aud = jwt_get_grant(jwt.get(), "aud");
  if (sub == nullptr || *sub == '\0') return Unauthenticated("no subject");
  if (org == nullptr || *org == '\0') return Unauthenticated("no scope organization");
  if (aud == nullptr || options_.audience != aud) return Unauthenticated("wrong audience");
  claims.subject = sub;
  claims.token = std::string(token);
  claims.scope_org_id = org;
  claims.audience = aud;
  errno = 0;
  long exp = jwt_get_grant_int(jwt.get(), "exp");
  if (errno == ENOENT || exp <= 0) return Unauthenticated("no expiry");
  claims.expires_at = absl::FromUnixSeconds(exp);
  if (absl::Now() > claims.expires_at + options_.leeway) return Unauthenticated("expired");
  for (const std::string& name : ParseRoleNames(jwt.get())) {
    if (auto role = ParseRole(name)) claims.roles.push_back(*role);
  }
  if (claims.roles.empty()) return Unauthenticated("no known role");
  return claims;
}

absl::StatusOr<std::string> TokenIssuer::Issue(const Claims& claims) const {
  return Encode(claims, JWT_ALG_HS256, key_);
}

absl::StatusOr<std::string> IssueWithPrivateKey(const Claims& claims, absl::string_view alg,
                                                const std::string& private_key_pem) {
  jwt_alg_t a = jwt_str_alg(std::string(alg).c_str());
  if (a != JWT_ALG_RS256 && a != JWT_ALG_ES256) return absl::InvalidArgumentError("alg");
  return Encode(claims, a, private_key_pem);
}

}  // namespace chibo::auth
