// The SQLite implementation of WebhookStore: the webhook_subscriptions and webhook_deliveries
// tables and the trigger on events that fills the second from the first (migration 10).
#pragma once

#include "store/sqlite/connection_pool.h"
#include "store/webhook_store.h"

namespace authd::sqlite {

class SqliteWebhookStore final : public WebhookStore {
 public:
  explicit SqliteWebhookStore(ConnectionPool& pool) : pool_(pool) {}
  Status Subscribe(const std::vector<WebhookSubscription>& subscriptions) override;
  StatusOr<std::vector<WebhookDelivery>> Claim(int64_t now, int64_t lease_until,
                                               int limit) override;
  Status Delivered(int64_t id, int response, int64_t now) override;
  Status Retry(int64_t id, int64_t next_attempt_at, int response,
               std::string_view error) override;
  Status Fail(int64_t id, int response, std::string_view error) override;
  StatusOr<WebhookDelivery> Requeue(int64_t id, int64_t now) override;
  StatusOr<std::vector<WebhookDelivery>> List(std::optional<std::string> status,
                                              std::optional<int64_t> before_id,
                                              int limit) override;
  StatusOr<int64_t> Pending() override;
  StatusOr<int> DeleteFinishedBefore(int64_t before_us) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace authd::sqlite
