// PgTokenStore: the refresh_tokens table on PostgreSQL.
#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_store.h"

namespace authd::pg {
namespace {

#define AUTHD_PG_TOKEN_COLUMNS                                                               \
  "jti, user_id, family, issued_at, expires_at, last_used_at, user_agent, client_address, " \
  "rotated_at, replaced_by, revoked_at, revoke_reason"

constexpr int kTokenColumnCount = 12;

RefreshTokenRecord ReadRecord(const Result& r, int row) {
  RefreshTokenRecord t;
  t.jti = r.Text(row, 0);
  t.user_id = r.Int(row, 1);
  t.family = r.Text(row, 2);
  t.issued_at = r.Int(row, 3);
  t.expires_at = r.Int(row, 4);
  t.last_used_at = r.OptionalInt(row, 5);
  t.user_agent = r.Text(row, 6);
  t.client_address = r.Text(row, 7);
  t.rotated_at = r.OptionalInt(row, 8);
  t.replaced_by = r.Text(row, 9);
  t.revoked_at = r.OptionalInt(row, 10);
  t.revoke_reason = r.Text(row, 11);
  return t;
}

Status InsertOn(Connection& conn, const RefreshTokenRecord& t) {
  auto r = conn.Run("INSERT INTO refresh_tokens(" AUTHD_PG_TOKEN_COLUMNS
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                    Params().Add(t.jti).Add(t.user_id).Add(t.family).Add(t.issued_at)
                        .Add(t.expires_at).Add(t.last_used_at).Add(t.user_agent)
                        .Add(t.client_address).Add(t.rotated_at).Add(t.replaced_by)
                        .Add(t.revoked_at).Add(t.revoke_reason),
                    "record refresh token");
  return r.ok() ? Status::Ok() : r.status();
}

}  // namespace

Status PgTokenStore::Insert(const RefreshTokenRecord& record,
                            const std::vector<AuditEvent>& events) {
  if (events.empty()) {
    auto conn = pool_.Acquire();
    if (!conn.ok()) return conn.status();
    return InsertOn(**conn, record);
  }
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           AUTHD_RETURN_IF_ERROR(InsertOn(conn, record));
           return true;
         })
      .status();
}

StatusOr<RefreshTokenRecord> PgTokenStore::Find(std::string_view jti) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_PG_TOKEN_COLUMNS " FROM refresh_tokens WHERE jti = $1",
                        Params().Add(jti), "find refresh token");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such refresh token");
  return ReadRecord(*r, 0);
}

StatusOr<RefreshLookup> PgTokenStore::FindForRefresh(std::string_view jti, int64_t user_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  // One row whatever exists, as in SQLite: each side NULL when missing.
  auto r = (*conn)->Run("SELECT " AUTHD_PG_TOKEN_COLUMNS ", " AUTHD_PG_USER_COLUMNS
                        " FROM (SELECT 1) AS one LEFT JOIN refresh_tokens ON jti = $1"
                        " LEFT JOIN users ON id = $2",
                        Params().Add(jti).Add(user_id), "find refresh token and user");
  if (!r.ok()) return r.status();
  RefreshLookup found;
  if (!r->IsNull(0, 0)) found.record = ReadRecord(*r, 0);
  if (!r->IsNull(0, kTokenColumnCount)) found.owner = ReadUser(*r, 0, kTokenColumnCount);
  return found;
}

StatusOr<bool> PgTokenStore::Rotate(std::string_view jti, int64_t now,
                                    const RefreshTokenRecord& successor) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  // Under READ COMMITTED a concurrent rotation of the same row waits for ours to commit, then
  // re-checks the condition on the new row version and changes nothing: one winner.
  auto r = (*conn)->Run(
      "UPDATE refresh_tokens SET rotated_at = $1, replaced_by = $2, last_used_at = $1 "
      "WHERE jti = $3 AND rotated_at IS NULL AND revoked_at IS NULL",
      Params().Add(now).Add(successor.jti).Add(jti), "rotate refresh token");
  if (!r.ok()) return r.status();
  if (r->Affected() != 1) return false;  // the transaction rolls back: nothing was changed
  AUTHD_RETURN_IF_ERROR(InsertOn(**conn, successor));
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return true;
}

Status PgTokenStore::Touch(std::string_view jti, int64_t now) {
  return Change(pool_, "UPDATE refresh_tokens SET last_used_at = $1 WHERE jti = $2",
                Params().Add(now).Add(jti), "touch refresh token")
      .status();
}

StatusOr<int> PgTokenStore::RevokeFamily(std::string_view family, int64_t now,
                                         std::string_view reason,
                                         const std::vector<AuditEvent>& events) {
  int revoked = 0;
  auto done = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run("UPDATE refresh_tokens SET revoked_at = $1, revoke_reason = $2 "
                      "WHERE family = $3 AND revoked_at IS NULL",
                      Params().Add(now).Add(reason).Add(family), "revoke token family");
    if (!r.ok()) return r.status();
    revoked = r->Affected();
    return true;
  });
  if (!done.ok()) return done.status();
  return revoked;
}

StatusOr<int> PgTokenStore::RevokeUser(int64_t user_id, int64_t now, std::string_view reason,
                                       const std::vector<AuditEvent>& events) {
  // One transaction: the user's cutoff, the records and the events move together.
  int revoked = 0;
  auto done = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run("WITH cutoff AS (UPDATE users SET tokens_valid_after = "
                      "GREATEST(tokens_valid_after, $1) WHERE id = $3) "
                      "UPDATE refresh_tokens SET revoked_at = $1, revoke_reason = $2 "
                      "WHERE user_id = $3 AND revoked_at IS NULL",
                      Params().Add(now).Add(reason).Add(user_id), "revoke user tokens");
    if (!r.ok()) return r.status();
    revoked = r->Affected();
    return true;
  });
  if (!done.ok()) return done.status();
  return revoked;
}

StatusOr<std::vector<RefreshTokenRecord>> PgTokenStore::ListLive(int64_t user_id, int64_t now) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_PG_TOKEN_COLUMNS " FROM refresh_tokens WHERE user_id = $1"
                        " AND rotated_at IS NULL AND revoked_at IS NULL AND expires_at > $2"
                        " ORDER BY issued_at DESC, jti",
                        Params().Add(user_id).Add(now), "list refresh tokens");
  if (!r.ok()) return r.status();
  std::vector<RefreshTokenRecord> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadRecord(*r, i));
  return out;
}

StatusOr<int64_t> PgTokenStore::CountLive(int64_t now) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT COUNT(*) FROM refresh_tokens WHERE expires_at > $1 AND "
                        "rotated_at IS NULL AND revoked_at IS NULL",
                        Params().Add(now), "count sessions");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

StatusOr<int> PgTokenStore::DeleteExpired(int64_t before) {
  return Change(pool_, "DELETE FROM refresh_tokens WHERE expires_at < $1", Params().Add(before),
                "delete expired refresh tokens");
}

}  // namespace authd::pg
