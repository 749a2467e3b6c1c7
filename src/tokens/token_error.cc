#include "tokens/token_error.h"

namespace authd {

std::string_view TokenErrorMessage(TokenError e) {
  switch (e) {
    case TokenError::kExpired: return "Token is expired";
    case TokenError::kMissingExp: return "Token has no 'exp' claim";
    case TokenError::kMissingJti: return "Token has no id";
    case TokenError::kMissingType: return "Token has no type";
    case TokenError::kWrongType: return "Token has wrong type";
    case TokenError::kBlacklisted: return "Token is blacklisted";
    case TokenError::kNoUserId: return "Token contained no recognizable user identification";
    case TokenError::kTooLarge:
    case TokenError::kMalformed:
    case TokenError::kBadEncoding:
    case TokenError::kBadHeader:
    case TokenError::kAlgorithmNotAllowed:
    case TokenError::kUnknownKey:
    case TokenError::kCriticalHeader:
    case TokenError::kForbiddenHeader:
    case TokenError::kBadSignature:
    case TokenError::kBadPayload:
    case TokenError::kBadClaim:
    case TokenError::kNotYetValid:
    case TokenError::kBadIssuer:
    case TokenError::kBadAudience:
      // simplejwt does not tell an attacker which check failed; neither do we.
      return "Token is invalid";
  }
  return "Token is invalid";
}

std::string_view TokenErrorName(TokenError e) {
  switch (e) {
    case TokenError::kTooLarge: return "too_large";
    case TokenError::kMalformed: return "malformed";
    case TokenError::kBadEncoding: return "bad_encoding";
    case TokenError::kBadHeader: return "bad_header";
    case TokenError::kAlgorithmNotAllowed: return "algorithm_not_allowed";
    case TokenError::kUnknownKey: return "unknown_key";
    case TokenError::kCriticalHeader: return "critical_header";
    case TokenError::kForbiddenHeader: return "forbidden_header";
    case TokenError::kBadSignature: return "bad_signature";
    case TokenError::kBadPayload: return "bad_payload";
    case TokenError::kBadClaim: return "bad_claim";
    case TokenError::kMissingExp: return "missing_exp";
    case TokenError::kExpired: return "expired";
    case TokenError::kNotYetValid: return "not_yet_valid";
    case TokenError::kMissingJti: return "missing_jti";
    case TokenError::kMissingType: return "missing_type";
    case TokenError::kWrongType: return "wrong_type";
    case TokenError::kBlacklisted: return "blacklisted";
    case TokenError::kNoUserId: return "no_user_id";
    case TokenError::kBadIssuer: return "bad_issuer";
    case TokenError::kBadAudience: return "bad_audience";
  }
  return "unknown";
}

}  // namespace authd
