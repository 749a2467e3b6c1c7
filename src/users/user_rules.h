// Django's rules for user fields, with Django's messages. Each check returns the message for
// the first rule broken, or nullopt when the value is acceptable.
// REQUIRES: inputs are valid UTF-8.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd {

inline constexpr size_t kUsernameMaxLength = 150;
inline constexpr size_t kNameMaxLength = 150;
inline constexpr size_t kEmailMaxLength = 254;

// UnicodeUsernameValidator: letters, digits and @ . + - _ (Unicode letters allowed).
std::optional<std::string> CheckUsername(std::string_view username);

// EmailValidator, for a non-empty address.
std::optional<std::string> CheckEmail(std::string_view email);

}  // namespace authd
