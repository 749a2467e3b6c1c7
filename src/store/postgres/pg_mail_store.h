// The PostgreSQL implementation of MailStore.
#pragma once

#include "store/mail_store.h"
#include "store/postgres/pg_pool.h"

namespace authd::pg {

class PgMailStore final : public MailStore {
 public:
  explicit PgMailStore(Pool& pool) : pool_(pool) {}
  Status Enqueue(const OutboxMessage& message) override;
  StatusOr<std::vector<OutboxMessage>> Claim(int64_t now, int64_t lease_until, int limit) override;
  Status Delivered(int64_t id) override;
  Status Retry(int64_t id, int64_t next_attempt_at, std::string_view error) override;
  Status Fail(int64_t id, std::string_view error, int64_t now) override;
  StatusOr<int64_t> Pending() override;
  Status InsertToken(const OneTimeToken& token) override;
  StatusOr<OneTimeToken> FindToken(std::string_view hash, std::string_view purpose,
                                   int64_t now) override;
  StatusOr<int> DeleteExpiredTokens(int64_t before) override;

 private:
  Pool& pool_;
};

// As their SQLite namesakes (sqlite/sqlite_mail_store.h), inside the caller's transaction.
Status EnqueueOn(Connection& conn, const OutboxMessage& message);
Status SpendTokenOn(Connection& conn, std::string_view hash, int64_t user_id);

}  // namespace authd::pg
