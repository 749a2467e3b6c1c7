// Second factors: each user's TOTP secret (sealed, mfa/secret_box.h), recovery codes (their
// hashes) and the short-lived challenges of a sign-in between password and second factor.
// In the database, so every instance sees the same: a TOTP step accepted by one instance is
// refused by all, and an mfa_token made by one is honoured by all.
// Changes take the audit events that record them (`events`), written in the change's own
// transaction and only when something changed.
// One implementation per backend, held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_store.h"
#include "util/status.h"

namespace authd {

struct TotpFactor {
  std::string sealed_secret;
  bool confirmed = false;   // false: enrolment begun, not yet proven with a code
  int64_t last_step = 0;    // the latest time step accepted (replays are refused)
  int64_t created_at = 0;   // seconds
};

// A sign-in waiting for its second factor: the hash of the mfa_token handed out.
struct MfaChallenge {
  std::string hash;
  int64_t user_id = 0;
  int64_t expires_at = 0;  // seconds
  int failures = 0;
  // How the sign-in began: "password", or "oidc" (an OpenID provider's), for the record of
  // how it ended ("password+totp", "oidc+totp", ...) and the tokens' amr.
  std::string first_factor = "password";
};

class MfaStore {
 public:
  virtual ~MfaStore() = default;

  // Stores a pending (unconfirmed) secret, replacing a pending one. FailedPrecondition when
  // the user's TOTP is already on: it must be turned off first.
  virtual Status SetPendingTotp(int64_t user_id, std::string_view sealed_secret, int64_t now) = 0;
  virtual StatusOr<std::optional<TotpFactor>> FindTotp(int64_t user_id) = 0;
  // In one transaction: the pending secret is on, `step` counts as accepted, and the recovery
  // codes are `code_hashes`. FailedPrecondition when nothing is pending.
  virtual Status ConfirmTotp(int64_t user_id, int64_t step,
                             const std::vector<std::string>& code_hashes,
                             const std::vector<AuditEvent>& events) = 0;
  // Accepts `step` if, and only if, it is later than every step accepted before, atomically:
  // of two instances presented the same code, one gets true.
  virtual StatusOr<bool> AcceptTotpStep(int64_t user_id, int64_t step) = 0;
  // Turns TOTP off. The recovery codes stay (they may back up passkeys); see
  // DropRecoveryCodesIfNoFactor in api/second_factor.h.
  virtual Status DeleteTotp(int64_t user_id, const std::vector<AuditEvent>& events) = 0;

  virtual Status ReplaceRecoveryCodes(int64_t user_id, const std::vector<std::string>& hashes,
                                      const std::vector<AuditEvent>& events) = 0;
  // Spends the unused code with this hash: true once, false after (or for no such code).
  virtual StatusOr<bool> SpendRecoveryCode(int64_t user_id, std::string_view hash, int64_t now,
                                           const std::vector<AuditEvent>& events) = 0;
  virtual StatusOr<int64_t> RecoveryCodesLeft(int64_t user_id) = 0;

  virtual Status InsertChallenge(const MfaChallenge& challenge) = 0;
  // The unexpired challenge; NotFound otherwise.
  virtual StatusOr<MfaChallenge> FindChallenge(std::string_view hash, int64_t now) = 0;
  // Counts a wrong code; at `limit` failures the challenge is deleted. The count.
  virtual StatusOr<int> ChallengeFailed(std::string_view hash, int limit) = 0;
  // Deletes it: true for the one caller that did.
  virtual StatusOr<bool> SpendChallenge(std::string_view hash) = 0;
  virtual StatusOr<int> DeleteExpiredChallenges(int64_t before) = 0;

  // Every factor, code and challenge of the user, passkeys too (an administrator's reset).
  virtual Status DeleteAllFactors(int64_t user_id, const std::vector<AuditEvent>& events) = 0;
};

}  // namespace authd
