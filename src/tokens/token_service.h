// Issues and verifies simplejwt-shaped tokens: claims token_type, exp, iat, jti, user_id,
// in that order, with simplejwt's lifetimes and its rules for deriving an access token from a
// refresh token. Time and randomness are injected.
// Thread-safety: all methods are const or internally synchronised; use from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tokens/claims.h"
#include "tokens/jws_codec.h"
#include "tokens/token_error.h"
#include "tokens/verified_tokens.h"
#include "util/clock.h"
#include "util/random.h"
#include "util/result.h"

namespace authd {

struct TokenLifetimes {
  int64_t access_seconds = 300;
  int64_t refresh_seconds = 86400;
  int64_t leeway_seconds = 0;  // tolerated clock skew on exp and nbf
};

// simplejwt's ISSUER and AUDIENCE: when set, added to every token issued and required of every
// token verified.
struct TokenScope {
  std::optional<std::string> issuer;
  std::optional<std::string> audience;
};

struct IssuedToken {
  std::string token;
  TokenClaims claims;
};

struct IssuedPair {
  std::string access;
  std::string refresh;
  TokenClaims refresh_claims;
};

class TokenService {
 public:
  TokenService(JwsCodec codec, TokenLifetimes lifetimes, const Clock& clock, Random& random,
               TokenScope scope = {});

  // `extra` claims (such as "amr", RFC 8176, after a second factor) go into both tokens, and
  // so, as every claim of a refresh token, into each access token derived from it.
  IssuedPair IssuePair(int64_t user_id, const boost::json::object& extra = {}) const;

  // A new access token for a verified refresh token. As simplejwt does, every claim but
  // token_type, exp and jti is copied from the refresh token (so iat stays the login's).
  std::string IssueAccessFrom(const TokenClaims& refresh) const;

  // The successor of a refresh token under rotation: simplejwt's set_jti(), set_exp() and
  // set_iat() on a copy, so every other claim (user_id, iss, custom claims) carries over.
  IssuedToken IssueRotatedRefresh(const TokenClaims& refresh) const;

  // Verifies signature and claims. `expected_type` nullopt accepts any token type (as
  // simplejwt's UntypedToken does for /api/token/verify/).
  Result<TokenClaims, TokenError> Verify(std::string_view token,
                                         std::optional<std::string_view> expected_type) const;

  // Forgets that `token` verified (on this thread): a refresh token rotated away.
  void Forget(std::string_view token) const { verified_.Forget(token); }

  const TokenLifetimes& lifetimes() const { return lifetimes_; }
  // The published verification keys, {"keys": [...]}.
  boost::json::object Jwks() const { return codec_.keys().Jwks(); }

 private:
  // Every check, from the bytes up; `nbf_out` gets the token's not-before claim, if any.
  Result<TokenClaims, TokenError> VerifyFully(std::string_view token,
                                              std::optional<std::string_view> expected_type,
                                              int64_t now, std::optional<int64_t>& nbf_out) const;
  std::string NewJti() const;
  boost::json::object BasePayload(std::string_view type, int64_t lifetime, int64_t now) const;
  void AddScope(boost::json::object& payload) const;

  JwsCodec codec_;
  TokenLifetimes lifetimes_;
  TokenScope scope_;
  const Clock& clock_;
  Random& random_;
  mutable VerifiedTokens verified_;
};

}  // namespace authd
