// Bearer authentication as simplejwt's JWTAuthentication does it: find the token in the
// Authorization header, verify it as an access token, and load its user on every request,
// so a deleted or deactivated user is refused at once.
#pragma once

#include <variant>

#include "api/api_error.h"
#include "api/services.h"
#include "http/message.h"
#include "users/user.h"

namespace authd {

// The authenticated user (also noted in request.user_id, for the access log), or the answer to
// give (401 of the right shape, or 503).
std::variant<User, ApiError> AuthenticateBearer(Request& request, Services& services);

}  // namespace authd
