// Base64url without padding (RFC 7515 section 2, RFC 4648 section 5), decoded strictly:
// only the 64 URL-safe characters, no '=', no whitespace, and the unused low bits of the last
// character must be zero, so every byte string has exactly one accepted encoding.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd {

std::string Base64UrlEncode(std::string_view bytes);

// Standard base64 with padding (RFC 4648 section 4): MIME bodies, Standard Webhooks
// signatures.
std::string Base64Encode(std::string_view bytes);

// Returns nullopt for anything that is not the canonical encoding of some byte string.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace authd
