// Second factors as the other endpoints meet them (api/mfa_api.cc): what /api/token/ answers
// a user with one instead of tokens, how a code is checked, what an administrator sees.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>

#include "api/api_error.h"
#include "api/services.h"

namespace authd {

// For a user whose password was right: nullopt when the user has no second factor (tokens
// may be issued); else the 401 `mfa_required` answer, with a new single-use mfa_token (five
// minutes, stored as its hash so every instance honours it), or the store's failure.
std::optional<ApiError> RequireSecondFactor(Services& s, const User& user);

// Whether `code` is a current TOTP code of the user (each time step accepted once, on every
// instance) or one of its unused recovery codes (then spent).
StatusOr<bool> CheckSecondFactor(Services& s, int64_t user_id, std::string_view code);

// {"totp": bool, "passkeys": n, "recovery_codes_left": n}.
StatusOr<boost::json::object> MfaSummary(Services& s, int64_t user_id);

}  // namespace authd
