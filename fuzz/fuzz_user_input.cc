// Username, email and password validation, as registration and password changes apply them.
// The input is "username \n password \n email"; the password is checked against the others
// by the similarity validator too. As in the server, only valid UTF-8 reaches the validators
// (the body decoder refuses the rest).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "split_input.h"
#include "passwords/password_policy.h"
#include "users/user_rules.h"
#include "util/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const authd::PasswordPolicy policy(authd::PasswordPolicyOptions{});
  if (!authd::IsValidUtf8(std::string_view(reinterpret_cast<const char*>(data), size))) return 0;
  const auto [username, password, email] = SplitInput<3>(data, size);
  (void)authd::CheckUsername(username);
  (void)authd::CheckEmail(email);
  (void)policy.Validate(password, {.username = username, .first_name = email,
                                   .last_name = username, .email = email});
  return 0;
}
