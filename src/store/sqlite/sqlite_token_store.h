// The SQLite implementation of TokenStore: the refresh_tokens table (migration 2).
#pragma once

#include "store/sqlite/connection_pool.h"
#include "store/sqlite/group_commit.h"
#include "store/token_store.h"

namespace authd::sqlite {

class SqliteTokenStore final : public TokenStore {
 public:
  explicit SqliteTokenStore(ConnectionPool& pool) : pool_(pool), rotations_(pool) {}
  using TokenStore::Insert;
  Status Insert(const RefreshTokenRecord& record, const std::vector<AuditEvent>& events) override;
  StatusOr<RefreshTokenRecord> Find(std::string_view jti) override;
  StatusOr<RefreshLookup> FindForRefresh(std::string_view jti, int64_t user_id) override;
  StatusOr<bool> Rotate(std::string_view jti, int64_t now,
                        const RefreshTokenRecord& successor) override;
  Status Touch(std::string_view jti, int64_t now) override;
  using TokenStore::RevokeFamily;
  using TokenStore::RevokeUser;
  StatusOr<int> RevokeFamily(std::string_view family, int64_t now, std::string_view reason,
                             const std::vector<AuditEvent>& events) override;
  StatusOr<int> RevokeUser(int64_t user_id, int64_t now, std::string_view reason,
                           const std::vector<AuditEvent>& events) override;
  StatusOr<std::vector<RefreshTokenRecord>> ListLive(int64_t user_id, int64_t now) override;
  StatusOr<int64_t> CountLive(int64_t now) override;
  StatusOr<int> DeleteExpired(int64_t before) override;

 private:
  ConnectionPool& pool_;
  GroupCommit rotations_;  // every rotation waits for a flush; concurrent ones share it
};

}  // namespace authd::sqlite
