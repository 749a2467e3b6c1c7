// The SQLite implementation of MailStore: the outbox and one_time_tokens tables (migration 6).
#pragma once

#include "store/mail_store.h"
#include "store/sqlite/connection_pool.h"

namespace authd::sqlite {

class SqliteMailStore final : public MailStore {
 public:
  explicit SqliteMailStore(ConnectionPool& pool) : pool_(pool) {}
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
  ConnectionPool& pool_;
};

// Queues `message` on `conn`, inside the caller's transaction (the user store's writes).
Status EnqueueOn(Connection& conn, const OutboxMessage& message);

// Deletes the token `hash` of `user_id` inside the caller's transaction; FailedPrecondition
// when it is no longer there (spent, or died with a change of password or email).
Status SpendTokenOn(Connection& conn, std::string_view hash, int64_t user_id);

}  // namespace authd::sqlite
