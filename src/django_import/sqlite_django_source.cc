// A Django project's SQLite database, opened read-only with the plain C API: authd's own
// sqlite::Connection would switch the file to WAL, and an import must leave the source alone.
#include <sqlite3.h>

#include <filesystem>
#include <fmt/format.h>

#include "django_import/django_source_backends.h"
#include "store/sqlite/connection.h"

namespace authd {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;
// Rows are read through authd's statement handle (Int, Text, OptionalInt); the statement itself
// is owned here, since this connection is not one of authd's.
using sqlite::Statement;

class SqliteDjangoSource final : public DjangoSource {
 public:
  SqliteDjangoSource(Db db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  StatusOr<std::vector<User>> Users() override {
    auto stmt = Prepare(
        "SELECT id, username, password, email, first_name, last_name, is_active, is_staff, "
        "is_superuser, date_joined, last_login FROM auth_user ORDER BY id");
    if (!stmt.ok()) return stmt.status();
    std::vector<User> users;
    Statement q(stmt->get());
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      User u{.id = q.Int(0), .username = q.Text(1), .password_hash = q.Text(2),
             .email = q.Text(3), .first_name = q.Text(4), .last_name = q.Text(5),
             .is_active = q.Int(6) != 0, .is_staff = q.Int(7) != 0,
             .is_superuser = q.Int(8) != 0};
      auto joined = ParseDjangoDateTime(q.Text(9));
      if (!joined) return Bad("auth_user", u.id, "date_joined", q.Text(9));
      u.date_joined_us = *joined;
      if (!q.IsNull(10)) {
        u.last_login_us = ParseDjangoDateTime(q.Text(10));
        if (!u.last_login_us) return Bad("auth_user", u.id, "last_login", q.Text(10));
      }
      users.push_back(std::move(u));
    }
    if (rc != SQLITE_DONE) return Error("read auth_user");
    return users;
  }

  StatusOr<std::vector<DjangoToken>> Tokens() override {
    if (!HasTable("token_blacklist_outstandingtoken")) return std::vector<DjangoToken>{};
    auto stmt = Prepare(
        "SELECT o.id, o.jti, o.user_id, o.created_at, o.expires_at, b.blacklisted_at "
        "FROM token_blacklist_outstandingtoken o "
        "LEFT JOIN token_blacklist_blacklistedtoken b ON b.token_id = o.id ORDER BY o.id");
    if (!stmt.ok()) return stmt.status();
    std::vector<DjangoToken> tokens;
    Statement q(stmt->get());
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      const int64_t row = q.Int(0);
      DjangoToken t{.jti = q.Text(1), .user_id = q.OptionalInt(2)};
      // created_at is nullable in simplejwt's model; expiry is what matters.
      if (auto created = ParseDjangoDateTime(q.Text(3))) t.created_at = *created / 1'000'000;
      auto expires = ParseDjangoDateTime(q.Text(4));
      if (!expires) return Bad("token_blacklist_outstandingtoken", row, "expires_at", q.Text(4));
      t.expires_at = *expires / 1'000'000;
      if (!q.IsNull(5)) {
        auto at = ParseDjangoDateTime(q.Text(5));
        if (!at) return Bad("token_blacklist_blacklistedtoken", row, "blacklisted_at", q.Text(5));
        t.blacklisted_at = *at / 1'000'000;
      }
      tokens.push_back(std::move(t));
    }
    if (rc != SQLITE_DONE) return Error("read token_blacklist_outstandingtoken");
    return tokens;
  }

  bool HasTable(const char* name) {
    auto stmt = Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    if (!stmt.ok()) return false;
    sqlite3_bind_text(stmt->get(), 1, name, -1, SQLITE_STATIC);
    return sqlite3_step(stmt->get()) == SQLITE_ROW;
  }

 private:
  StatusOr<Stmt> Prepare(const char* sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql, -1, &raw, nullptr) != SQLITE_OK) {
      return Error("read the Django database");
    }
    return Stmt(raw);
  }
  Status Error(std::string_view what) const {
    return Unavailable(fmt::format("{}: {}: {}", path_, what, sqlite3_errmsg(db_.get())));
  }
  Status Bad(std::string_view table, int64_t id, std::string_view column,
             std::string_view value) const {
    return InvalidArgument(fmt::format("{}: {} row {}: {} '{}' is not a date and time", path_,
                                       table, id, column, value));
  }

  Db db_;
  std::string path_;
};

}  // namespace

StatusOr<std::unique_ptr<DjangoSource>> OpenSqliteDjangoSource(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return NotFound(fmt::format("{}: no such database file", path));
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return Unavailable(fmt::format("{}: {}", path, raw ? sqlite3_errmsg(raw) : "cannot open"));
  }
  sqlite3_busy_timeout(db.get(), 5000);  // Django may be writing while we read
  auto source = std::make_unique<SqliteDjangoSource>(std::move(db), path);
  if (!source->HasTable("auth_user")) {
    return InvalidArgument(fmt::format("{}: no auth_user table: not a Django database", path));
  }
  return std::unique_ptr<DjangoSource>(std::move(source));
}

}  // namespace authd
