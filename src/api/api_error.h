// Every failure an endpoint can answer with, as a value, and the one place that turns it into
// HTTP: status code, DRF/simplejwt JSON shape and message, and headers.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "api/fields.h"
#include "http/body_decoder.h"
#include "http/message.h"
#include "sessions/session_service.h"
#include "tokens/token_error.h"
#include "util/status.h"

namespace authd {

struct ApiError {
  int status = 500;
  boost::json::object body;
  bool www_authenticate = false;       // 401s carry `WWW-Authenticate: Bearer realm="api"`
  std::optional<int64_t> retry_after;  // seconds, for 429 and 503
};

// Where a token was presented, which decides simplejwt's answer shape.
enum class TokenSource {
  kAuthorizationHeader,  // JWTAuthentication: "Given token not valid for any token type" + messages
  kRequestBody,          // the refresh and verify serializers: {"detail": message, "code": ...}
};

ApiError ValidationFailed(const FieldErrors& errors);                 // 400 {field: [...]}
ApiError ValidationFailed(std::string_view field, std::string message);  // 400 {field: [message]}
ApiError BadBody(const BodyError& error);                             // 400 or 415
ApiError NotAuthenticated();                                          // 401, no credentials
ApiError AuthenticationFailed(std::string detail, std::optional<std::string> code);  // 401
ApiError InvalidToken(TokenError error, TokenSource source);          // 401 token_not_valid
ApiError PermissionDenied();                                          // 403
ApiError NotFoundError();                                             // 404 {"detail": "Not found."}
ApiError Throttled(int64_t wait_seconds);                              // 429, DRF's wording
ApiError Unavailable(int retry_after_seconds);                        // 503
ApiError EmailNotConfigured();  // 503 {"detail": "Email is not configured."}
ApiError PasskeysNotConfigured();  // 503: no WebAuthn origin to check against
ApiError Detail(int status, std::string detail);                      // {"detail": ...}
ApiError Coded(int status, std::string detail, std::string code);    // {"detail", "code"}
// Store and internal failures: Unavailable -> 503, anything else -> 500 (and is logged).
ApiError FromStatus(const Status& status);
// A refused refresh, blacklist or verify: token errors as simplejwt's serializers answer them.
ApiError FromSessionFailure(const SessionFailure& failure);

Response ToResponse(const ApiError& error);

// A 200-range JSON answer.
Response JsonResponse(int status, const boost::json::value& body);
// 204 No Content.
Response NoContent();

}  // namespace authd
