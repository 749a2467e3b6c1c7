#include "tokens/token_service.h"

#include <array>
#include <cmath>

#include "util/random.h"

namespace authd {
namespace json = boost::json;

namespace {

// Times later than this (the year 9999) are refused rather than risk overflow downstream.
constexpr int64_t kMaxTimestamp = 253402300799;

// A NumericDate (RFC 7519 section 2): a JSON number, not a boolean, finite and in range.
// Fractions are truncated, as PyJWT does.
std::optional<int64_t> ReadNumericDate(const json::value& v) {
  double d;
  if (v.is_int64()) {
    d = static_cast<double>(v.get_int64());
  } else if (v.is_uint64()) {
    d = static_cast<double>(v.get_uint64());
  } else if (v.is_double()) {
    d = v.get_double();
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(d) || d < 0 || d > static_cast<double>(kMaxTimestamp)) return std::nullopt;
  return static_cast<int64_t>(d);
}

// user_id as Django would look it up: an integer, or a string of ASCII digits.
std::optional<int64_t> ReadUserId(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_string()) {
    const json::string& s = v.get_string();
    if (s.empty() || s.size() > 18) return std::nullopt;
    int64_t id = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return std::nullopt;
      id = id * 10 + (c - '0');
    }
    return id;
  }
  return std::nullopt;
}

}  // namespace

TokenService::TokenService(JwsCodec codec, TokenLifetimes lifetimes, const Clock& clock,
                           Random& random, TokenScope scope)
    : codec_(std::move(codec)),
      lifetimes_(lifetimes),
      scope_(std::move(scope)),
      clock_(clock),
      random_(random) {}

void TokenService::AddScope(json::object& payload) const {
  // After the other claims, where simplejwt's TokenBackend.encode puts them.
  if (scope_.audience) payload["aud"] = *scope_.audience;
  if (scope_.issuer) payload["iss"] = *scope_.issuer;
}

std::string TokenService::NewJti() const {
  // A random (version 4) UUID as 32 hex characters, like simplejwt's uuid4().hex.
  std::array<uint8_t, 16> b{};
  random_.Fill(b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  return ToHex(b);
}

json::object TokenService::BasePayload(std::string_view type, int64_t lifetime,
                                       int64_t now) const {
  json::object p;
  p["token_type"] = type;
  p["exp"] = now + lifetime;
  p["iat"] = now;
  p["jti"] = NewJti();
  return p;
}

IssuedPair TokenService::IssuePair(int64_t user_id, const json::object& extra) const {
  const int64_t now = clock_.NowSeconds();
  json::object refresh = BasePayload(kRefreshType, lifetimes_.refresh_seconds, now);
  refresh["user_id"] = user_id;
  AddScope(refresh);
  json::object access = BasePayload(kAccessType, lifetimes_.access_seconds, now);
  access["user_id"] = user_id;
  AddScope(access);
  for (const auto& [name, value] : extra) {
    refresh[name] = value;
    access[name] = value;
  }

  IssuedPair pair;
  pair.access = codec_.Encode(access);
  pair.refresh = codec_.Encode(refresh);
  pair.refresh_claims.token_type = kRefreshType;
  pair.refresh_claims.exp = now + lifetimes_.refresh_seconds;
  pair.refresh_claims.iat = now;
  pair.refresh_claims.jti = refresh["jti"].as_string();
  pair.refresh_claims.user_id = user_id;
  pair.refresh_claims.payload = std::make_shared<const json::object>(std::move(refresh));
  return pair;
}

std::string TokenService::IssueAccessFrom(const TokenClaims& refresh) const {
  const int64_t now = clock_.NowSeconds();
  json::object access = BasePayload(kAccessType, lifetimes_.access_seconds, now);
  for (const auto& [name, value] : *refresh.payload) {
    if (name == "token_type" || name == "exp" || name == "jti") continue;
    access[name] = value;
  }
  return codec_.Encode(access);
}

IssuedToken TokenService::IssueRotatedRefresh(const TokenClaims& refresh) const {
  const int64_t now = clock_.NowSeconds();
  IssuedToken out;
  json::object payload = *refresh.payload;
  payload["jti"] = NewJti();
  payload["exp"] = now + lifetimes_.refresh_seconds;
  payload["iat"] = now;
  out.token = codec_.Encode(payload);
  out.claims = refresh;
  out.claims.jti = payload["jti"].as_string();
  out.claims.exp = now + lifetimes_.refresh_seconds;
  out.claims.iat = now;
  out.claims.payload = std::make_shared<const json::object>(std::move(payload));
  return out;
}

Result<TokenClaims, TokenError> TokenService::Verify(
    std::string_view token, std::optional<std::string_view> expected_type) const {
  const int64_t now = clock_.NowSeconds();
  if (auto hit = verified_.Find(token, now, lifetimes_.leeway_seconds, expected_type)) {
    return std::move(*hit);
  }
  std::optional<int64_t> nbf;
  auto claims = VerifyFully(token, expected_type, now, nbf);
  if (claims.ok()) verified_.Put(token, *claims, nbf);
  return claims;
}

Result<TokenClaims, TokenError> TokenService::VerifyFully(
    std::string_view token, std::optional<std::string_view> expected_type, int64_t now,
    std::optional<int64_t>& nbf_out) const {
  auto decoded = codec_.Decode(token);
  if (!decoded.ok()) return Err{decoded.error()};
  json::object& payload = decoded.value();
  const int64_t leeway = lifetimes_.leeway_seconds;

  TokenClaims claims;
  // Time claims in PyJWT's order: exp, then nbf, then iat.
  const json::value* exp = payload.if_contains("exp");
  if (exp == nullptr) return Err{TokenError::kMissingExp};
  auto exp_value = ReadNumericDate(*exp);
  if (!exp_value) return Err{TokenError::kBadClaim};
  if (*exp_value <= now - leeway) return Err{TokenError::kExpired};
  claims.exp = *exp_value;

  if (const json::value* nbf = payload.if_contains("nbf")) {
    auto nbf_value = ReadNumericDate(*nbf);
    if (!nbf_value) return Err{TokenError::kBadClaim};
    if (*nbf_value > now + leeway) return Err{TokenError::kNotYetValid};
    nbf_out = nbf_value;
  }
  if (const json::value* iat = payload.if_contains("iat")) {
    auto iat_value = ReadNumericDate(*iat);
    if (!iat_value) return Err{TokenError::kBadClaim};
    claims.iat = *iat_value;
  }

  // Then issuer and audience, as PyJWT checks them.
  if (scope_.issuer) {
    const json::value* iss = payload.if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->get_string() != *scope_.issuer) {
      return Err{TokenError::kBadIssuer};
    }
  }
  if (const json::value* aud = payload.if_contains("aud")) {
    // PyJWT refuses a token addressed to an audience when none is expected, and so do we.
    if (!scope_.audience) return Err{TokenError::kBadAudience};
    bool match = false;
    if (aud->is_string()) {
      match = aud->get_string() == *scope_.audience;
    } else if (aud->is_array()) {
      for (const json::value& a : aud->get_array()) {
        if (!a.is_string()) return Err{TokenError::kBadAudience};
        match = match || a.get_string() == *scope_.audience;
      }
    }
    if (!match) return Err{TokenError::kBadAudience};
  } else if (scope_.audience) {
    return Err{TokenError::kBadAudience};
  }

  // Then simplejwt's own checks: an id, then the type.
  const json::value* jti = payload.if_contains("jti");
  if (jti == nullptr) return Err{TokenError::kMissingJti};
  if (!jti->is_string() || jti->get_string().empty() || jti->get_string().size() > 255) {
    return Err{TokenError::kBadClaim};
  }
  claims.jti = jti->get_string();

  const json::value* type = payload.if_contains("token_type");
  if (expected_type) {
    if (type == nullptr) return Err{TokenError::kMissingType};
    if (!type->is_string() || type->get_string() != *expected_type) {
      return Err{TokenError::kWrongType};
    }
  }
  if (type != nullptr && type->is_string()) claims.token_type = type->get_string();

  if (const json::value* uid = payload.if_contains("user_id")) claims.user_id = ReadUserId(*uid);
  claims.payload = std::make_shared<const json::object>(std::move(payload));
  return claims;
}

}  // namespace authd
