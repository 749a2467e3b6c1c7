// The PostgreSQL implementation of ClientStore: the oauth_clients table (migration 13).
#pragma once

#include "store/client_store.h"
#include "store/postgres/pg_pool.h"

namespace authd::pg {

class PgClientStore final : public ClientStore {
 public:
  explicit PgClientStore(Pool& pool) : pool_(pool) {}
  Status Insert(const OAuthClient& client, const std::vector<AuditEvent>& events) override;
  StatusOr<OAuthClient> Find(std::string_view client_id) override;
  StatusOr<std::vector<OAuthClient>> List() override;
  StatusOr<bool> Delete(std::string_view client_id, const std::vector<AuditEvent>& events) override;

 private:
  Pool& pool_;
};

}  // namespace authd::pg
