// SHA-256 as lowercase hex: how authd stores secrets it only ever needs to recognise (mailed
// link tokens, recovery codes, MFA tokens), never to read back.
#pragma once

#include <string>
#include <string_view>

namespace authd {

std::string Sha256Hex(std::string_view bytes);
// The 32 raw bytes (PKCE's S256 code challenge is their base64url).
std::string Sha256(std::string_view bytes);

}  // namespace authd
