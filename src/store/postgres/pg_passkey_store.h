// The PostgreSQL implementation of PasskeyStore: the webauthn_* tables (migration 8).
#pragma once

#include "store/passkey_store.h"
#include "store/postgres/pg_pool.h"

namespace authd::pg {

class PgPasskeyStore final : public PasskeyStore {
 public:
  explicit PgPasskeyStore(Pool& pool) : pool_(pool) {}
  StatusOr<int64_t> Insert(const Passkey& passkey, const std::vector<AuditEvent>& events) override;
  StatusOr<std::vector<Passkey>> List(int64_t user_id) override;
  StatusOr<Passkey> Find(std::string_view credential_id) override;
  StatusOr<bool> RecordUse(int64_t id, int64_t sign_count, int64_t now) override;
  Status Flag(int64_t id) override;
  StatusOr<bool> Delete(int64_t user_id, int64_t id, const std::vector<AuditEvent>& events) override;
  StatusOr<int64_t> Count(int64_t user_id) override;
  Status InsertChallenge(const PasskeyChallenge& challenge) override;
  StatusOr<PasskeyChallenge> SpendChallenge(std::string_view hash, int64_t now) override;
  StatusOr<int> DeleteExpiredChallenges(int64_t before) override;

 private:
  Pool& pool_;
};

}  // namespace authd::pg
