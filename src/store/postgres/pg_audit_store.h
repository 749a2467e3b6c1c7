// The PostgreSQL implementation of AuditStore: the events table (migration 9).
#pragma once

#include "store/audit_store.h"
#include "store/postgres/pg_pool.h"

namespace authd::pg {

// Appends `event` on `conn`, inside whatever transaction is open there (UserStore's writes).
StatusOr<int64_t> AppendEventOn(Connection& conn, const AuditEvent& event);

class PgAuditStore final : public AuditStore {
 public:
  explicit PgAuditStore(Pool& pool) : pool_(pool) {}
  StatusOr<int64_t> Append(const AuditEvent& event) override;
  StatusOr<std::vector<AuditEvent>> List(const AuditQuery& query) override;
  StatusOr<int> DeleteOlderThan(int64_t before_us) override;

 private:
  Pool& pool_;
};

}  // namespace authd::pg
