#include "absl/strings/string_view.h"
#include "common/auth/tokens.h"

#include <jwt.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

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

using Json = nlohmann::json;

// Parses `text` as one JSON object. Refuses duplicate member names at any
// depth: two "roles" would otherwise mean whatever the last parser to read
// them decides.
absl::StatusOr<Json> ParseJsonObject(absl::string_view text, absl::string_view what) {
  std::vector<std::set<std::string>> names;  // of each object being read
  bool duplicate = false;
  Json::parser_callback_t callback = [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) {
      names.emplace_back();
    } else if (event == Json::parse_event_t::key && !names.empty()) {
      if (!names.back().insert(parsed.get<std::string>()).second) duplicate = true;
    } else if (event == Json::parse_event_t::object_end && !names.empty()) {
      names.pop_back();
    }
    return true;
  };
  Json json = Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Unauthenticated(absl::StrCat(what, " is not valid JSON"));
  if (!json.is_object()) return Unauthenticated(absl::StrCat(what, " is not a JSON object"));
  if (duplicate) return Unauthenticated(absl::StrCat(what, " names a claim twice"));
  return json;
}

// The base64url segment `part` of a token, decoded and parsed.
absl::StatusOr<Json> DecodeSegment(absl::string_view part, absl::string_view what) {
  std::string text;
  if (!absl::WebSafeBase64Unescape(part, &text)) {
    return Unauthenticated(absl::StrCat(what, " is not base64url"));
  }
  return ParseJsonObject(text, what);
}

// A non-empty string claim.
absl::StatusOr<std::string> RequiredString(const Json& payload, const char* name,
                                           absl::string_view meaning) {
  auto it = payload.find(name);
  if (it == payload.end()) return Unauthenticated(absl::StrCat("no ", meaning, " (", name, ")"));
  if (!it->is_string()) return Unauthenticated(absl::StrCat(name, " must be a string"));
  std::string value = it->get<std::string>();
  if (value.empty()) return Unauthenticated(absl::StrCat(name, " is empty"));
  return value;
}

// A NumericDate claim (RFC 7519: seconds since the epoch, possibly with a
// fraction): nullopt when absent; refused unless a number of year 1970..9999.
absl::StatusOr<std::optional<absl::Time>> NumericDate(const Json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::optional<absl::Time>();
  constexpr double kMaxSeconds = 253402300799;  // 9999-12-31T23:59:59Z
  double seconds = -1;
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    seconds = v > static_cast<uint64_t>(kMaxSeconds) ? kMaxSeconds + 1 : static_cast<double>(v);
  } else if (it->is_number_integer()) {
    seconds = static_cast<double>(it->get<int64_t>());
  } else if (it->is_number_float()) {
    seconds = it->get<double>();
  } else {
    return Unauthenticated(absl::StrCat(name, " must be a number (seconds since 1970)"));
  }
  if (!(seconds >= 0 && seconds <= kMaxSeconds)) {
    return Unauthenticated(absl::StrCat(name, " is out of range"));
  }
  return std::optional<absl::Time>(absl::FromUnixSeconds(static_cast<int64_t>(seconds)));
}

// Signs `claims` with iat = now. Refuses what verifiers would: no finite exp,
// or exp more than `max_lifetime` after iat.
absl::StatusOr<std::string> Encode(const Claims& claims, jwt_alg_t alg, const std::string& key,
                                   absl::Duration max_lifetime) {
  const int64_t iat = absl::ToUnixSeconds(absl::Now());
  if (claims.expires_at == absl::InfiniteFuture() ||
      absl::FromUnixSeconds(absl::ToUnixSeconds(claims.expires_at)) - absl::FromUnixSeconds(iat) >
          max_lifetime) {
    return absl::InvalidArgumentError(
        absl::StrCat("thời hạn mã quá dài / token lifetime longer than the maximum ",
                     absl::FormatDuration(max_lifetime)));
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  std::vector<std::string> roles;
  for (Role r : claims.roles) roles.push_back(absl::StrCat("\"", RoleName(r), "\""));
  std::string grants = absl::StrCat("{\"roles\":[", absl::StrJoin(roles, ","), "]}");
  if (jwt_add_grant(jwt.get(), "sub", claims.subject.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "org", claims.scope_org_id.c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "aud", claims.audience.c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", iat) != 0 ||
      jwt_add_grants_json(jwt.get(), grants.c_str()) != 0) {
    return absl::InternalError("cannot add JWT claims");
  }
  if (jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.expires_at)) != 0) {
    return absl::InternalError("cannot add exp");
  }
  if (!claims.session_id.empty() && jwt_add_grant(jwt.get(), "sid", claims.session_id.c_str()) != 0) {
    return absl::InternalError("cannot add sid");
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
  if (token.size() > kMaxTokenBytes) {
    return Unauthenticated(absl::StrCat("longer than ", kMaxTokenBytes, " bytes"));
  }
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

absl::StatusOr<Claims> ClaimsFromPayload(absl::string_view payload_json,
                                         const VerifierOptions& options, absl::Time now) {
  absl::StatusOr<Json> parsed = ParseJsonObject(payload_json, "the payload");
  if (!parsed.ok()) return parsed.status();
  const Json& payload = *parsed;
  Claims claims;

  absl::StatusOr<std::string> sub = RequiredString(payload, "sub", "subject");
  if (!sub.ok()) return sub.status();
  claims.subject = *std::move(sub);
  absl::StatusOr<std::string> org = RequiredString(payload, "org", "scope organization");
  if (!org.ok()) return org.status();
  claims.scope_org_id = *std::move(org);

  // aud: one string, or an array of strings (RFC 7519 §4.1.3) holding ours.
  auto aud = payload.find("aud");
  if (aud == payload.end()) return Unauthenticated("no audience (aud)");
  bool ours = false;
  if (aud->is_string()) {
    ours = aud->get<std::string>() == options.audience;
  } else if (aud->is_array()) {
    for (const Json& a : *aud) {
      if (!a.is_string()) return Unauthenticated("aud must be a string or an array of strings");
      ours = ours || a.get<std::string>() == options.audience;
    }
  } else {
    return Unauthenticated("aud must be a string or an array of strings");
  }
  if (!ours) return Unauthenticated("wrong audience");
  claims.audience = options.audience;

  // Times: exp and iat required, nbf optional.
  absl::StatusOr<std::optional<absl::Time>> exp = NumericDate(payload, "exp");
  if (!exp.ok()) return exp.status();
  if (!exp->has_value()) return Unauthenticated("no expiry (exp)");
  absl::StatusOr<std::optional<absl::Time>> iat = NumericDate(payload, "iat");
  if (!iat.ok()) return iat.status();
  if (!iat->has_value()) return Unauthenticated("no issue time (iat)");
  absl::StatusOr<std::optional<absl::Time>> nbf = NumericDate(payload, "nbf");
  if (!nbf.ok()) return nbf.status();
  claims.expires_at = **exp;
  claims.issued_at = **iat;
  if (now > claims.expires_at + options.leeway) return Unauthenticated("expired");
  if (**iat > now + options.leeway) return Unauthenticated("issued in the future (iat)");
  if (nbf->has_value() && **nbf > now + options.leeway) {
    return Unauthenticated("not valid yet (nbf)");
  }
  if (claims.expires_at - **iat > options.max_lifetime) {
    return Unauthenticated(absl::StrCat("lifetime (exp - iat) longer than the maximum ",
                                        absl::FormatDuration(options.max_lifetime)));
  }

  // roles: an array of strings; names we do not know are ignored.
  auto roles = payload.find("roles");
  if (roles == payload.end()) return Unauthenticated("no roles");
  if (!roles->is_array()) return Unauthenticated("roles must be an array of strings");
  for (const Json& name : *roles) {
    if (!name.is_string()) return Unauthenticated("roles must be an array of strings");
    if (auto role = ParseRole(name.get<std::string>())) claims.roles.push_back(*role);
  }
  if (claims.roles.empty()) return Unauthenticated("no known role");
  // sid: optional, a string when present.
  if (auto sid = payload.find("sid"); sid != payload.end()) {
    if (!sid->is_string() || sid->get<std::string>().empty()) return Unauthenticated("sid must be a non-empty string");
    claims.session_id = sid->get<std::string>();
  }
  return claims;
}

absl::StatusOr<Claims> TokenVerifier::VerifyUncached(absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Unauthenticated("not three dot-separated parts");
  absl::StatusOr<Json> header = DecodeSegment(parts[0], "the header");
  if (!header.ok()) return header.status();
  auto alg_it = header->find("alg");
  const std::string alg_name =
      alg_it != header->end() && alg_it->is_string() ? alg_it->get<std::string>() : "";
  const std::string* key = nullptr;
  jwt_alg_t alg = JWT_ALG_INVAL;
  if (alg_name == "HS256" && !options_.hs256_key.empty()) {
    key = &options_.hs256_key, alg = JWT_ALG_HS256;
  } else if (alg_name == "RS256" && !options_.rs256_public_key.empty()) {
    key = &options_.rs256_public_key, alg = JWT_ALG_RS256;
  } else if (alg_name == "ES256" && !options_.es256_public_key.empty()) {
    key = &options_.es256_public_key, alg = JWT_ALG_ES256;
  } else {
    return Unauthenticated(absl::StrCat("algorithm not accepted: \"",
                                        absl::CHexEscape(alg_name.substr(0, 16)), "\""));
  }
  // libjwt checks the signature; the claims are read from the signed bytes
  // by our own parser below.
  std::string token_str(token);
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token_str.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                 static_cast<int>(key->size())) != 0 ||
      raw == nullptr) {
    return Unauthenticated("bad signature or malformed");
  }
  JwtPtr jwt(raw);
  if (jwt_get_alg(jwt.get()) != alg) return Unauthenticated("algorithm mismatch");

  std::string payload;
  if (!absl::WebSafeBase64Unescape(parts[1], &payload)) {
    return Unauthenticated("the payload is not base64url");
  }
  absl::StatusOr<Claims> claims = ClaimsFromPayload(payload, options_, absl::Now());
  if (!claims.ok()) return claims.status();
  claims->token = std::string(token);
  return claims;
}

absl::StatusOr<std::string> TokenIssuer::Issue(const Claims& claims) const {
  return Encode(claims, JWT_ALG_HS256, key_, max_lifetime_);
}

absl::StatusOr<std::string> IssueWithPrivateKey(const Claims& claims, absl::string_view alg,
                                                const std::string& private_key_pem) {
  jwt_alg_t a = jwt_str_alg(std::string(alg).c_str());
  if (a != JWT_ALG_RS256 && a != JWT_ALG_ES256) return absl::InvalidArgumentError("alg");
  return Encode(claims, a, private_key_pem, kDefaultMaxTokenLifetime);
}

}  // namespace chibo::auth
