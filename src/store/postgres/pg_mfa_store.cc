// PgMfaStore: the mfa_* tables on PostgreSQL (migration 7).
#include "store/postgres/pg_mfa_store.h"

#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"

namespace authd::pg {
namespace {

Status InsertCodesOn(Connection& conn, int64_t user_id, const std::vector<std::string>& hashes) {
  AUTHD_RETURN_IF_ERROR(conn.Run("DELETE FROM mfa_recovery_codes WHERE user_id = $1",
                                 Params().Add(user_id), "delete recovery codes")
                            .status());
  for (const std::string& hash : hashes) {
    AUTHD_RETURN_IF_ERROR(conn.Run("INSERT INTO mfa_recovery_codes(user_id, hash) VALUES ($1, $2)",
                                   Params().Add(user_id).Add(hash), "store recovery code")
                              .status());
  }
  return Status::Ok();
}

// Runs `body(conn)` in a transaction on a pooled connection.
template <typename Body>
Status InTransaction(Pool& pool, Body body) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  AUTHD_RETURN_IF_ERROR(body(**conn));
  return tx->Commit();
}

}  // namespace

Status PgMfaStore::SetPendingTotp(int64_t user_id, std::string_view sealed, int64_t now) {
  auto changed = Change(pool_,
                        "INSERT INTO mfa_totp(user_id, secret, confirmed, last_step, created_at) "
                        "VALUES ($1, $2, FALSE, 0, $3) ON CONFLICT(user_id) DO UPDATE SET "
                        "secret = excluded.secret, created_at = excluded.created_at "
                        "WHERE NOT mfa_totp.confirmed",
                        Params().Add(user_id).Add(sealed).Add(now), "store pending TOTP secret");
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return FailedPrecondition("TOTP is already on");
  return Status::Ok();
}

StatusOr<std::optional<TotpFactor>> PgMfaStore::FindTotp(int64_t user_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT secret, confirmed, last_step, created_at FROM mfa_totp "
                        "WHERE user_id = $1",
                        Params().Add(user_id), "find TOTP");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<TotpFactor>();
  return std::optional<TotpFactor>(TotpFactor{.sealed_secret = r->Text(0, 0),
                                              .confirmed = r->Bool(0, 1),
                                              .last_step = r->Int(0, 2),
                                              .created_at = r->Int(0, 3)});
}

Status PgMfaStore::ConfirmTotp(int64_t user_id, int64_t step,
                               const std::vector<std::string>& code_hashes,
                               const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           auto r = conn.Run(
               "UPDATE mfa_totp SET confirmed = TRUE, last_step = $1 WHERE user_id = $2 AND NOT confirmed",
               Params().Add(step).Add(user_id), "confirm TOTP");
           if (!r.ok()) return r.status();
           if (r->Affected() == 0) return FailedPrecondition("no TOTP enrolment is pending");
           AUTHD_RETURN_IF_ERROR(InsertCodesOn(conn, user_id, code_hashes));
           return true;
         })
      .status();
}

StatusOr<bool> PgMfaStore::AcceptTotpStep(int64_t user_id, int64_t step) {
  auto n = Change(pool_,
                  "UPDATE mfa_totp SET last_step = $1 WHERE user_id = $2 AND confirmed "
                  "AND last_step < $1",
                  Params().Add(step).Add(user_id), "accept TOTP step");
  if (!n.ok()) return n.status();
  return *n == 1;
}

Status PgMfaStore::DeleteTotp(int64_t user_id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           auto r = conn.Run("DELETE FROM mfa_totp WHERE user_id = $1", Params().Add(user_id),
                             "delete TOTP");
           if (!r.ok()) return r.status();
           return r->Affected() > 0;
         })
      .status();
}

Status PgMfaStore::ReplaceRecoveryCodes(int64_t user_id, const std::vector<std::string>& hashes,
                                        const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           AUTHD_RETURN_IF_ERROR(InsertCodesOn(conn, user_id, hashes));
           return true;
         })
      .status();
}

StatusOr<bool> PgMfaStore::SpendRecoveryCode(int64_t user_id, std::string_view hash, int64_t now,
                                             const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto r = conn.Run(
        "UPDATE mfa_recovery_codes SET used_at = $1 WHERE user_id = $2 AND hash = $3 "
        "AND used_at IS NULL",
        Params().Add(now).Add(user_id).Add(hash), "spend recovery code");
    if (!r.ok()) return r.status();
    return r->Affected() == 1;
  });
}

StatusOr<int64_t> PgMfaStore::RecoveryCodesLeft(int64_t user_id) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
      Params().Add(user_id), "count recovery codes");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

Status PgMfaStore::InsertChallenge(const MfaChallenge& c) {
  return Change(pool_,
                "INSERT INTO mfa_challenges(hash, user_id, expires_at, failures, first_factor) "
                "VALUES ($1, $2, $3, 0, $4)",
                Params().Add(c.hash).Add(c.user_id).Add(c.expires_at).Add(c.first_factor),
                "store MFA challenge")
      .status();
}

StatusOr<MfaChallenge> PgMfaStore::FindChallenge(std::string_view hash, int64_t now) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(
      "SELECT hash, user_id, expires_at, failures, first_factor FROM mfa_challenges "
      "WHERE hash = $1 AND expires_at > $2",
      Params().Add(hash).Add(now), "find MFA challenge");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such MFA challenge");
  return MfaChallenge{.hash = r->Text(0, 0),
                      .user_id = r->Int(0, 1),
                      .expires_at = r->Int(0, 2),
                      .failures = static_cast<int>(r->Int(0, 3)),
                      .first_factor = r->Text(0, 4)};
}

StatusOr<int> PgMfaStore::ChallengeFailed(std::string_view hash, int limit) {
  int failures = limit;
  Status st = InTransaction(pool_, [&](Connection& conn) -> Status {
    auto r = conn.Run(
        "UPDATE mfa_challenges SET failures = failures + 1 WHERE hash = $1 RETURNING failures",
        Params().Add(hash), "count MFA failure");
    if (!r.ok()) return r.status();
    if (r->rows() == 0) return Status::Ok();  // already gone
    failures = static_cast<int>(r->Int(0, 0));
    if (failures < limit) return Status::Ok();
    return conn.Run("DELETE FROM mfa_challenges WHERE hash = $1", Params().Add(hash),
                    "end MFA challenge")
        .status();
  });
  if (!st.ok()) return st;
  return failures;
}

StatusOr<bool> PgMfaStore::SpendChallenge(std::string_view hash) {
  auto n = Change(pool_, "DELETE FROM mfa_challenges WHERE hash = $1", Params().Add(hash),
                  "spend MFA challenge");
  if (!n.ok()) return n.status();
  return *n == 1;
}

StatusOr<int> PgMfaStore::DeleteExpiredChallenges(int64_t before) {
  return Change(pool_, "DELETE FROM mfa_challenges WHERE expires_at < $1", Params().Add(before),
                "delete expired MFA challenges");
}

Status PgMfaStore::DeleteAllFactors(int64_t user_id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           for (const char* sql : {"DELETE FROM mfa_recovery_codes WHERE user_id = $1",
                                   "DELETE FROM mfa_totp WHERE user_id = $1",
                                   "DELETE FROM mfa_challenges WHERE user_id = $1",
                                   "DELETE FROM webauthn_credentials WHERE user_id = $1",
                                   "DELETE FROM webauthn_challenges WHERE user_id = $1"}) {
             AUTHD_RETURN_IF_ERROR(conn.Run(sql, Params().Add(user_id), "delete factors").status());
           }
           return true;  // a reset is recorded even when there was nothing to remove
         })
      .status();
}

}  // namespace authd::pg
