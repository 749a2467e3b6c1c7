// The few Unicode character questions Django's validators ask, answered from glibc's
// C.UTF-8 locale tables (no ICU dependency for two predicates).
// REQUIRES: inputs are valid UTF-8 (callers validate first).
#pragma once

#include <string>
#include <string_view>

namespace authd {

// Python's \w for str patterns: a letter or digit of any script, or '_'.
bool IsWordChar(char32_t c);

// Lower-cases every code point (Python's str.lower() for everything but a few special cases).
std::u32string ToLowerCodePoints(std::string_view utf8);

}  // namespace authd
