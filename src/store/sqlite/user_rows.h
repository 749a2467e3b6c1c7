// The users table's columns, and reading one row of them, shared by every SQLite query that
// returns a user (the user store's own, and the token store's refresh lookup).
#pragma once

#include "store/sqlite/connection.h"
#include "users/user.h"

namespace authd::sqlite {

#define AUTHD_USER_COLUMNS                                                                  \
  "id, username, password, email, first_name, last_name, is_active, is_staff, is_superuser, " \
  "date_joined, last_login, tokens_valid_after, email_verified"

// Reads AUTHD_USER_COLUMNS starting at column `first`.
inline User ReadUser(const Statement& q, int first = 0) {
  User u;
  u.id = q.Int(first + 0);
  u.username = q.Text(first + 1);
  u.password_hash = q.Text(first + 2);
  u.email = q.Text(first + 3);
  u.first_name = q.Text(first + 4);
  u.last_name = q.Text(first + 5);
  u.is_active = q.Int(first + 6) != 0;
  u.is_staff = q.Int(first + 7) != 0;
  u.is_superuser = q.Int(first + 8) != 0;
  u.date_joined_us = q.Int(first + 9);
  u.last_login_us = q.OptionalInt(first + 10);
  u.tokens_valid_after = q.Int(first + 11);
  u.email_verified = q.Int(first + 12) != 0;
  return u;
}

}  // namespace authd::sqlite
