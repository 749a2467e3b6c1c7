#include "api/authenticator.h"

namespace authd {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Python's bytes.split(): runs of whitespace separate, leading and trailing are dropped.
std::vector<std::string_view> SplitWhitespace(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < s.size() && parts.size() < 3) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !IsSpace(s[i])) ++i;
    if (i > start) parts.push_back(s.substr(start, i - start));
  }
  return parts;
}

}  // namespace

std::variant<User, ApiError> AuthenticateBearer(Request& request, Services& services) {
  if (!request.has_authorization) return NotAuthenticated();
  const auto parts = SplitWhitespace(request.authorization);
  // Another scheme (Basic, ...) is not ours to judge: the request is simply unauthenticated.
  if (parts.empty() || parts[0] != "Bearer") return NotAuthenticated();
  if (parts.size() != 2) {
    return AuthenticationFailed("Authorization header must contain two space-delimited values",
                                "bad_authorization_header");
  }

  auto claims = services.tokens.Verify(parts[1], kAccessType);
  if (!claims.ok()) {
    services.metrics.TokenRefused(TokenErrorName(claims.error()));
    return InvalidToken(claims.error(), TokenSource::kAuthorizationHeader);
  }
  if (!claims->user_id) {
    services.metrics.TokenRefused(TokenErrorName(TokenError::kNoUserId));
    return InvalidToken(TokenError::kNoUserId, TokenSource::kAuthorizationHeader);
  }

  auto user = services.store.users().FindById(*claims->user_id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) {
      return AuthenticationFailed("User not found", "user_not_found");
    }
    return FromStatus(user.status());
  }
  if (!user->is_active) return AuthenticationFailed("User is inactive", "user_inactive");
  // Issued before the user's last "end every session" (a password change, a deactivation,
  // log out everywhere): refused as simplejwt's CHECK_REVOKE_TOKEN refuses a token that
  // predates a password change, instead of living out its lifetime.
  if (IssuedBeforeCutoff(claims->iat, user->tokens_valid_after, /*recorded=*/true)) {
    services.metrics.TokenRefused(TokenErrorName(TokenError::kBlacklisted));
    return InvalidToken(TokenError::kBlacklisted, TokenSource::kAuthorizationHeader);
  }
  request.user_id = user->id;
  return std::move(user).value();
}

std::variant<User, ApiError> RequireStaff(Request& request, Services& s) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* user = std::get_if<User>(&auth); user && !user->is_staff && !user->is_superuser) {
    return PermissionDenied();
  }
  return auth;
}

boost::asio::awaitable<std::optional<ApiError>> ConfirmPassword(Services& s, const User& user,
                                                                const std::string& password) {
  auto matches = co_await s.hash_pool.Run([&] { return s.hasher.Verify(user.password_hash, password); });
  if (!matches) co_return Unavailable(1);
  if (!*matches) {
    co_return ValidationFailed("password", "Your password was entered incorrectly. Please enter it again.");
  }
  co_return std::nullopt;
}

}  // namespace authd
