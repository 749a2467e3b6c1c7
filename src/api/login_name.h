// Usernames as Django treats them: NFKC-normalised when an account is made
// (AbstractBaseUser.normalize_username), so "ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧" and the Kelvin sign cannot sit
// beside "admin" and "K". At login the name as typed is looked up first (an account imported
// from a Django that did not normalise keeps its stored name), then its normal form.
#pragma once

#include <string_view>

#include "store/user_store.h"

namespace authd {

// NotFound when neither the typed name nor its NFKC form names an account. With `by_email`
// (AUTHD_LOGIN_FIELDS=username,email) a name with an '@' that names no account is then looked
// up as a verified email address, case-insensitively (one account at most has it verified).
StatusOr<User> FindByLoginName(UserStore& users, std::string_view typed, bool by_email = false);

}  // namespace authd
