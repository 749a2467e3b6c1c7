// The secret in a mailed link (password reset, email verification): 256 bits from the CSPRNG,
// base64url. The database keeps only its SHA-256, so reading the database opens no account,
// and a token is looked up by that hash (an index lookup on a value the attacker cannot
// steer, so no timing difference tells a near miss).
#pragma once

#include <string>
#include <string_view>

#include "util/random.h"

namespace authd {

std::string NewLinkToken(Random& random);

// Lowercase hex SHA-256 of the token's characters.
std::string LinkTokenHash(std::string_view token);

// "{public_url}{path}?token={token}".
std::string LinkUrl(std::string_view public_url, std::string_view path, std::string_view token);

}  // namespace authd
