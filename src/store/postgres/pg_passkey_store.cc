// PgPasskeyStore: the webauthn_* tables on PostgreSQL (migration 8).
#include "store/postgres/pg_passkey_store.h"

#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"

namespace authd::pg {
namespace {

#define AUTHD_PASSKEY_COLUMNS                                                             \
  "id, user_id, credential_id, public_key, alg, sign_count, user_handle, aaguid, name, " \
  "created_at, last_used_at, flagged"

Passkey ReadPasskey(const Result& r, int row) {
  return Passkey{.id = r.Int(row, 0),
                 .user_id = r.Int(row, 1),
                 .credential_id = r.Text(row, 2),
                 .public_key = r.Text(row, 3),
                 .alg = r.Int(row, 4),
                 .sign_count = r.Int(row, 5),
                 .user_handle = r.Text(row, 6),
                 .aaguid = r.Text(row, 7),
                 .name = r.Text(row, 8),
                 .created_at = r.Int(row, 9),
                 .last_used_at = r.OptionalInt(row, 10),
                 .flagged = r.Bool(row, 11)};
}

}  // namespace

StatusOr<int64_t> PgPasskeyStore::Insert(const Passkey& p, const std::vector<AuditEvent>& events) {
  int64_t id = 0;
  auto done = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run(
        "INSERT INTO webauthn_credentials(user_id, credential_id, public_key, alg, sign_count, "
        "user_handle, aaguid, name, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
        "RETURNING id",
        Params().Add(p.user_id).Add(p.credential_id).Add(p.public_key).Add(p.alg)
            .Add(p.sign_count).Add(p.user_handle).Add(p.aaguid).Add(p.name).Add(p.created_at),
        "store passkey");
    if (!r.ok()) return r.status();
    id = r->Int(0, 0);
    return true;
  });
  if (!done.ok()) return done.status();
  return id;
}

StatusOr<std::vector<Passkey>> PgPasskeyStore::List(int64_t user_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_PASSKEY_COLUMNS
                        " FROM webauthn_credentials WHERE user_id = $1 ORDER BY id",
                        Params().Add(user_id), "list passkeys");
  if (!r.ok()) return r.status();
  std::vector<Passkey> out;
  for (int i = 0; i < r->rows(); ++i) out.push_back(ReadPasskey(*r, i));
  return out;
}

StatusOr<Passkey> PgPasskeyStore::Find(std::string_view credential_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT " AUTHD_PASSKEY_COLUMNS
                        " FROM webauthn_credentials WHERE credential_id = $1",
                        Params().Add(credential_id), "find passkey");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such passkey");
  return ReadPasskey(*r, 0);
}

StatusOr<bool> PgPasskeyStore::RecordUse(int64_t id, int64_t sign_count, int64_t now) {
  auto n = Change(pool_,
                  "UPDATE webauthn_credentials SET sign_count = $1, last_used_at = $2 "
                  "WHERE id = $3 AND NOT flagged AND (sign_count < $1 OR (sign_count = 0 AND $1 = 0))",
                  Params().Add(sign_count).Add(now).Add(id), "record passkey use");
  if (!n.ok()) return n.status();
  return *n == 1;
}

Status PgPasskeyStore::Flag(int64_t id) {
  return Change(pool_, "UPDATE webauthn_credentials SET flagged = TRUE WHERE id = $1",
                Params().Add(id), "flag passkey")
      .status();
}

StatusOr<bool> PgPasskeyStore::Delete(int64_t user_id, int64_t id,
                                      const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run("DELETE FROM webauthn_credentials WHERE id = $1 AND user_id = $2",
                      Params().Add(id).Add(user_id), "delete passkey");
    if (!r.ok()) return r.status();
    return r->Affected() == 1;
  });
}

StatusOr<int64_t> PgPasskeyStore::Count(int64_t user_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "SELECT COUNT(*) FROM webauthn_credentials WHERE user_id = $1 AND NOT flagged",
      Params().Add(user_id), "count passkeys");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

Status PgPasskeyStore::InsertChallenge(const PasskeyChallenge& c) {
  std::optional<int64_t> user;
  if (c.user_id != 0) user = c.user_id;
  return Change(pool_,
                "INSERT INTO webauthn_challenges(hash, purpose, user_id, expires_at, user_handle) "
                "VALUES ($1, $2, $3, $4, $5)",
                Params().Add(c.hash).Add(c.purpose).Add(user).Add(c.expires_at).Add(c.user_handle),
                "store passkey challenge")
      .status();
}

StatusOr<PasskeyChallenge> PgPasskeyStore::SpendChallenge(std::string_view hash, int64_t now) {
  // One statement: of two requests bearing the same challenge, one gets the row.
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "DELETE FROM webauthn_challenges WHERE hash = $1 "
      "RETURNING hash, purpose, user_id, expires_at, user_handle",
      Params().Add(hash), "spend passkey challenge");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such passkey challenge");
  PasskeyChallenge c{.hash = r->Text(0, 0),
                     .purpose = r->Text(0, 1),
                     .user_id = r->OptionalInt(0, 2).value_or(0),
                     .expires_at = r->Int(0, 3),
                     .user_handle = r->Text(0, 4)};
  if (c.expires_at <= now) return NotFound("the passkey challenge has expired");
  return c;
}

StatusOr<int> PgPasskeyStore::DeleteExpiredChallenges(int64_t before) {
  return Change(pool_, "DELETE FROM webauthn_challenges WHERE expires_at < $1",
                Params().Add(before), "delete expired passkey challenges");
}

}  // namespace authd::pg
