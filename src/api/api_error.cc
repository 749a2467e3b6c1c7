#include "api/api_error.h"

#include <boost/json/serialize.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace authd {
namespace json = boost::json;

ApiError Detail(int status, std::string detail) {
  ApiError e;
  e.status = status;
  e.body["detail"] = std::move(detail);
  return e;
}

ApiError Coded(int status, std::string detail, std::string code) {
  ApiError e = Detail(status, std::move(detail));
  e.body["code"] = std::move(code);
  return e;
}

ApiError ValidationFailed(const FieldErrors& errors) {
  ApiError e;
  e.status = 400;
  e.body = errors.ToJson();
  return e;
}

ApiError ValidationFailed(std::string_view field, std::string message) {
  FieldErrors errors;
  errors.Add(field, std::move(message));
  return ValidationFailed(errors);
}

ApiError BadBody(const BodyError& error) {
  switch (error.kind) {
    case BodyError::Kind::kUnsupportedMediaType: return Detail(415, error.message);
    case BodyError::Kind::kParseError: return Detail(400, error.message);
    case BodyError::Kind::kFieldError: return ValidationFailed(error.field, error.message);
    case BodyError::Kind::kNotAnObject: return ValidationFailed("non_field_errors", error.message);
  }
  return Detail(400, error.message);
}

ApiError NotAuthenticated() {
  ApiError e = Detail(401, "Authentication credentials were not provided.");
  e.www_authenticate = true;
  return e;
}

ApiError AuthenticationFailed(std::string detail, std::optional<std::string> code) {
  ApiError e = Detail(401, std::move(detail));
  if (code) e.body["code"] = *code;
  e.www_authenticate = true;
  return e;
}

ApiError InvalidToken(TokenError error, TokenSource source) {
  const std::string message(TokenErrorMessage(error));
  if (source == TokenSource::kAuthorizationHeader && error != TokenError::kNoUserId) {
    ApiError e = AuthenticationFailed("Given token not valid for any token type", "token_not_valid");
    json::object m;
    m["token_class"] = "AccessToken";
    m["token_type"] = "access";
    m["message"] = message;
    e.body["messages"] = json::array{std::move(m)};
    return e;
  }
  return AuthenticationFailed(message, "token_not_valid");
}

ApiError PermissionDenied() {
  return Detail(403, "You do not have permission to perform this action.");
}

ApiError NotFoundError() { return Detail(404, "Not found."); }

ApiError Throttled(int64_t wait_seconds) {
  // DRF's Throttled exception: the wait rounded up, singular for one second, and Retry-After.
  ApiError e = Detail(429, fmt::format("Request was throttled. Expected available in {} {}.",
                                       wait_seconds, wait_seconds == 1 ? "second" : "seconds"));
  e.retry_after = wait_seconds;
  return e;
}

ApiError Unavailable(int retry_after_seconds) {
  ApiError e = Detail(503, "Service temporarily unavailable.");
  e.retry_after = retry_after_seconds;
  return e;
}

ApiError EmailNotConfigured() { return Detail(503, "Email is not configured."); }

ApiError PasskeysNotConfigured() {
  return Detail(503, "Passkeys are not configured (AUTHD_PUBLIC_URL or AUTHD_WEBAUTHN_ORIGINS).");
}

ApiError FromStatus(const Status& status) {
  // A memory-only attempt that needs the database (store/memory_only.h): its answer is thrown
  // away and the handler runs again where it may block. Not a failure worth a log line.
  if (status.code() == StatusCode::kWouldBlock) return Unavailable(1);
  if (status.code() == StatusCode::kUnavailable) {
    spdlog::warn("store unavailable: {}", status.message());
    return Unavailable(1);
  }
  spdlog::error("internal error: {}", status.ToString());
  return Detail(500, "A server error occurred.");
}

ApiError FromSessionFailure(const SessionFailure& failure) {
  switch (failure.kind) {
    case SessionFailure::Kind::kToken:
      return InvalidToken(failure.token, TokenSource::kRequestBody);
    case SessionFailure::Kind::kNoActiveAccount:
      return AuthenticationFailed("No active account found for the given token.",
                                  "no_active_account");
    case SessionFailure::Kind::kStore:
      return FromStatus(failure.status);
  }
  return FromStatus(failure.status);
}

Response ToResponse(const ApiError& error) {
  Response r;
  r.status = error.status;
  r.body = json::serialize(error.body);
  if (error.www_authenticate) r.AddHeader("WWW-Authenticate", "Bearer realm=\"api\"");
  if (error.retry_after) r.AddHeader("Retry-After", std::to_string(*error.retry_after));
  return r;
}

Response JsonResponse(int status, const json::value& body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  return r;
}

Response NoContent() {
  Response r;
  r.status = 204;
  return r;
}

}  // namespace authd
