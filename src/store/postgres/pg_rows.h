// Row reading and the one-statement change helper shared by the PostgreSQL stores.
#pragma once

#include "store/postgres/pg_pool.h"
#include "store/token_store.h"
#include "users/user.h"

namespace authd::pg {

#define AUTHD_PG_USER_COLUMNS                                                               \
  "id, username, password, email, first_name, last_name, is_active, is_staff, is_superuser, " \
  "date_joined, last_login, tokens_valid_after, email_verified"

// Reads AUTHD_PG_USER_COLUMNS of `row`, starting at column `first`.
inline User ReadUser(const Result& r, int row, int first = 0) {
  User u;
  u.id = r.Int(row, first + 0);
  u.username = r.Text(row, first + 1);
  u.password_hash = r.Text(row, first + 2);
  u.email = r.Text(row, first + 3);
  u.first_name = r.Text(row, first + 4);
  u.last_name = r.Text(row, first + 5);
  u.is_active = r.Bool(row, first + 6);
  u.is_staff = r.Bool(row, first + 7);
  u.is_superuser = r.Bool(row, first + 8);
  u.date_joined_us = r.Int(row, first + 9);
  u.last_login_us = r.OptionalInt(row, first + 10);
  u.tokens_valid_after = r.Int(row, first + 11);
  u.email_verified = r.Bool(row, first + 12);
  return u;
}

// Runs one statement that changes rows (`sql` static) on a pooled connection; the number of
// rows changed.
inline StatusOr<int> Change(Pool& pool, const char* sql, const Params& params,
                            std::string_view what) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(sql, params, what);
  if (!r.ok()) return r.status();
  return r->Affected();
}

}  // namespace authd::pg
