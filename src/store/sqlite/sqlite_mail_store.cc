#include "store/sqlite/sqlite_mail_store.h"

#include <algorithm>

namespace authd::sqlite {

Status EnqueueOn(Connection& conn, const OutboxMessage& m) {
  auto stmt = conn.Prepare(
      "INSERT INTO outbox(kind, user_id, recipient, data, created_at, next_attempt_at) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, m.kind).Bind(2, m.user_id).Bind(3, m.recipient).Bind(4, m.data);
  q.Bind(5, m.created_at).Bind(6, m.created_at);
  const int rc = q.Step();
  if (rc != SQLITE_DONE) return conn.Error(rc, "queue mail");
  return Status::Ok();
}

Status SpendTokenOn(Connection& conn, std::string_view hash, int64_t user_id) {
  auto stmt = conn.Prepare("DELETE FROM one_time_tokens WHERE hash = ? AND user_id = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, hash).Bind(2, user_id);
  const int rc = q.Step();
  if (rc != SQLITE_DONE) return conn.Error(rc, "spend token");
  if (conn.Changes() == 0) return FailedPrecondition("the token was spent or has died");
  return Status::Ok();
}

Status SqliteMailStore::Enqueue(const OutboxMessage& message) {
  auto conn = pool_.Acquire();
  return EnqueueOn(*conn, message);
}

StatusOr<std::vector<OutboxMessage>> SqliteMailStore::Claim(int64_t now, int64_t lease_until,
                                                            int limit) {
  // One statement, so one write transaction: no other claimer (thread or process) can take the
  // same rows in between.
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "UPDATE outbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN ("
      " SELECT id FROM outbox WHERE failed_at IS NULL AND next_attempt_at <= ?"
      " AND lease_until <= ? ORDER BY id LIMIT ?)"
      " RETURNING id, kind, user_id, recipient, data, created_at, attempts");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, lease_until).Bind(2, now).Bind(3, now).Bind(4, int64_t{limit});
  std::vector<OutboxMessage> claimed;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    claimed.push_back(OutboxMessage{.id = q.Int(0),
                                    .kind = q.Text(1),
                                    .user_id = q.Int(2),
                                    .recipient = q.Text(3),
                                    .data = q.Text(4),
                                    .created_at = q.Int(5),
                                    .attempts = static_cast<int>(q.Int(6))});
  }
  if (rc != SQLITE_DONE) return conn->Error(rc, "claim mail");
  // RETURNING gives rows in no promised order.
  std::sort(claimed.begin(), claimed.end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return claimed;
}

Status SqliteMailStore::Delivered(int64_t id) {
  return Change(pool_, "DELETE FROM outbox WHERE id = ?", "mark mail delivered",
                [&](Statement& q) { q.Bind(1, id); })
      .status();
}

Status SqliteMailStore::Retry(int64_t id, int64_t next_attempt_at, std::string_view error) {
  return Change(pool_,
                "UPDATE outbox SET next_attempt_at = ?, lease_until = 0, last_error = ? "
                "WHERE id = ?",
                "reschedule mail",
                [&](Statement& q) { q.Bind(1, next_attempt_at).Bind(2, error).Bind(3, id); })
      .status();
}

Status SqliteMailStore::Fail(int64_t id, std::string_view error, int64_t now) {
  return Change(pool_,
                "UPDATE outbox SET failed_at = ?, lease_until = 0, last_error = ? WHERE id = ?",
                "mark mail failed",
                [&](Statement& q) { q.Bind(1, now).Bind(2, error).Bind(3, id); })
      .status();
}

StatusOr<int64_t> SqliteMailStore::Pending() {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT COUNT(*) FROM outbox WHERE failed_at IS NULL");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  const int rc = q.Step();
  if (rc != SQLITE_ROW) return conn->Error(rc, "count outbox");
  return q.Int(0);
}

Status SqliteMailStore::InsertToken(const OneTimeToken& t) {
  return Change(pool_,
                "INSERT INTO one_time_tokens(hash, purpose, user_id, email, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                "record token",
                [&](Statement& q) {
                  q.Bind(1, t.hash).Bind(2, t.purpose).Bind(3, t.user_id).Bind(4, t.email);
                  q.Bind(5, t.created_at).Bind(6, t.expires_at);
                })
      .status();
}

StatusOr<OneTimeToken> SqliteMailStore::FindToken(std::string_view hash, std::string_view purpose,
                                                  int64_t now) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT hash, purpose, user_id, email, created_at, expires_at FROM one_time_tokens "
      "WHERE hash = ? AND purpose = ? AND expires_at > ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, hash).Bind(2, purpose).Bind(3, now);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such token");
  if (rc != SQLITE_ROW) return conn->Error(rc, "find token");
  return OneTimeToken{.hash = q.Text(0),
                      .purpose = q.Text(1),
                      .user_id = q.Int(2),
                      .email = q.Text(3),
                      .created_at = q.Int(4),
                      .expires_at = q.Int(5)};
}

StatusOr<int> SqliteMailStore::DeleteExpiredTokens(int64_t before) {
  return Change(pool_, "DELETE FROM one_time_tokens WHERE expires_at < ?",
                "delete expired tokens", [&](Statement& q) { q.Bind(1, before); });
}

}  // namespace authd::sqlite
