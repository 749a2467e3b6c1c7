// The PostgreSQL implementation of AuditStore: the events table (migration 9).
#pragma once

#include "store/audit_store.h"
#include "store/postgres/pg_pool.h"

namespace authd::pg {

// The events table's columns (aliased e) in the order ReadEvent reads them from `first` on.
inline constexpr const char* kEventColumns =
    "e.id, e.time, e.type, e.outcome, e.actor, e.subject_user_id, e.client_address, "
    "e.user_agent, e.request_id, e.details";
AuditEvent ReadEvent(const Result& r, int row, int first);

// Appends `event` on `conn`, inside whatever transaction is open there (UserStore's writes).
StatusOr<int64_t> AppendEventOn(Connection& conn, const AuditEvent& event);

// Runs `body(conn)` (StatusOr<bool>: whether it changed anything) and, when it did, appends
// `events`, in one transaction on a pooled connection: a change and the events that record it
// commit together or not at all. What `body` answered.
template <typename Body>
StatusOr<bool> WithEvents(Pool& pool, const std::vector<AuditEvent>& events, Body body) {
  auto conn = pool.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  StatusOr<bool> changed = body(**conn);
  if (!changed.ok()) return changed;
  if (*changed) {
    for (const AuditEvent& e : events) AUTHD_RETURN_IF_ERROR(AppendEventOn(**conn, e).status());
  }
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return changed;
}

class PgAuditStore final : public AuditStore {
 public:
  explicit PgAuditStore(Pool& pool) : pool_(pool) {}
  StatusOr<int64_t> Append(const AuditEvent& event) override;
  StatusOr<std::vector<AuditEvent>> List(const AuditQuery& query) override;
  StatusOr<std::vector<PeriodCount>> CountByPeriod(const std::vector<std::string>& types,
                                                   int64_t since_us, int64_t period_us) override;
  StatusOr<int> DeleteOlderThan(int64_t before_us) override;

 private:
  Pool& pool_;
};

}  // namespace authd::pg
