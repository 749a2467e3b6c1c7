#include "store/sqlite/sqlite_audit_store.h"

namespace authd::sqlite {

AuditEvent ReadEvent(const Statement& q, int first) {
  return AuditEvent{.id = q.Int(first),
                    .time_us = q.Int(first + 1),
                    .type = q.Text(first + 2),
                    .outcome = q.Text(first + 3),
                    .actor = q.Text(first + 4),
                    .subject_user_id = q.OptionalInt(first + 5),
                    .client_address = q.Text(first + 6),
                    .user_agent = q.Text(first + 7),
                    .request_id = q.Text(first + 8),
                    .details = q.Text(first + 9)};
}

StatusOr<int64_t> AppendEventOn(Connection& conn, const AuditEvent& e) {
  auto stmt = conn.Prepare(
      "INSERT INTO events(time, type, outcome, actor, subject_user_id, client_address, "
      "user_agent, request_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, e.time_us).Bind(2, e.type).Bind(3, e.outcome).Bind(4, e.actor);
  q.Bind(5, e.subject_user_id).Bind(6, e.client_address).Bind(7, e.user_agent);
  q.Bind(8, e.request_id).Bind(9, e.details);
  if (int rc = q.Step(); rc != SQLITE_DONE) return conn.Error(rc, "record event");
  return conn.LastInsertId();
}

StatusOr<int64_t> SqliteAuditStore::Append(const AuditEvent& event) {
  auto conn = pool_.Acquire();
  return AppendEventOn(*conn, event);
}

StatusOr<std::vector<AuditEvent>> SqliteAuditStore::List(const AuditQuery& query) {
  // The filters are fixed text with ? for every value; each is bound in the same order.
  std::string sql = std::string("SELECT ") + kEventColumns + " FROM events e WHERE 1 = 1";
  if (query.subject_user_id) sql += " AND e.subject_user_id = ?";
  if (query.type) sql += " AND e.type = ?";
  if (query.actor) sql += " AND e.actor = ?";
  if (query.since_us) sql += " AND e.time >= ?";
  if (query.until_us) sql += " AND e.time < ?";
  if (query.before_id) sql += " AND e.id < ?";
  sql += " ORDER BY e.id DESC LIMIT ?";
  auto conn = pool_.Acquire();
  auto stmt = conn->PrepareOnce(sql);
  if (!stmt.ok()) return stmt.status();
  Statement q(stmt->get());
  int i = 0;
  if (query.subject_user_id) q.Bind(++i, *query.subject_user_id);
  if (query.type) q.Bind(++i, *query.type);
  if (query.actor) q.Bind(++i, *query.actor);
  if (query.since_us) q.Bind(++i, *query.since_us);
  if (query.until_us) q.Bind(++i, *query.until_us);
  if (query.before_id) q.Bind(++i, *query.before_id);
  q.Bind(++i, int64_t{query.limit});
  std::vector<AuditEvent> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back(ReadEvent(q, 0));
  }
  if (rc != SQLITE_DONE) return conn->Error(rc, "list events");
  return out;
}

StatusOr<std::vector<PeriodCount>> SqliteAuditStore::CountByPeriod(
    const std::vector<std::string>& types, int64_t since_us, int64_t period_us) {
  if (types.empty() || period_us <= 0) return std::vector<PeriodCount>{};
  std::string in;
  for (size_t i = 0; i < types.size(); ++i) in += i == 0 ? "?" : ", ?";
  auto conn = pool_.Acquire();
  // events_time bounds the scan to the periods asked for.
  auto stmt = conn->PrepareOnce("SELECT (time - ?) / ? AS period, type, COUNT(*) FROM events "
                                "WHERE time >= ? AND type IN (" + in + ") GROUP BY period, type "
                                "ORDER BY period, type");
  if (!stmt.ok()) return stmt.status();
  Statement q(stmt->get());
  q.Bind(1, since_us).Bind(2, period_us).Bind(3, since_us);
  int i = 3;
  for (const std::string& t : types) q.Bind(++i, t);
  std::vector<PeriodCount> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    out.push_back({.period = q.Int(0), .type = q.Text(1), .count = q.Int(2)});
  }
  if (rc != SQLITE_DONE) return conn->Error(rc, "count events");
  return out;
}

StatusOr<int> SqliteAuditStore::DeleteOlderThan(int64_t before_us) {
  return Change(pool_, "DELETE FROM events WHERE time < ?", "prune events",
                [&](Statement& q) { q.Bind(1, before_us); });
}

}  // namespace authd::sqlite
