// An OpenID provider's ID token, checked as OpenID Connect Core 1.0 section 3.1.3.7 asks of a
// client: the signature under one of the provider's keys with that key's own algorithm (never
// "none", never HS256 keyed with a public key: tokens/jws_codec.h), then iss, aud, azp, exp,
// iat and nonce. The claims a sign-in needs come out; the rest of the token is not kept.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "tokens/signing_key.h"
#include "util/status.h"

namespace authd {

struct IdTokenCheck {
  std::string issuer;     // the provider's issuer, compared exactly
  std::string client_id;  // authd's client id at the provider
  std::string nonce;      // the one this sign-in's authorization request carried
  int64_t now_seconds = 0;
  int64_t leeway_seconds = 60;     // clock skew allowed for exp and iat
  int64_t max_age_seconds = 600;   // an iat older than this is a replayed token
};

// Who the provider says signed in: ID token claims, and userinfo's (identity_claims.h).
struct IdentityClaims {
  std::string subject;             // "sub": the identity, unique within the provider
  std::string email;               // empty when not given
  bool email_verified = false;
  std::string preferred_username;  // empty when not given
  std::string name;
};

// The standard claims of `claims` (an ID token's or userinfo's): sub required (1 to 255
// characters), the others taken when they have the right type (email_verified may be a
// boolean or, as some providers send it, "true"/"false").
StatusOr<IdentityClaims> ReadIdentityClaims(const boost::json::object& claims);

// Checks a verified ID token's claims against `check`. Unauthenticated, naming the claim, for
// a token that is not for this client, this sign-in or this time.
StatusOr<IdentityClaims> CheckIdTokenClaims(const boost::json::object& claims,
                                            const IdTokenCheck& check);

// The signature with `key` (the one the token's kid names), then the claims.
StatusOr<IdentityClaims> VerifyIdToken(std::string_view token,
                                       std::shared_ptr<const SigningKey> key,
                                       const IdTokenCheck& check);

}  // namespace authd
