// Every way a token can be refused, as one enum. The HTTP layer turns a TokenError into
// simplejwt's answer (api/error_response.cc); the messages below are simplejwt's own words.
#pragma once

#include <string_view>

namespace authd {

enum class TokenError {
  kTooLarge,            // over the size bound; never parsed
  kMalformed,           // not three dot-separated segments
  kBadEncoding,         // a segment is not canonical base64url
  kBadHeader,           // header is not a UTF-8 JSON object, or a member has the wrong type
  kAlgorithmNotAllowed, // "alg" is not the one algorithm configured for the key ("none" never is)
  kUnknownKey,          // "kid" names no configured key
  kCriticalHeader,      // "crit" present: we understand no extensions (RFC 7515 4.1.11)
  kForbiddenHeader,     // jku, jwk, x5u, x5c, b64: keys are never taken from the token
  kBadSignature,        // the MAC or signature does not match
  kBadPayload,          // payload is not a UTF-8 JSON object
  kBadClaim,            // exp, nbf, iat, token_type or jti has the wrong type or is out of range
  kMissingExp,          // no "exp" claim
  kExpired,             // exp <= now - leeway
  kNotYetValid,         // nbf > now + leeway
  kMissingJti,          // no "jti" claim
  kMissingType,         // no "token_type" claim
  kWrongType,           // token_type differs from the one the endpoint wants
  kBlacklisted,         // the refresh token was revoked
  kNoUserId,            // no usable "user_id" claim
  kBadIssuer,           // "iss" missing or not the configured issuer
  kBadAudience,         // "aud" missing or without the configured audience, or unexpected
};

// simplejwt's message for the refusal ("Token is invalid", "Token is expired", ...).
std::string_view TokenErrorMessage(TokenError e);

// A stable snake_case name, for logs and metrics.
std::string_view TokenErrorName(TokenError e);

}  // namespace authd
