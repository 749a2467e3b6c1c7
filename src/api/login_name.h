// Usernames as Django treats them: NFKC-normalised when an account is made
// (AbstractBaseUser.normalize_username), so "ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧" and the Kelvin sign cannot sit
// beside "admin" and "K". At login the name as typed is looked up first (an account imported
// from a Django that did not normalise keeps its stored name), then its normal form.
#pragma once

#include <string_view>

#include "store/user_store.h"

namespace authd {

// NotFound when neither the typed name nor its NFKC form names an account.
StatusOr<User> FindByLoginName(UserStore& users, std::string_view typed);

}  // namespace authd
