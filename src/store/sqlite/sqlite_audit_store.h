// The SQLite implementation of AuditStore: the events table (migration 9).
#pragma once

#include "store/audit_store.h"
#include "store/sqlite/connection_pool.h"

namespace authd::sqlite {

// Appends `event` on `conn`, inside whatever transaction is open there (UserStore's writes).
StatusOr<int64_t> AppendEventOn(Connection& conn, const AuditEvent& event);

class SqliteAuditStore final : public AuditStore {
 public:
  explicit SqliteAuditStore(ConnectionPool& pool) : pool_(pool) {}
  StatusOr<int64_t> Append(const AuditEvent& event) override;
  StatusOr<std::vector<AuditEvent>> List(const AuditQuery& query) override;
  StatusOr<int> DeleteOlderThan(int64_t before_us) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace authd::sqlite
