#include "store/sqlite/sqlite_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite/data_version_feed.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_audit_store.h"
#include "store/sqlite/sqlite_mail_store.h"
#include "store/sqlite/sqlite_oidc_store.h"
#include "store/sqlite/user_rows.h"
#include "util/clock.h"

namespace authd::sqlite {
namespace {

constexpr const char* kUserColumns = AUTHD_USER_COLUMNS;

// Runs a one-row SELECT of kUserColumns bound by `bind`.
template <typename BindFn>
StatusOr<User> FindOne(ConnectionPool& pool, const char* sql, BindFn bind) {
  auto conn = pool.Acquire();
  auto stmt = conn->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  bind(q);
  int rc = q.Step();
  if (rc == SQLITE_ROW) return ReadUser(q);
  if (rc == SQLITE_DONE) return NotFound("no such user");
  return conn->Error(rc, "find user");
}

// Runs an UPDATE of one user; NotFound when no row changed.
template <typename BindFn>
Status UpdateOne(ConnectionPool& pool, const char* sql, BindFn bind) {
  auto changed = Change(pool, sql, "update user", bind);
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return NotFound("no such user");
  return Status::Ok();
}

}  // namespace

StatusOr<User> SqliteUserStore::Create(const NewUser& nu, const Effects& effects) {
  static const std::string sql =
      std::string("INSERT INTO users(username, password, email, first_name, last_name, "
                  "is_active, is_staff, is_superuser, date_joined, email_verified) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING ") + kUserColumns;
  auto conn = pool_.Acquire();
  // Alone, the INSERT is its own transaction; with effects, one transaction holds them all.
  std::optional<Transaction> tx;
  if (!effects.mail.empty() || !effects.events.empty() || effects.identity) {
    auto begun = Transaction::Begin(*conn);
    if (!begun.ok()) return begun.status();
    tx.emplace(std::move(begun).value());
  }
  auto stmt = conn->Prepare(sql.c_str());
  if (!stmt.ok()) return stmt.status();
  User u;
  {
    Statement q(*stmt);
    q.Bind(1, nu.username).Bind(2, nu.password_hash).Bind(3, nu.email).Bind(4, nu.first_name);
    q.Bind(5, nu.last_name).Bind(6, int64_t{nu.is_active}).Bind(7, int64_t{nu.is_staff});
    q.Bind(8, int64_t{nu.is_superuser}).Bind(9, nu.date_joined_us);
    q.Bind(10, int64_t{nu.email_verified});
    int rc = q.Step();
    if (rc != SQLITE_ROW) {
      Status s = conn->Error(rc, "create user");
      if (s.code() == StatusCode::kAlreadyExists) return AlreadyExists("username is taken");
      return s;
    }
    u = ReadUser(q);
    // Finish the statement so the implicit transaction commits before we report success.
    rc = q.Step();
    if (rc != SQLITE_DONE) return conn->Error(rc, "create user");
  }
  if (effects.identity) {
    OidcIdentity identity = *effects.identity;
    identity.user_id = u.id;
    AUTHD_RETURN_IF_ERROR(LinkIdentityOn(*conn, identity).status());
  }
  for (OutboxMessage m : effects.mail) {
    m.user_id = u.id;
    AUTHD_RETURN_IF_ERROR(EnqueueOn(*conn, m));
  }
  for (AuditEvent e : effects.events) {
    e.subject_user_id = u.id;
    AUTHD_RETURN_IF_ERROR(AppendEventOn(*conn, e).status());
  }
  if (tx) AUTHD_RETURN_IF_ERROR(tx->Commit());
  return u;
}

Status SqliteUserStore::Import(const User& u) {
  // AUTOINCREMENT keeps its high-water mark in sqlite_sequence, which an explicit id raises:
  // later registrations get ids above the imported ones by themselves.
  return Change(pool_,
                "INSERT INTO users(id, username, password, email, first_name, last_name, "
                "is_active, is_staff, is_superuser, date_joined, last_login, email_verified) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                "import user",
                [&](Statement& q) {
                  q.Bind(1, u.id).Bind(2, u.username).Bind(3, u.password_hash).Bind(4, u.email);
                  q.Bind(5, u.first_name).Bind(6, u.last_name).Bind(7, int64_t{u.is_active});
                  q.Bind(8, int64_t{u.is_staff}).Bind(9, int64_t{u.is_superuser});
                  q.Bind(10, u.date_joined_us).Bind(11, u.last_login_us);
                  q.Bind(12, int64_t{u.email_verified});
                })
      .status();
}

StatusOr<User> SqliteUserStore::FindById(int64_t id) {
  static const std::string sql = std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?";
  return FindOne(pool_, sql.c_str(), [&](Statement& q) { q.Bind(1, id); });
}

StatusOr<User> SqliteUserStore::FindByUsername(std::string_view username) {
  static const std::string sql =
      std::string("SELECT ") + kUserColumns + " FROM users WHERE username = ?";
  return FindOne(pool_, sql.c_str(), [&](Statement& q) { q.Bind(1, username); });
}

StatusOr<std::vector<User>> SqliteUserStore::FindByEmail(std::string_view email) {
  // SQLite's lower() folds ASCII only, as its LIKE does; PostgreSQL's folds all of Unicode.
  static const std::string sql = std::string("SELECT ") + kUserColumns +
                                 " FROM users WHERE lower(email) = lower(?) AND email <> ''"
                                 " ORDER BY id";
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(sql.c_str());
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, email);
  std::vector<User> found;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) found.push_back(ReadUser(q));
  if (rc != SQLITE_DONE) return conn->Error(rc, "find users by email");
  return found;
}

StatusOr<std::vector<std::string>> SqliteUserStore::SharedVerifiedEmails(int limit) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT lower(email) || ': ' || group_concat(username, ', ') FROM "
      "(SELECT email, username FROM users WHERE email_verified AND email <> '' ORDER BY id) "
      "GROUP BY lower(email) HAVING COUNT(*) > 1 ORDER BY 1 LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, int64_t{limit});
  std::vector<std::string> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(q.Text(0));
  if (rc != SQLITE_DONE) return conn->Error(rc, "find shared emails");
  return out;
}

Status SqliteUserStore::SetPasswordHash(int64_t id, std::string_view hash) {
  return UpdateOne(pool_, "UPDATE users SET password = ? WHERE id = ?",
                   [&](Statement& q) { q.Bind(1, hash).Bind(2, id); });
}

Status SqliteUserStore::SetLastLogin(int64_t id, int64_t micros) {
  return UpdateOne(pool_, "UPDATE users SET last_login = ? WHERE id = ?",
                   [&](Statement& q) { q.Bind(1, micros).Bind(2, id); });
}

StatusOr<User> SqliteUserStore::Update(int64_t id, const UserUpdate& u) {
  // One statement for every combination: an unset member binds NULL and keeps the column.
  static const std::string sql = std::string(
      "UPDATE users SET email = COALESCE(?, email), first_name = COALESCE(?, first_name), "
      "last_name = COALESCE(?, last_name), is_active = COALESCE(?, is_active), "
      "is_staff = COALESCE(?, is_staff), password = COALESCE(?, password), "
      "email_verified = COALESCE(?, email_verified) "
      "WHERE id = ? RETURNING ") + kUserColumns;
  auto flag = [](std::optional<bool> v) -> std::optional<int64_t> {
    if (v) return int64_t{*v};
    return std::nullopt;
  };
  auto conn = pool_.Acquire();
  std::optional<Transaction> tx;
  if (u.spend_token || !u.mail.empty() || !u.events.empty()) {
    auto begun = Transaction::Begin(*conn);
    if (!begun.ok()) return begun.status();
    tx.emplace(std::move(begun).value());
  }
  if (u.spend_token) AUTHD_RETURN_IF_ERROR(SpendTokenOn(*conn, *u.spend_token, id));
  auto stmt = conn->Prepare(sql.c_str());
  if (!stmt.ok()) return stmt.status();
  User user;
  {
    Statement q(*stmt);
    q.BindText(1, u.email).BindText(2, u.first_name).BindText(3, u.last_name);
    q.Bind(4, flag(u.is_active)).Bind(5, flag(u.is_staff)).BindText(6, u.password_hash);
    q.Bind(7, flag(u.email_verified)).Bind(8, id);
    int rc = q.Step();
    if (rc == SQLITE_DONE) return NotFound("no such user");
    if (rc != SQLITE_ROW) return conn->Error(rc, "update user");
    user = ReadUser(q);
    rc = q.Step();  // finish, so the change commits before we answer
    if (rc != SQLITE_DONE) return conn->Error(rc, "update user");
  }
  for (const OutboxMessage& m : u.mail) AUTHD_RETURN_IF_ERROR(EnqueueOn(*conn, m));
  for (const AuditEvent& e : u.events) AUTHD_RETURN_IF_ERROR(AppendEventOn(*conn, e).status());
  if (tx) AUTHD_RETURN_IF_ERROR(tx->Commit());
  return user;
}

Status SqliteUserStore::Delete(int64_t id, const std::vector<AuditEvent>& events) {
  if (events.empty()) {
    return UpdateOne(pool_, "DELETE FROM users WHERE id = ?", [&](Statement& q) { q.Bind(1, id); });
  }
  auto conn = pool_.Acquire();
  auto tx = Transaction::Begin(*conn);
  if (!tx.ok()) return tx.status();
  auto stmt = conn->Prepare("DELETE FROM users WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  {
    Statement q(*stmt);
    q.Bind(1, id);
    if (int rc = q.Step(); rc != SQLITE_DONE) return conn->Error(rc, "delete user");
    if (conn->Changes() == 0) return NotFound("no such user");
  }
  for (const AuditEvent& e : events) AUTHD_RETURN_IF_ERROR(AppendEventOn(*conn, e).status());
  return tx->Commit();
}

StatusOr<int64_t> SqliteUserStore::CountActiveSuperusers() {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT COUNT(*) FROM users WHERE is_active AND is_superuser");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  const int rc = q.Step();
  if (rc != SQLITE_ROW) return conn->Error(rc, "count superusers");
  return q.Int(0);
}

StatusOr<UserPage> SqliteUserStore::List(const UserQuery& query) {
  // The WHERE clause has one condition per search term, so this SQL is built per call.
  std::string where;
  for (size_t i = 0; i < query.search_terms.size(); ++i) {
    where += i == 0 ? " WHERE " : " AND ";
    where += "(username LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\')";
  }
  auto like = [](std::string_view term) {
    std::string p = "%";
    for (char c : term) {
      if (c == '%' || c == '_' || c == '\\') p += '\\';
      p += c;
    }
    return p + "%";
  };
  auto bind_terms = [&](Statement& q) {
    int i = 1;
    for (const auto& term : query.search_terms) {
      const std::string pattern = like(term);
      q.Bind(i, pattern).Bind(i + 1, pattern);
      i += 2;
    }
    return i;
  };

  auto conn = pool_.Acquire();
  UserPage page;
  {
    auto stmt = conn->PrepareOnce("SELECT COUNT(*) FROM users" + where);
    if (!stmt.ok()) return stmt.status();
    Statement q(stmt->get());
    bind_terms(q);
    int rc = q.Step();
    if (rc != SQLITE_ROW) return conn->Error(rc, "count users");
    page.count = q.Int(0);
  }
  auto stmt = conn->PrepareOnce(std::string("SELECT ") + kUserColumns + " FROM users" + where +
                                UserOrderBy(query) + " LIMIT ? OFFSET ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(stmt->get());
  int next = bind_terms(q);
  q.Bind(next, query.limit).Bind(next + 1, query.offset);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) page.users.push_back(ReadUser(q));
  if (rc != SQLITE_DONE) return conn->Error(rc, "list users");
  return page;
}

StatusOr<std::string> SqliteSecretStore::GetOrCreate(std::string_view name,
                                                     const std::function<std::string()>& make) {
  auto conn = pool_.Acquire();
  // The stored value; NotFound when there is none yet.
  auto read = [&]() -> StatusOr<std::string> {
    auto stmt = conn->Prepare("SELECT value FROM secrets WHERE name = ?");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, name);
    int rc = q.Step();
    if (rc == SQLITE_ROW) return q.Text(0);
    if (rc == SQLITE_DONE) return NotFound("no such secret");
    return conn->Error(rc, "read secret");
  };
  auto existing = read();
  if (existing.status().code() != StatusCode::kNotFound) return existing;
  {
    // INSERT OR IGNORE, then read back: whoever inserted first wins, for every caller.
    auto stmt = conn->Prepare(
        "INSERT OR IGNORE INTO secrets(name, value, created_at) VALUES (?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, name).Bind(2, make()).Bind(3, SystemClock().NowMicros());
    int rc = q.Step();
    if (rc != SQLITE_DONE) return conn->Error(rc, "store secret");
  }
  return read();
}

namespace {

// Makes sure the database file exists before SQLite opens it, created 0600 whatever the
// umask: it holds the signing key and every password hash. SQLite gives the -wal and -shm
// files the database file's own permissions. In-memory and URI names are left to SQLite.
Status PrepareFile(const std::string& path, bool create) {
  if (path == ":memory:" || path.starts_with("file:")) return Status::Ok();
  if (!create) {
    if (::access(path.c_str(), F_OK) == 0) return Status::Ok();
    return NotFound(fmt::format(
        "the SQLite database '{}' does not exist (run `authd migrate` to create it, or check "
        "AUTHD_DATABASE_URL and the working directory)",
        path));
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    ::close(fd);
    return Status::Ok();
  }
  if (errno == EEXIST) return Status::Ok();
  const int err = errno;
  const char* hint = err == ENOENT  ? " (its directory does not exist)"
                     : err == EACCES ? " (its directory is not writable by this user)"
                                     : "";
  return Unavailable(
      fmt::format("cannot open SQLite database '{}': {}{}", path, std::strerror(err), hint));
}

}  // namespace

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path,
                                                         const StoreOptions& options) {
  AUTHD_RETURN_IF_ERROR(PrepareFile(path, options.create_if_missing));
  auto pool = ConnectionPool::Open(path, options.pool_size, options.busy_timeout_ms);
  if (!pool.ok()) return pool.status();
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(pool).value()));
}

Status SqliteStore::Migrate() {
  auto conn = pool_->Acquire();
  return ApplyMigrations(*conn);
}

StatusOr<int> SqliteStore::SchemaVersion() {
  auto conn = pool_->Acquire();
  return AppliedVersion(*conn);
}

std::unique_ptr<ChangeFeed> SqliteStore::OpenChangeFeed() {
  return OpenDataVersionFeed(pool_->path(), pool_->busy_timeout_ms());
}

}  // namespace authd::sqlite
