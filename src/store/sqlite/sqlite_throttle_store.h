// The SQLite implementation of ThrottleStore: the throttle table (migration 3).
#pragma once

#include "store/sqlite/connection_pool.h"
#include "store/throttle_store.h"

namespace authd::sqlite {

class SqliteThrottleStore final : public ThrottleStore {
 public:
  explicit SqliteThrottleStore(ConnectionPool& pool) : pool_(pool) {}
  StatusOr<std::optional<ThrottleEntry>> Find(std::string_view key) override;
  StatusOr<ThrottleEntry> Update(std::string_view key, const UpdateFn& update) override;
  Status Delete(std::string_view key) override;
  StatusOr<int> DeleteIdle(int64_t before) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace authd::sqlite
