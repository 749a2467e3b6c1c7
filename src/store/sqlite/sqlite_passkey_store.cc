#include "store/sqlite/sqlite_passkey_store.h"

#include "store/sqlite/sqlite_audit_store.h"

namespace authd::sqlite {
namespace {

#define AUTHD_PASSKEY_COLUMNS                                                             \
  "id, user_id, credential_id, public_key, alg, sign_count, user_handle, aaguid, name, " \
  "created_at, last_used_at, flagged"

Passkey ReadPasskey(const Statement& q) {
  return Passkey{.id = q.Int(0),
                 .user_id = q.Int(1),
                 .credential_id = q.Text(2),
                 .public_key = q.Text(3),
                 .alg = q.Int(4),
                 .sign_count = q.Int(5),
                 .user_handle = q.Text(6),
                 .aaguid = q.Text(7),
                 .name = q.Text(8),
                 .created_at = q.Int(9),
                 .last_used_at = q.OptionalInt(10),
                 .flagged = q.Int(11) != 0};
}

}  // namespace

StatusOr<int64_t> SqlitePasskeyStore::Insert(const Passkey& p, const std::vector<AuditEvent>& events) {
  int64_t id = 0;
  auto done = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto stmt = conn.Prepare(
        "INSERT INTO webauthn_credentials(user_id, credential_id, public_key, alg, sign_count, "
        "user_handle, aaguid, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, p.user_id).Bind(2, p.credential_id).Bind(3, p.public_key).Bind(4, p.alg);
    q.Bind(5, p.sign_count).Bind(6, p.user_handle).Bind(7, p.aaguid).Bind(8, p.name);
    q.Bind(9, p.created_at);
    if (int rc = q.Step(); rc != SQLITE_DONE) return conn.Error(rc, "store passkey");
    id = conn.LastInsertId();
    return true;
  });
  if (!done.ok()) return done.status();
  return id;
}

StatusOr<std::vector<Passkey>> SqlitePasskeyStore::List(int64_t user_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_PASSKEY_COLUMNS
                            " FROM webauthn_credentials WHERE user_id = ? ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, user_id);
  std::vector<Passkey> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadPasskey(q));
  if (rc != SQLITE_DONE) return conn->Error(rc, "list passkeys");
  return out;
}

StatusOr<Passkey> SqlitePasskeyStore::Find(std::string_view credential_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT " AUTHD_PASSKEY_COLUMNS
                            " FROM webauthn_credentials WHERE credential_id = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, credential_id);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such passkey");
  if (rc != SQLITE_ROW) return conn->Error(rc, "find passkey");
  return ReadPasskey(q);
}

StatusOr<bool> SqlitePasskeyStore::RecordUse(int64_t id, int64_t sign_count, int64_t now) {
  auto n = Change(pool_,
                  "UPDATE webauthn_credentials SET sign_count = ?, last_used_at = ? "
                  "WHERE id = ? AND flagged = 0 AND (sign_count < ? OR (sign_count = 0 AND ? = 0))",
                  "record passkey use", [&](Statement& q) {
                    q.Bind(1, sign_count).Bind(2, now).Bind(3, id).Bind(4, sign_count);
                    q.Bind(5, sign_count);
                  });
  if (!n.ok()) return n.status();
  return *n == 1;
}

Status SqlitePasskeyStore::Flag(int64_t id) {
  return Change(pool_, "UPDATE webauthn_credentials SET flagged = 1 WHERE id = ?", "flag passkey",
                [&](Statement& q) { q.Bind(1, id); })
      .status();
}

StatusOr<bool> SqlitePasskeyStore::Delete(int64_t user_id, int64_t id,
                                          const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto n = ChangeOn(conn, "DELETE FROM webauthn_credentials WHERE id = ? AND user_id = ?",
                      "delete passkey", [&](Statement& q) { q.Bind(1, id).Bind(2, user_id); });
    if (!n.ok()) return n.status();
    return *n == 1;
  });
}

StatusOr<int64_t> SqlitePasskeyStore::Count(int64_t user_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT COUNT(*) FROM webauthn_credentials WHERE user_id = ? AND flagged = 0");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, user_id);
  if (int rc = q.Step(); rc != SQLITE_ROW) return conn->Error(rc, "count passkeys");
  return q.Int(0);
}

Status SqlitePasskeyStore::InsertChallenge(const PasskeyChallenge& c) {
  std::optional<int64_t> user;
  if (c.user_id != 0) user = c.user_id;
  return Change(pool_,
                "INSERT INTO webauthn_challenges(hash, purpose, user_id, expires_at, user_handle) "
                "VALUES (?, ?, ?, ?, ?)",
                "store passkey challenge",
                [&](Statement& q) {
                  q.Bind(1, c.hash).Bind(2, c.purpose).Bind(3, user).Bind(4, c.expires_at);
                  q.Bind(5, c.user_handle);
                })
      .status();
}

StatusOr<PasskeyChallenge> SqlitePasskeyStore::SpendChallenge(std::string_view hash, int64_t now) {
  // One statement: of two requests bearing the same challenge, one gets the row.
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "DELETE FROM webauthn_challenges WHERE hash = ? "
      "RETURNING hash, purpose, user_id, expires_at, user_handle");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, hash);
  int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such passkey challenge");
  if (rc != SQLITE_ROW) return conn->Error(rc, "spend passkey challenge");
  PasskeyChallenge c{.hash = q.Text(0),
                     .purpose = q.Text(1),
                     .user_id = q.OptionalInt(2).value_or(0),
                     .expires_at = q.Int(3),
                     .user_handle = q.Text(4)};
  rc = q.Step();
  if (rc != SQLITE_DONE) return conn->Error(rc, "spend passkey challenge");
  if (c.expires_at <= now) return NotFound("the passkey challenge has expired");
  return c;
}

StatusOr<int> SqlitePasskeyStore::DeleteExpiredChallenges(int64_t before) {
  return Change(pool_, "DELETE FROM webauthn_challenges WHERE expires_at < ?",
                "delete expired passkey challenges", [&](Statement& q) { q.Bind(1, before); });
}

}  // namespace authd::sqlite
