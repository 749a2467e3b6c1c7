// A user account, with Django's auth_user fields.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace authd {

struct User {
  int64_t id = 0;
  std::string username;
  std::string password_hash;  // never leaves the process in an answer or a log line
  std::string email;
  // The owner followed a link mailed to `email` (or the account came from Django, or predates
  // verification: both count as verified).
  bool email_verified = false;
  std::string first_name;
  std::string last_name;
  bool is_active = true;
  bool is_staff = false;
  bool is_superuser = false;
  int64_t date_joined_us = 0;             // microseconds since the epoch, UTC
  std::optional<int64_t> last_login_us;   // unset until the first login
  // Seconds since the epoch. Every token of this user issued before it is refused, whether
  // authd recorded it or not: set by "end every session" (log out everywhere, a password
  // change, a deactivation, an administrator's revoke).
  int64_t tokens_valid_after = 0;
};

// What a new account is made of; the store assigns the id.
struct NewUser {
  std::string username;
  std::string password_hash;
  std::string email;
  std::string first_name;
  std::string last_name;
  bool is_active = true;
  bool is_staff = false;
  bool is_superuser = false;
  bool email_verified = false;  // an OpenID provider vouched for the address
  int64_t date_joined_us = 0;
};

}  // namespace authd
