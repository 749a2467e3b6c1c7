#include "store/postgres/pg_store.h"

#include "store/postgres/pg_change_feed.h"
#include "store/postgres/pg_mail_store.h"
#include "store/postgres/pg_oidc_store.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"

namespace authd::pg {
namespace {

StatusOr<User> OneUser(StatusOr<Result> r) {
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such user");
  return ReadUser(*r, 0);
}

// An UPDATE or DELETE of one user; NotFound when no row changed.
Status ChangeOne(Pool& pool, const char* sql, const Params& params, std::string_view what) {
  auto n = Change(pool, sql, params, what);
  if (!n.ok()) return n.status();
  return *n == 0 ? NotFound("no such user") : Status::Ok();
}

}  // namespace

StatusOr<User> PgUserStore::Create(const NewUser& nu, const Effects& effects) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  std::optional<Transaction> tx;
  if (!effects.mail.empty() || !effects.events.empty() || effects.identity) {
    auto begun = Transaction::Begin(**conn);
    if (!begun.ok()) return begun.status();
    tx.emplace(std::move(begun).value());
  }
  auto r = (*conn)->Run(
      "INSERT INTO users(username, password, email, first_name, last_name, is_active, is_staff, "
      "is_superuser, date_joined, email_verified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
      "RETURNING " AUTHD_PG_USER_COLUMNS,
      Params().Add(nu.username).Add(nu.password_hash).Add(nu.email).Add(nu.first_name)
          .Add(nu.last_name).Add(nu.is_active).Add(nu.is_staff).Add(nu.is_superuser)
          .Add(nu.date_joined_us).Add(nu.email_verified),
      "create user");
  if (!r.ok() && r.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("username is taken");
  }
  auto user = OneUser(std::move(r));
  if (!user.ok() || !tx) return user;
  if (effects.identity) {
    OidcIdentity identity = *effects.identity;
    identity.user_id = user->id;
    AUTHD_RETURN_IF_ERROR(LinkIdentityOn(**conn, identity).status());
  }
  for (OutboxMessage m : effects.mail) {
    m.user_id = user->id;
    AUTHD_RETURN_IF_ERROR(EnqueueOn(**conn, m));
  }
  for (AuditEvent e : effects.events) {
    e.subject_user_id = user->id;
    AUTHD_RETURN_IF_ERROR(AppendEventOn(**conn, e).status());
  }
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return user;
}

Status PgUserStore::Import(const User& u) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  AUTHD_RETURN_IF_ERROR((*conn)->Run(
      "INSERT INTO users(id, username, password, email, first_name, last_name, is_active, "
      "is_staff, is_superuser, date_joined, last_login, email_verified) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      Params().Add(u.id).Add(u.username).Add(u.password_hash).Add(u.email).Add(u.first_name)
          .Add(u.last_name).Add(u.is_active).Add(u.is_staff).Add(u.is_superuser)
          .Add(u.date_joined_us).Add(u.last_login_us).Add(u.email_verified),
      "import user").status());
  // An identity column's sequence does not notice explicit ids: move it past them, or the
  // next registration would collide with an imported user.
  AUTHD_RETURN_IF_ERROR((*conn)->Run(
      "SELECT setval(pg_get_serial_sequence('users', 'id'), "
      "GREATEST((SELECT MAX(id) FROM users), 1))",
      Params(), "advance user ids").status());
  return tx->Commit();
}

StatusOr<User> PgUserStore::FindById(int64_t id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return OneUser((*conn)->Run("SELECT " AUTHD_PG_USER_COLUMNS " FROM users WHERE id = $1",
                              Params().Add(id), "find user"));
}

StatusOr<User> PgUserStore::FindByUsername(std::string_view username) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return OneUser((*conn)->Run("SELECT " AUTHD_PG_USER_COLUMNS " FROM users WHERE username = $1",
                              Params().Add(username), "find user"));
}

StatusOr<std::vector<User>> PgUserStore::FindByEmail(std::string_view email) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_PG_USER_COLUMNS
                        " FROM users WHERE lower(email) = lower($1) AND email <> '' ORDER BY id",
                        Params().Add(email), "find users by email");
  if (!r.ok()) return r.status();
  std::vector<User> found;
  for (int i = 0; i < r->rows(); ++i) found.push_back(ReadUser(*r, i));
  return found;
}

StatusOr<std::vector<std::string>> PgUserStore::SharedVerifiedEmails(int limit) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "SELECT lower(email) || ': ' || string_agg(username, ', ' ORDER BY id) FROM users "
      "WHERE email_verified AND email <> '' GROUP BY lower(email) HAVING COUNT(*) > 1 "
      "ORDER BY 1 LIMIT $1",
      Params().Add(int64_t{limit}), "find shared emails");
  if (!r.ok()) return r.status();
  std::vector<std::string> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(r->Text(i, 0));
  return out;
}

Status PgUserStore::SetPasswordHash(int64_t id, std::string_view hash) {
  return ChangeOne(pool_, "UPDATE users SET password = $1 WHERE id = $2",
                   Params().Add(hash).Add(id), "set password");
}

Status PgUserStore::SetLastLogin(int64_t id, int64_t micros) {
  return ChangeOne(pool_, "UPDATE users SET last_login = $1 WHERE id = $2",
                   Params().Add(micros).Add(id), "set last login");
}

StatusOr<User> PgUserStore::Update(int64_t id, const UserUpdate& u) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  std::optional<Transaction> tx;
  if (u.spend_token || !u.mail.empty() || !u.events.empty()) {
    auto begun = Transaction::Begin(**conn);
    if (!begun.ok()) return begun.status();
    tx.emplace(std::move(begun).value());
  }
  if (u.spend_token) AUTHD_RETURN_IF_ERROR(SpendTokenOn(**conn, *u.spend_token, id));
  // As in SQLite: an unset member binds NULL and keeps the column.
  auto user = OneUser((*conn)->Run(
      "UPDATE users SET email = COALESCE($1, email), first_name = COALESCE($2, first_name), "
      "last_name = COALESCE($3, last_name), is_active = COALESCE($4::BOOLEAN, is_active), "
      "is_staff = COALESCE($5::BOOLEAN, is_staff), password = COALESCE($6, password), "
      "email_verified = COALESCE($7::BOOLEAN, email_verified) "
      "WHERE id = $8 RETURNING " AUTHD_PG_USER_COLUMNS,
      Params().Add(u.email).Add(u.first_name).Add(u.last_name).Add(u.is_active).Add(u.is_staff)
          .Add(u.password_hash).Add(u.email_verified).Add(id),
      "update user"));
  if (!user.ok() || !tx) return user;
  for (const OutboxMessage& m : u.mail) AUTHD_RETURN_IF_ERROR(EnqueueOn(**conn, m));
  for (const AuditEvent& e : u.events) AUTHD_RETURN_IF_ERROR(AppendEventOn(**conn, e).status());
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return user;
}

Status PgUserStore::Delete(int64_t id, const std::vector<AuditEvent>& events) {
  if (events.empty()) {
    return ChangeOne(pool_, "DELETE FROM users WHERE id = $1", Params().Add(id), "delete user");
  }
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  auto r = (*conn)->Run("DELETE FROM users WHERE id = $1", Params().Add(id), "delete user");
  if (!r.ok()) return r.status();
  if (r->Affected() == 0) return NotFound("no such user");
  for (const AuditEvent& e : events) AUTHD_RETURN_IF_ERROR(AppendEventOn(**conn, e).status());
  return tx->Commit();
}

StatusOr<int64_t> PgUserStore::CountActiveSuperusers() {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT COUNT(*) FROM users WHERE is_active AND is_superuser", {},
                        "count superusers");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

StatusOr<UserPage> PgUserStore::List(const UserQuery& query) {
  // One condition per search term, so the SQL is built per call. ILIKE is PostgreSQL's
  // case-insensitive LIKE (Django's icontains on PostgreSQL compares UPPER() of both sides).
  std::string where;
  Params params;
  int n = 0;
  for (const auto& term : query.search_terms) {
    std::string pattern = "%";
    for (char c : term) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += '%';
    where += n == 0 ? " WHERE " : " AND ";
    where += "(username ILIKE $" + std::to_string(n + 1) + " ESCAPE '\\' OR email ILIKE $" +
             std::to_string(n + 1) + " ESCAPE '\\')";
    params.Add(pattern);
    ++n;
  }
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto count = (*conn)->RunOnce("SELECT COUNT(*) FROM users" + where, params, "count users");
  if (!count.ok()) return count.status();
  UserPage page;
  page.count = count->Int(0, 0);
  params.Add(query.limit).Add(query.offset);
  auto rows = (*conn)->RunOnce("SELECT " AUTHD_PG_USER_COLUMNS " FROM users" + where +
                                   UserOrderBy(query) + " LIMIT $" + std::to_string(n + 1) + " OFFSET $" +
                                   std::to_string(n + 2),
                               params, "list users");
  if (!rows.ok()) return rows.status();
  for (int i = 0; i < rows->rows(); ++i) page.users.push_back(ReadUser(*rows, i));
  return page;
}

StatusOr<std::string> PgSecretStore::GetOrCreate(std::string_view name,
                                                 const std::function<std::string()>& make) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto read = [&]() -> StatusOr<std::string> {
    auto r = (*conn)->Run("SELECT value FROM secrets WHERE name = $1", Params().Add(name),
                          "read secret");
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return NotFound("no such secret");
    return r->Text(0, 0);
  };
  auto existing = read();
  if (existing.status().code() != StatusCode::kNotFound) return existing;
  // Whoever inserts first wins, on every instance; the others read the winner's value.
  auto inserted = (*conn)->Run(
      "INSERT INTO secrets(name, value, created_at) VALUES ($1, $2, "
      "(EXTRACT(EPOCH FROM clock_timestamp()) * 1000000)::BIGINT) ON CONFLICT (name) DO NOTHING",
      Params().Add(name).Add(make()), "store secret");
  if (!inserted.ok()) return inserted.status();
  return read();
}

std::unique_ptr<PgStore> PgStore::Open(const std::string& conninfo, const StoreOptions& options) {
  return std::unique_ptr<PgStore>(new PgStore(conninfo, std::make_unique<Pool>(
      conninfo, options.pool_size, std::chrono::milliseconds(options.busy_timeout_ms))));
}

std::unique_ptr<ChangeFeed> PgStore::OpenChangeFeed() { return OpenPgChangeFeed(conninfo_); }

Status PgStore::Migrate() {
  auto conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  return ApplyMigrations(**conn);
}

StatusOr<int> PgStore::SchemaVersion() {
  auto conn = pool_->Acquire();
  if (!conn.ok()) return conn.status();
  return AppliedVersion(**conn);
}

}  // namespace authd::pg
