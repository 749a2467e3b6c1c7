// A user as the API shows it: Django's fields, never the password hash.
#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "store/token_store.h"
#include "users/user.h"

namespace authd {

// What registration answers: the fields a client may write, never the password.
boost::json::object RegisteredUserToJson(const User& user);

// What /user_detail/ answers: the registration fields plus flags and dates.
boost::json::object UserToJson(const User& user);

// What /api/me/ answers: UserToJson's fields plus email_verified.
boost::json::object MeToJson(const User& user);

// One session (a live refresh token) as /api/sessions/ lists it; "current" when its jti is
// `current_jti`.
boost::json::object SessionToJson(const RefreshTokenRecord& record, std::string_view current_jti);

}  // namespace authd
