// Username, email and password validation, as registration and password changes apply them.
// The input is "username \n password \n email"; the password is checked against the others
// by the similarity validator too. As in the server, only valid UTF-8 reaches the validators
// (the body decoder refuses the rest).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "passwords/password_policy.h"
#include "users/user_rules.h"
#include "util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const authd::PasswordPolicy policy(authd::PasswordPolicyOptions{});
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  if (!authd::IsValidUtf8(rest)) return 0;
  std::string_view parts[3];
  for (int i = 0; i < 2; ++i) {
    const size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) break;
    parts[i] = rest.substr(0, newline);
    rest.remove_prefix(newline + 1);
  }
  parts[2] = rest;
  const auto [username, password, email] = parts;
  (void)authd::CheckUsername(username);
  (void)authd::CheckEmail(email);
  (void)policy.Validate(password, {.username = username, .first_name = email,
                                   .last_name = username, .email = email});
  return 0;
}
