// The SQLite implementation of ClientStore: the oauth_clients table (migration 13).
#pragma once

#include "store/client_store.h"
#include "store/sqlite/connection_pool.h"

namespace authd::sqlite {

class SqliteClientStore final : public ClientStore {
 public:
  explicit SqliteClientStore(ConnectionPool& pool) : pool_(pool) {}
  Status Insert(const OAuthClient& client, const std::vector<AuditEvent>& events) override;
  StatusOr<OAuthClient> Find(std::string_view client_id) override;
  StatusOr<std::vector<OAuthClient>> List() override;
  StatusOr<bool> Delete(std::string_view client_id, const std::vector<AuditEvent>& events) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace authd::sqlite
