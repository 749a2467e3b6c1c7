#include "oidc/id_token.h"

#include <boost/json/array.hpp>

#include "tokens/jws_codec.h"
#include "tokens/token_error.h"

namespace authd {
namespace {

namespace json = boost::json;

std::optional<int64_t> IntClaim(const json::object& claims, std::string_view name) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  if (v->is_double() && v->as_double() > -9e15 && v->as_double() < 9e15) {
    return static_cast<int64_t>(v->as_double());
  }
  return std::nullopt;
}

std::optional<std::string_view> StringClaim(const json::object& claims, std::string_view name) {
  const json::value* v = claims.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(v->as_string());
}

Status Refused(std::string why) { return Unauthenticated("the ID token " + why); }

}  // namespace

StatusOr<IdentityClaims> ReadIdentityClaims(const json::object& claims) {
  IdentityClaims out;
  auto sub = StringClaim(claims, "sub");
  if (!sub || sub->empty() || sub->size() > 255) return Refused("has no valid sub");
  out.subject = std::string(*sub);
  if (auto email = StringClaim(claims, "email"); email && email->size() <= 254) out.email = std::string(*email);
  if (const json::value* v = claims.if_contains("email_verified")) {
    out.email_verified = (v->is_bool() && v->as_bool()) || (v->is_string() && v->as_string() == "true");
  }
  if (auto u = StringClaim(claims, "preferred_username"); u && u->size() <= 255) {
    out.preferred_username = std::string(*u);
  }
  if (auto n = StringClaim(claims, "name"); n && n->size() <= 255) out.name = std::string(*n);
  return out;
}

StatusOr<IdentityClaims> CheckIdTokenClaims(const json::object& claims, const IdTokenCheck& check) {
  if (StringClaim(claims, "iss") != std::optional<std::string_view>(check.issuer)) {
    return Refused("is from another issuer (iss)");
  }
  // aud: our client id, alone or among others; with others, azp must name us (3.1.3.7 3-5).
  const json::value* aud = claims.if_contains("aud");
  bool ours = false;
  size_t audiences = 0;
  if (aud != nullptr && aud->is_string()) {
    ours = aud->as_string() == check.client_id;
    audiences = 1;
  } else if (aud != nullptr && aud->is_array()) {
    for (const json::value& a : aud->as_array()) {
      if (!a.is_string()) return Refused("has a malformed aud");
      ours = ours || a.as_string() == check.client_id;
      ++audiences;
    }
  }
  if (!ours) return Refused("is for another client (aud)");
  const auto azp = StringClaim(claims, "azp");
  if (claims.contains("azp") && azp != std::optional<std::string_view>(check.client_id)) {
    return Refused("was issued to another party (azp)");
  }
  if (audiences > 1 && !azp) return Refused("has several audiences and no azp");
  const auto exp = IntClaim(claims, "exp");
  if (!exp) return Refused("has no exp");
  if (*exp + check.leeway_seconds <= check.now_seconds) return Refused("has expired (exp)");
  const auto iat = IntClaim(claims, "iat");
  if (!iat) return Refused("has no iat");
  if (*iat > check.now_seconds + check.leeway_seconds) return Refused("was issued in the future (iat)");
  if (*iat + check.max_age_seconds + check.leeway_seconds < check.now_seconds) {
    return Refused("was issued too long ago (iat)");
  }
  if (StringClaim(claims, "nonce") != std::optional<std::string_view>(check.nonce)) {
    return Refused("is not for this sign-in (nonce)");
  }
  return ReadIdentityClaims(claims);
}

StatusOr<IdentityClaims> VerifyIdToken(std::string_view token, std::shared_ptr<const SigningKey> key,
                                       const IdTokenCheck& check) {
  if (key == nullptr) return Refused("names no key the provider publishes (kid)");
  JwsCodec codec(std::move(key));
  auto payload = codec.Decode(token);
  if (!payload.ok()) {
    return Refused("is not validly signed: " + std::string(TokenErrorName(payload.error())));
  }
  return CheckIdTokenClaims(*payload, check);
}

}  // namespace authd
