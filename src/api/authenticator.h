// Bearer authentication as simplejwt's JWTAuthentication does it: find the token in the
// Authorization header, verify it as an access token, and load its user on every request,
// so a deleted or deactivated user is refused at once.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <variant>

#include "api/api_error.h"
#include "api/services.h"
#include "http/message.h"
#include "users/user.h"

namespace authd {

// The authenticated user (also noted in request.user_id, for the access log), or the answer to
// give (401 of the right shape, or 503).
std::variant<User, ApiError> AuthenticateBearer(Request& request, Services& services);

// The signed-in user when they are staff or a superuser; 401 or 403 otherwise.
std::variant<User, ApiError> RequireStaff(Request& request, Services& services);

// A signed-in user proving it again with their password (an email change, turning a second
// factor off), verified on the hashing pool: nullopt when it is theirs; else 400
// {"password": ["Your password was entered incorrectly. Please enter it again."]}, or 503
// when the pool is full.
boost::asio::awaitable<std::optional<ApiError>> ConfirmPassword(Services& services,
                                                                const User& user,
                                                                const std::string& password);

}  // namespace authd
