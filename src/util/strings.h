// Small string helpers shared by the layers that read user input.
#pragma once

#include <string_view>

namespace authd {

// Python's str.strip() for ASCII whitespace (space, \t, \n, \v, \f, \r): what DRF's CharField
// trims and what Django's common-password check strips.
inline std::string_view StripAsciiWhitespace(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace authd
