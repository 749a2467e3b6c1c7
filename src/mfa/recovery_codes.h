// Recovery codes: ten one-time codes shown once when a second factor is turned on, each
// usable once in place of a TOTP code. 80 bits each ("k7q2-m4xp-9dwe-3hfz"), so the stored
// SHA-256 cannot be searched back to the code, as a password's would need a slow hash.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/random.h"

namespace authd {

inline constexpr int kRecoveryCodeCount = 10;

std::vector<std::string> NewRecoveryCodes(Random& random);

// The hash a code is stored and looked up by. Dashes, spaces and case are ignored, as people
// type them.
std::string RecoveryCodeHash(std::string_view code);

// RecoveryCodeHash of each, as they are stored.
std::vector<std::string> RecoveryCodeHashes(const std::vector<std::string>& codes);

}  // namespace authd
