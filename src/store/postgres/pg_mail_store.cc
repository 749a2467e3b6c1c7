// PgMailStore: the outbox and one_time_tokens tables on PostgreSQL (migration 6).
#include "store/postgres/pg_mail_store.h"

#include <algorithm>

#include "store/postgres/pg_rows.h"

namespace authd::pg {

Status EnqueueOn(Connection& conn, const OutboxMessage& m) {
  return conn
      .Run("INSERT INTO outbox(kind, user_id, recipient, data, created_at, next_attempt_at) "
           "VALUES ($1, $2, $3, $4, $5, $5)",
           Params().Add(m.kind).Add(m.user_id).Add(m.recipient).Add(m.data).Add(m.created_at),
           "queue mail")
      .status();
}

Status SpendTokenOn(Connection& conn, std::string_view hash, int64_t user_id) {
  auto r = conn.Run("DELETE FROM one_time_tokens WHERE hash = $1 AND user_id = $2",
                    Params().Add(hash).Add(user_id), "spend token");
  if (!r.ok()) return r.status();
  if (r->Affected() == 0) return FailedPrecondition("the token was spent or has died");
  return Status::Ok();
}

Status PgMailStore::Enqueue(const OutboxMessage& message) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return EnqueueOn(**conn, message);
}

StatusOr<std::vector<OutboxMessage>> PgMailStore::Claim(int64_t now, int64_t lease_until,
                                                        int limit) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  // SKIP LOCKED: instances claiming at once each take other rows instead of queueing behind
  // one another's row locks; the lease keeps a claimed row from everyone until it lapses.
  auto r = (*conn)->Run(
      "UPDATE outbox SET lease_until = $1, attempts = attempts + 1 WHERE id IN ("
      " SELECT id FROM outbox WHERE failed_at IS NULL AND next_attempt_at <= $2"
      " AND lease_until <= $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)"
      " RETURNING id, kind, user_id, recipient, data, created_at, attempts",
      Params().Add(lease_until).Add(now).Add(int64_t{limit}), "claim mail");
  if (!r.ok()) return r.status();
  std::vector<OutboxMessage> claimed;
  for (int i = 0; i < r->rows(); ++i) {
    claimed.push_back(OutboxMessage{.id = r->Int(i, 0),
                                    .kind = r->Text(i, 1),
                                    .user_id = r->Int(i, 2),
                                    .recipient = r->Text(i, 3),
                                    .data = r->Text(i, 4),
                                    .created_at = r->Int(i, 5),
                                    .attempts = static_cast<int>(r->Int(i, 6))});
  }
  std::sort(claimed.begin(), claimed.end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return claimed;
}

Status PgMailStore::Delivered(int64_t id) {
  return Change(pool_, "DELETE FROM outbox WHERE id = $1", Params().Add(id), "mark mail delivered")
      .status();
}

Status PgMailStore::Retry(int64_t id, int64_t next_attempt_at, std::string_view error) {
  return Change(pool_,
                "UPDATE outbox SET next_attempt_at = $1, lease_until = 0, last_error = $2 "
                "WHERE id = $3",
                Params().Add(next_attempt_at).Add(error).Add(id), "reschedule mail")
      .status();
}

Status PgMailStore::Fail(int64_t id, std::string_view error, int64_t now) {
  return Change(pool_,
                "UPDATE outbox SET failed_at = $1, lease_until = 0, last_error = $2 WHERE id = $3",
                Params().Add(now).Add(error).Add(id), "mark mail failed")
      .status();
}

StatusOr<int64_t> PgMailStore::Pending() {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT COUNT(*) FROM outbox WHERE failed_at IS NULL", {},
                        "count outbox");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

Status PgMailStore::InsertToken(const OneTimeToken& t) {
  return Change(pool_,
                "INSERT INTO one_time_tokens(hash, purpose, user_id, email, created_at, "
                "expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                Params().Add(t.hash).Add(t.purpose).Add(t.user_id).Add(t.email)
                    .Add(t.created_at).Add(t.expires_at),
                "record token")
      .status();
}

StatusOr<OneTimeToken> PgMailStore::FindToken(std::string_view hash, std::string_view purpose,
                                              int64_t now) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "SELECT hash, purpose, user_id, email, created_at, expires_at FROM one_time_tokens "
      "WHERE hash = $1 AND purpose = $2 AND expires_at > $3",
      Params().Add(hash).Add(purpose).Add(now), "find token");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such token");
  return OneTimeToken{.hash = r->Text(0, 0),
                      .purpose = r->Text(0, 1),
                      .user_id = r->Int(0, 2),
                      .email = r->Text(0, 3),
                      .created_at = r->Int(0, 4),
                      .expires_at = r->Int(0, 5)};
}

StatusOr<int> PgMailStore::DeleteExpiredTokens(int64_t before) {
  return Change(pool_, "DELETE FROM one_time_tokens WHERE expires_at < $1", Params().Add(before),
                "delete expired tokens");
}

}  // namespace authd::pg
