// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace authd {

bool IsValidUtf8(std::string_view s);

// Decodes one code point from valid UTF-8 at s[i], advancing i. REQUIRES: IsValidUtf8(s).
char32_t NextCodePoint(std::string_view s, size_t& i);

// Number of code points in valid UTF-8 (what Python's len() counts for a str).
size_t CodePointCount(std::string_view s);

// `s` as valid UTF-8 of at most `max_bytes`: every byte that does not begin a valid sequence
// becomes U+FFFD (as Python's errors="replace"), and the text is cut before the character
// that would cross the limit, never inside one. For untrusted text that is stored and shown
// (a User-Agent), where refusing the request would be wrong.
std::string SanitizeUtf8(std::string_view s, size_t max_bytes);

}  // namespace authd
