// With AUTHD_LOGIN_FIELDS=username,email a verified address names one account: registering,
// changing to or verifying an address another account has verified is refused.
#pragma once

#include <string_view>

#include "api/api_error.h"
#include "api/services.h"

namespace authd {

// 400 {"email": ["A user with that email already exists."]}.
ApiError EmailTaken();

// Whether an account other than `user_id` (0: any) has verified `email`, case-insensitively.
StatusOr<bool> VerifiedElsewhere(Services& s, std::string_view email, int64_t user_id);

}  // namespace authd
