// A Django project's PostgreSQL database, read through one libpq connection. Times come out
// as microseconds since the epoch computed by the server, so no time zone text is parsed.
#include <fmt/format.h>

#include "django_import/django_source_backends.h"
#include "store/postgres/pg_connection.h"

namespace authd {
namespace {

using pg::Params;

class PgDjangoSource final : public DjangoSource {
 public:
  explicit PgDjangoSource(std::unique_ptr<pg::Connection> conn) : conn_(std::move(conn)) {}

  StatusOr<std::vector<User>> Users() override {
    auto r = conn_->Run(
        "SELECT id, username, password, email, first_name, last_name, is_active, is_staff, "
        "is_superuser, (EXTRACT(EPOCH FROM date_joined) * 1000000)::bigint, "
        "(EXTRACT(EPOCH FROM last_login) * 1000000)::bigint FROM auth_user ORDER BY id",
        Params(), "read auth_user");
    if (!r.ok()) return r.status();
    std::vector<User> users;
    for (int i = 0; i < r->rows(); ++i) {
      users.push_back(User{.id = r->Int(i, 0), .username = r->Text(i, 1),
                           .password_hash = r->Text(i, 2), .email = r->Text(i, 3),
                           .first_name = r->Text(i, 4), .last_name = r->Text(i, 5),
                           .is_active = r->Bool(i, 6), .is_staff = r->Bool(i, 7),
                           .is_superuser = r->Bool(i, 8), .date_joined_us = r->Int(i, 9),
                           .last_login_us = r->OptionalInt(i, 10)});
    }
    return users;
  }

  StatusOr<std::vector<DjangoToken>> Tokens() override {
    auto exists = HasTable("token_blacklist_outstandingtoken");
    if (!exists.ok()) return exists.status();
    if (!*exists) return std::vector<DjangoToken>{};
    auto r = conn_->Run(
        "SELECT o.jti, o.user_id, COALESCE(EXTRACT(EPOCH FROM o.created_at)::bigint, 0), "
        "EXTRACT(EPOCH FROM o.expires_at)::bigint, EXTRACT(EPOCH FROM b.blacklisted_at)::bigint "
        "FROM token_blacklist_outstandingtoken o "
        "LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id ORDER BY o.id",
        Params(), "read token_blacklist_outstandingtoken");
    if (!r.ok()) return r.status();
    std::vector<DjangoToken> tokens;
    for (int i = 0; i < r->rows(); ++i) {
      tokens.push_back(DjangoToken{.jti = r->Text(i, 0), .user_id = r->OptionalInt(i, 1),
                                   .created_at = r->Int(i, 2), .expires_at = r->Int(i, 3),
                                   .blacklisted_at = r->OptionalInt(i, 4)});
    }
    return tokens;
  }

  StatusOr<bool> HasTable(const char* name) {
    auto r = conn_->Run("SELECT to_regclass($1) IS NOT NULL", Params().Add(name), "look up table");
    if (!r.ok()) return r.status();
    return r->Bool(0, 0);
  }

 private:
  std::unique_ptr<pg::Connection> conn_;
};

}  // namespace

StatusOr<std::unique_ptr<DjangoSource>> OpenPgDjangoSource(const std::string& url) {
  auto conn = pg::Connection::Open(url);
  if (!conn.ok()) return conn.status();
  auto source = std::make_unique<PgDjangoSource>(std::move(conn).value());
  auto has_users = source->HasTable("auth_user");
  if (!has_users.ok()) return has_users.status();
  if (!*has_users) return InvalidArgument("no auth_user table: not a Django database");
  return std::unique_ptr<DjangoSource>(std::move(source));
}

}  // namespace authd
