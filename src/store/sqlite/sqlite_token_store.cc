#include "store/sqlite/sqlite_token_store.h"

#include "store/sqlite/sqlite_audit_store.h"

#include "store/sqlite/user_rows.h"

namespace authd::sqlite {
namespace {

#define AUTHD_TOKEN_COLUMNS                                                             \
  "jti, user_id, family, issued_at, expires_at, last_used_at, user_agent, client_address, " \
  "rotated_at, replaced_by, revoked_at, revoke_reason"

constexpr int kTokenColumnCount = 12;

RefreshTokenRecord ReadRecord(const Statement& q) {
  RefreshTokenRecord r;
  r.jti = q.Text(0);
  r.user_id = q.Int(1);
  r.family = q.Text(2);
  r.issued_at = q.Int(3);
  r.expires_at = q.Int(4);
  r.last_used_at = q.OptionalInt(5);
  r.user_agent = q.Text(6);
  r.client_address = q.Text(7);
  r.rotated_at = q.OptionalInt(8);
  r.replaced_by = q.Text(9);
  r.revoked_at = q.OptionalInt(10);
  r.revoke_reason = q.Text(11);
  return r;
}

Status InsertOn(Connection& conn, const RefreshTokenRecord& r) {
  auto stmt = conn.Prepare("INSERT INTO refresh_tokens(" AUTHD_TOKEN_COLUMNS
                           ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, r.jti).Bind(2, r.user_id).Bind(3, r.family).Bind(4, r.issued_at);
  q.Bind(5, r.expires_at).Bind(6, r.last_used_at).Bind(7, r.user_agent);
  q.Bind(8, r.client_address).Bind(9, r.rotated_at).Bind(10, r.replaced_by);
  q.Bind(11, r.revoked_at).Bind(12, r.revoke_reason);
  int rc = q.Step();
  if (rc != SQLITE_DONE) return conn.Error(rc, "record refresh token");
  return Status::Ok();
}

}  // namespace

Status SqliteTokenStore::Insert(const RefreshTokenRecord& record,
                                const std::vector<AuditEvent>& events) {
  if (events.empty()) {
    auto conn = pool_.Acquire();
    return InsertOn(*conn, record);
  }
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           AUTHD_RETURN_IF_ERROR(InsertOn(conn, record));
           return true;
         })
      .status();
}

StatusOr<RefreshTokenRecord> SqliteTokenStore::Find(std::string_view jti) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_TOKEN_COLUMNS " FROM refresh_tokens WHERE jti = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, jti);
  int rc = q.Step();
  if (rc == SQLITE_ROW) return ReadRecord(q);
  if (rc == SQLITE_DONE) return NotFound("no such refresh token");
  return conn->Error(rc, "find refresh token");
}

StatusOr<RefreshLookup> SqliteTokenStore::FindForRefresh(std::string_view jti, int64_t user_id) {
  // One row whatever exists: each side is NULL when missing. The two tables share no column
  // name, so none needs qualifying.
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_TOKEN_COLUMNS ", " AUTHD_USER_COLUMNS
                            " FROM (SELECT 1) LEFT JOIN refresh_tokens ON jti = ?"
                            " LEFT JOIN users ON id = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, jti).Bind(2, user_id);
  int rc = q.Step();
  if (rc != SQLITE_ROW) return conn->Error(rc, "find refresh token and user");
  RefreshLookup found;
  if (!q.IsNull(0)) found.record = ReadRecord(q);
  if (!q.IsNull(kTokenColumnCount)) found.owner = ReadUser(q, kTokenColumnCount);
  return found;
}

StatusOr<bool> SqliteTokenStore::Rotate(std::string_view jti, int64_t now,
                                        const RefreshTokenRecord& successor) {
  bool won = false;
  Status s = rotations_.Run([&](Connection& conn) -> Status {
    // The condition on the row is what makes one rotation win: the others change nothing,
    // whether they race in other transactions or sit in this same batch.
    auto stmt = conn.Prepare(
        "UPDATE refresh_tokens SET rotated_at = ?, replaced_by = ?, last_used_at = ? "
        "WHERE jti = ? AND rotated_at IS NULL AND revoked_at IS NULL");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, now).Bind(2, successor.jti).Bind(3, now).Bind(4, jti);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return conn.Error(rc, "rotate refresh token");
    won = conn.Changes() == 1;
    return won ? InsertOn(conn, successor) : Status::Ok();
  });
  if (!s.ok()) return s;
  return won;
}

Status SqliteTokenStore::Touch(std::string_view jti, int64_t now) {
  auto changed = Change(pool_, "UPDATE refresh_tokens SET last_used_at = ? WHERE jti = ?",
                        "touch refresh token", [&](Statement& q) { q.Bind(1, now).Bind(2, jti); });
  return changed.status();
}

StatusOr<int> SqliteTokenStore::RevokeFamily(std::string_view family, int64_t now,
                                             std::string_view reason,
                                             const std::vector<AuditEvent>& events) {
  int revoked = 0;
  auto done = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto n = ChangeOn(conn,
                      "UPDATE refresh_tokens SET revoked_at = ?, revoke_reason = ? "
                      "WHERE family = ? AND revoked_at IS NULL",
                      "revoke token family",
                      [&](Statement& q) { q.Bind(1, now).Bind(2, reason).Bind(3, family); });
    if (!n.ok()) return n.status();
    revoked = *n;
    return true;
  });
  if (!done.ok()) return done.status();
  return revoked;
}

StatusOr<int> SqliteTokenStore::RevokeUser(int64_t user_id, int64_t now, std::string_view reason,
                                           const std::vector<AuditEvent>& events) {
  // One transaction: the user's cutoff and the records move together.
  int revoked = 0;
  Status s = rotations_.Run([&](Connection& conn) -> Status {
    auto cutoff = conn.Prepare(
        "UPDATE users SET tokens_valid_after = MAX(tokens_valid_after, ?) WHERE id = ?");
    if (!cutoff.ok()) return cutoff.status();
    Statement c(*cutoff);
    c.Bind(1, now).Bind(2, user_id);
    if (int rc = c.Step(); rc != SQLITE_DONE) return conn.Error(rc, "set tokens_valid_after");
    auto stmt = conn.Prepare(
        "UPDATE refresh_tokens SET revoked_at = ?, revoke_reason = ? "
        "WHERE user_id = ? AND revoked_at IS NULL");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, now).Bind(2, reason).Bind(3, user_id);
    if (int rc = q.Step(); rc != SQLITE_DONE) return conn.Error(rc, "revoke user tokens");
    revoked = conn.Changes();
    for (const AuditEvent& e : events) AUTHD_RETURN_IF_ERROR(AppendEventOn(conn, e).status());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return revoked;
}

StatusOr<std::vector<RefreshTokenRecord>> SqliteTokenStore::ListLive(int64_t user_id,
                                                                     int64_t now) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT " AUTHD_TOKEN_COLUMNS " FROM refresh_tokens WHERE user_id = ? AND "
      "rotated_at IS NULL AND revoked_at IS NULL AND expires_at > ? "
      "ORDER BY issued_at DESC, jti");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, user_id).Bind(2, now);
  std::vector<RefreshTokenRecord> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadRecord(q));
  if (rc != SQLITE_DONE) return conn->Error(rc, "list refresh tokens");
  return out;
}

StatusOr<int64_t> SqliteTokenStore::CountLive(int64_t now) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT COUNT(*) FROM refresh_tokens WHERE expires_at > ? AND "
                            "rotated_at IS NULL AND revoked_at IS NULL");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, now);
  if (int rc = q.Step(); rc != SQLITE_ROW) return conn->Error(rc, "count sessions");
  return q.Int(0);
}

StatusOr<int> SqliteTokenStore::DeleteExpired(int64_t before) {
  return Change(pool_, "DELETE FROM refresh_tokens WHERE expires_at < ?",
                "delete expired refresh tokens", [&](Statement& q) { q.Bind(1, before); });
}

}  // namespace authd::sqlite
