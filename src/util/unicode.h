// The few Unicode questions Django asks of user input: two character predicates answered from
// glibc's C.UTF-8 locale tables, and NFKC normalisation from ICU.
// REQUIRES: inputs are valid UTF-8 (callers validate first).
#pragma once

#include <string>
#include <string_view>

namespace authd {

// Python's \w for str patterns: a letter or digit of any script, or '_'.
bool IsWordChar(char32_t c);

// NFKC, as Django's AbstractBaseUser.normalize_username applies it to usernames (through
// Python's unicodedata): "ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧" and "admin" are one name, as are the Kelvin sign
// and "K". ICU does the work. REQUIRES: valid UTF-8.
std::string NormalizeNfkc(std::string_view utf8);

// Lower-cases every code point (Python's str.lower() for everything but a few special cases).
std::u32string ToLowerCodePoints(std::string_view utf8);

}  // namespace authd
