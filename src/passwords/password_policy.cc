#include "passwords/password_policy.h"

#include <fmt/format.h>

#include <unordered_map>

#include "passwords/common_passwords.h"
#include "util/strings.h"
#include "util/unicode.h"
#include "util/utf8.h"

namespace authd {
namespace {

// Python's re.split(r'\W+', value) followed by the whole value.
std::vector<std::u32string> SimilarityParts(const std::u32string& value) {
  std::vector<std::u32string> parts;
  std::u32string current;
  bool in_separator = false;
  for (char32_t c : value) {
    if (IsWordChar(c)) {
      current.push_back(c);
      in_separator = false;
    } else if (!in_separator) {
      parts.push_back(std::move(current));
      current.clear();
      in_separator = true;
    }
  }
  parts.push_back(std::move(current));
  parts.push_back(value);
  return parts;
}

bool TooSimilar(const std::u32string& password, std::string_view attribute, double max) {
  if (attribute.empty()) return false;
  for (const auto& part : SimilarityParts(ToLowerCodePoints(attribute))) {
    if (QuickRatio(password, part) >= max) return true;
  }
  return false;
}

std::string LowerTrimmed(std::string_view password) {
  return AsciiLower(StripAsciiWhitespace(password));
}

}  // namespace

double QuickRatio(const std::u32string& a, const std::u32string& b) {
  const size_t total = a.size() + b.size();
  if (total == 0) return 1.0;
  std::unordered_map<char32_t, int> available;
  for (char32_t c : b) ++available[c];
  size_t matches = 0;
  for (char32_t c : a) {
    auto it = available.find(c);
    if (it != available.end() && it->second > 0) {
      --it->second;
      ++matches;
    }
  }
  return 2.0 * static_cast<double>(matches) / static_cast<double>(total);
}

std::vector<std::string> PasswordPolicy::Validate(std::string_view password,
                                                  const UserAttributes& user) const {
  std::vector<std::string> errors;
  if (!options_.enabled) return errors;

  const std::u32string lowered = ToLowerCodePoints(password);
  const std::pair<std::string_view, const char*> attributes[] = {
      {user.username, "username"},
      {user.first_name, "first name"},
      {user.last_name, "last name"},
      {user.email, "email address"},
  };
  for (const auto& [value, verbose_name] : attributes) {
    if (TooSimilar(lowered, value, options_.max_similarity)) {
      errors.push_back(fmt::format("The password is too similar to the {}.", verbose_name));
      break;  // Django raises on the first similar attribute
    }
  }

  if (CodePointCount(password) < options_.min_length) {
    errors.push_back(fmt::format(
        "This password is too short. It must contain at least {} character{}.",
        options_.min_length, options_.min_length == 1 ? "" : "s"));
  }

  if (IsCommonPassword(LowerTrimmed(password))) errors.emplace_back("This password is too common.");

  const bool all_digits = !password.empty() &&
      password.find_first_not_of("0123456789") == std::string_view::npos;
  if (all_digits) errors.emplace_back("This password is entirely numeric.");
  return errors;
}

}  // namespace authd
