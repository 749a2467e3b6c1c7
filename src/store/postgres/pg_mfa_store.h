// The PostgreSQL implementation of MfaStore: the mfa_* tables (migration 7).
#pragma once

#include "store/mfa_store.h"
#include "store/postgres/pg_pool.h"

namespace authd::pg {

class PgMfaStore final : public MfaStore {
 public:
  explicit PgMfaStore(Pool& pool) : pool_(pool) {}
  Status SetPendingTotp(int64_t user_id, std::string_view sealed_secret, int64_t now) override;
  StatusOr<std::optional<TotpFactor>> FindTotp(int64_t user_id) override;
  Status ConfirmTotp(int64_t user_id, int64_t step, const std::vector<std::string>& code_hashes,
                     const std::vector<AuditEvent>& events) override;
  StatusOr<bool> AcceptTotpStep(int64_t user_id, int64_t step) override;
  Status DeleteTotp(int64_t user_id, const std::vector<AuditEvent>& events) override;
  Status ReplaceRecoveryCodes(int64_t user_id, const std::vector<std::string>& hashes,
                              const std::vector<AuditEvent>& events) override;
  StatusOr<bool> SpendRecoveryCode(int64_t user_id, std::string_view hash, int64_t now,
                                   const std::vector<AuditEvent>& events) override;
  StatusOr<int64_t> RecoveryCodesLeft(int64_t user_id) override;
  Status InsertChallenge(const MfaChallenge& challenge) override;
  StatusOr<MfaChallenge> FindChallenge(std::string_view hash, int64_t now) override;
  StatusOr<int> ChallengeFailed(std::string_view hash, int limit) override;
  StatusOr<bool> SpendChallenge(std::string_view hash) override;
  StatusOr<int> DeleteExpiredChallenges(int64_t before) override;
  Status DeleteAllFactors(int64_t user_id, const std::vector<AuditEvent>& events) override;

 private:
  Pool& pool_;
};

}  // namespace authd::pg
