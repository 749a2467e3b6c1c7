#include "store/sqlite/sqlite_mfa_store.h"

#include "store/sqlite/sqlite_audit_store.h"

namespace authd::sqlite {
namespace {

Status InsertCodesOn(Connection& conn, int64_t user_id, const std::vector<std::string>& hashes) {
  {
    auto stmt = conn.Prepare("DELETE FROM mfa_recovery_codes WHERE user_id = ?");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, user_id);
    if (int rc = q.Step(); rc != SQLITE_DONE) return conn.Error(rc, "delete recovery codes");
  }
  auto stmt = conn.Prepare("INSERT INTO mfa_recovery_codes(user_id, hash) VALUES (?, ?)");
  if (!stmt.ok()) return stmt.status();
  for (const std::string& hash : hashes) {
    Statement q(*stmt);
    q.Bind(1, user_id).Bind(2, hash);
    if (int rc = q.Step(); rc != SQLITE_DONE) return conn.Error(rc, "store recovery code");
  }
  return Status::Ok();
}

}  // namespace

Status SqliteMfaStore::SetPendingTotp(int64_t user_id, std::string_view sealed, int64_t now) {
  auto changed = Change(pool_,
                        "INSERT INTO mfa_totp(user_id, secret, confirmed, last_step, created_at) "
                        "VALUES (?, ?, 0, 0, ?) ON CONFLICT(user_id) DO UPDATE SET "
                        "secret = excluded.secret, created_at = excluded.created_at "
                        "WHERE mfa_totp.confirmed = 0",
                        "store pending TOTP secret",
                        [&](Statement& q) { q.Bind(1, user_id).Bind(2, sealed).Bind(3, now); });
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return FailedPrecondition("TOTP is already on");
  return Status::Ok();
}

StatusOr<std::optional<TotpFactor>> SqliteMfaStore::FindTotp(int64_t user_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT secret, confirmed, last_step, created_at FROM mfa_totp WHERE user_id = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, user_id);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return std::optional<TotpFactor>();
  if (rc != SQLITE_ROW) return conn->Error(rc, "find TOTP");
  return std::optional<TotpFactor>(TotpFactor{.sealed_secret = q.Text(0),
                                              .confirmed = q.Int(1) != 0,
                                              .last_step = q.Int(2),
                                              .created_at = q.Int(3)});
}

Status SqliteMfaStore::ConfirmTotp(int64_t user_id, int64_t step,
                                   const std::vector<std::string>& code_hashes,
                                   const std::vector<AuditEvent>& events) {
  auto confirmed = WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto n = ChangeOn(conn,
                      "UPDATE mfa_totp SET confirmed = 1, last_step = ? WHERE user_id = ? "
                      "AND confirmed = 0",
                      "confirm TOTP", [&](Statement& q) { q.Bind(1, step).Bind(2, user_id); });
    if (!n.ok()) return n.status();
    if (*n == 0) return FailedPrecondition("no TOTP enrolment is pending");
    AUTHD_RETURN_IF_ERROR(InsertCodesOn(conn, user_id, code_hashes));
    return true;
  });
  return confirmed.status();
}

StatusOr<bool> SqliteMfaStore::AcceptTotpStep(int64_t user_id, int64_t step) {
  auto n = Change(pool_,
                  "UPDATE mfa_totp SET last_step = ? WHERE user_id = ? AND confirmed = 1 "
                  "AND last_step < ?",
                  "accept TOTP step",
                  [&](Statement& q) { q.Bind(1, step).Bind(2, user_id).Bind(3, step); });
  if (!n.ok()) return n.status();
  return *n == 1;
}

Status SqliteMfaStore::DeleteTotp(int64_t user_id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           auto n = ChangeOn(conn, "DELETE FROM mfa_totp WHERE user_id = ?", "delete TOTP",
                             [&](Statement& q) { q.Bind(1, user_id); });
           if (!n.ok()) return n.status();
           return *n > 0;
         })
      .status();
}

Status SqliteMfaStore::ReplaceRecoveryCodes(int64_t user_id, const std::vector<std::string>& hashes,
                                            const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           AUTHD_RETURN_IF_ERROR(InsertCodesOn(conn, user_id, hashes));
           return true;
         })
      .status();
}

StatusOr<bool> SqliteMfaStore::SpendRecoveryCode(int64_t user_id, std::string_view hash,
                                                 int64_t now, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
    auto n = ChangeOn(conn,
                      "UPDATE mfa_recovery_codes SET used_at = ? WHERE user_id = ? AND hash = ? "
                      "AND used_at IS NULL",
                      "spend recovery code",
                      [&](Statement& q) { q.Bind(1, now).Bind(2, user_id).Bind(3, hash); });
    if (!n.ok()) return n.status();
    return *n == 1;
  });
}

StatusOr<int64_t> SqliteMfaStore::RecoveryCodesLeft(int64_t user_id) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT COUNT(*) FROM mfa_recovery_codes WHERE user_id = ? AND used_at IS NULL");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, user_id);
  const int rc = q.Step();
  if (rc != SQLITE_ROW) return conn->Error(rc, "count recovery codes");
  return q.Int(0);
}

Status SqliteMfaStore::InsertChallenge(const MfaChallenge& c) {
  return Change(pool_,
                "INSERT INTO mfa_challenges(hash, user_id, expires_at, failures, first_factor) "
                "VALUES (?, ?, ?, 0, ?)",
                "store MFA challenge",
                [&](Statement& q) {
                  q.Bind(1, c.hash).Bind(2, c.user_id).Bind(3, c.expires_at).Bind(4, c.first_factor);
                })
      .status();
}

StatusOr<MfaChallenge> SqliteMfaStore::FindChallenge(std::string_view hash, int64_t now) {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare(
      "SELECT hash, user_id, expires_at, failures, first_factor FROM mfa_challenges "
      "WHERE hash = ? AND expires_at > ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, hash).Bind(2, now);
  const int rc = q.Step();
  if (rc == SQLITE_DONE) return NotFound("no such MFA challenge");
  if (rc != SQLITE_ROW) return conn->Error(rc, "find MFA challenge");
  return MfaChallenge{.hash = q.Text(0),
                      .user_id = q.Int(1),
                      .expires_at = q.Int(2),
                      .failures = static_cast<int>(q.Int(3)),
                      .first_factor = q.Text(4)};
}

StatusOr<int> SqliteMfaStore::ChallengeFailed(std::string_view hash, int limit) {
  auto conn = pool_.Acquire();
  auto tx = Transaction::Begin(*conn);
  if (!tx.ok()) return tx.status();
  int failures = 0;
  {
    auto stmt = conn->Prepare(
        "UPDATE mfa_challenges SET failures = failures + 1 WHERE hash = ? RETURNING failures");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, hash);
    int rc = q.Step();
    if (rc == SQLITE_DONE) return limit;  // already gone
    if (rc != SQLITE_ROW) return conn->Error(rc, "count MFA failure");
    failures = static_cast<int>(q.Int(0));
    rc = q.Step();
    if (rc != SQLITE_DONE) return conn->Error(rc, "count MFA failure");
  }
  if (failures >= limit) {
    auto stmt = conn->Prepare("DELETE FROM mfa_challenges WHERE hash = ?");
    if (!stmt.ok()) return stmt.status();
    Statement q(*stmt);
    q.Bind(1, hash);
    if (int rc = q.Step(); rc != SQLITE_DONE) return conn->Error(rc, "end MFA challenge");
  }
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return failures;
}

StatusOr<bool> SqliteMfaStore::SpendChallenge(std::string_view hash) {
  auto n = Change(pool_, "DELETE FROM mfa_challenges WHERE hash = ?", "spend MFA challenge",
                  [&](Statement& q) { q.Bind(1, hash); });
  if (!n.ok()) return n.status();
  return *n == 1;
}

StatusOr<int> SqliteMfaStore::DeleteExpiredChallenges(int64_t before) {
  return Change(pool_, "DELETE FROM mfa_challenges WHERE expires_at < ?",
                "delete expired MFA challenges", [&](Statement& q) { q.Bind(1, before); });
}

Status SqliteMfaStore::DeleteAllFactors(int64_t user_id, const std::vector<AuditEvent>& events) {
  return WithEvents(pool_, events, [&](Connection& conn) -> StatusOr<bool> {
           for (const char* sql : {"DELETE FROM mfa_recovery_codes WHERE user_id = ?",
                                   "DELETE FROM mfa_totp WHERE user_id = ?",
                                   "DELETE FROM mfa_challenges WHERE user_id = ?",
                                   "DELETE FROM webauthn_credentials WHERE user_id = ?",
                                   "DELETE FROM webauthn_challenges WHERE user_id = ?"}) {
             AUTHD_RETURN_IF_ERROR(
                 ChangeOn(conn, sql, "delete factors", [&](Statement& q) { q.Bind(1, user_id); })
                     .status());
           }
           return true;  // a reset is recorded even when there was nothing to remove
         })
      .status();
}

}  // namespace authd::sqlite
