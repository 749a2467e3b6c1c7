#include "users/user_rules.h"

#include "util/unicode.h"
#include "util/utf8.h"

namespace authd {
namespace {

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// Django's dot-atom local part: runs of atext separated by single dots.
bool IsDotAtom(std::string_view s) {
  constexpr std::string_view kAtext = "!#$%&'*+/=?^_`{}|~-";
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.') {
      if (prev == '.') return false;
    } else if (!IsAsciiAlnum(c) && kAtext.find(c) == std::string_view::npos) {
      return false;
    }
    prev = c;
  }
  return true;
}

// Django's domain rule: labels of letters, digits and inner hyphens (at most 63 characters),
// at least two labels, and a top-level label of at least two characters; or "localhost".
bool IsDomain(std::string_view d) {
  if (d == "localhost") return true;
  size_t labels = 0;
  while (true) {
    const size_t dot = d.find('.');
    std::string_view label = d.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) return labels >= 2 && label.size() >= 2;
    d.remove_prefix(dot + 1);
  }
}

}  // namespace

std::optional<std::string> CheckUsername(std::string_view username) {
  if (CodePointCount(username) > kUsernameMaxLength) {
    return "Ensure this field has no more than 150 characters.";
  }
  for (size_t i = 0; i < username.size();) {
    char32_t c = NextCodePoint(username, i);
    if (c == '.' || c == '@' || c == '+' || c == '-' || IsWordChar(c)) continue;
    return "Enter a valid username. This value may contain only letters, numbers, and "
           "@/./+/-/_ characters.";
  }
  return std::nullopt;
}

std::optional<std::string> CheckEmail(std::string_view email) {
  if (email.size() > kEmailMaxLength) return "Ensure this field has no more than 254 characters.";
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos || !IsDotAtom(email.substr(0, at)) ||
      !IsDomain(email.substr(at + 1))) {
    return "Enter a valid email address.";
  }
  return std::nullopt;
}

}  // namespace authd
