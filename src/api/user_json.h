// A user as the API shows it: Django's fields, never the password hash.
#pragma once

#include <boost/json/object.hpp>

#include "users/user.h"

namespace authd {

boost::json::object UserToJson(const User& user);

}  // namespace authd
