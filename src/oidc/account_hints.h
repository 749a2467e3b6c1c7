// What a provider's claims say about the authd account they may become: a username for a new
// user, and whether the address is in a domain the provider's setting allows. Pure functions
// of untrusted claims (fuzz/fuzz_oidc.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "oidc/id_token.h"

namespace authd {

// Whether `email`'s domain is one of `allowed` (empty: any), case-insensitively.
bool EmailDomainAllowed(std::string_view email, const std::vector<std::string>& allowed);

// A username for a new user from what the provider said (preferred_username, else the
// address's local part), NFKC-normalised: ASCII letters, digits and @.+-_ kept, at most 140
// characters (room for a suffix under Django's 150); "user" when nothing is left.
std::string UsernameBase(const IdentityClaims& claims);

}  // namespace authd
