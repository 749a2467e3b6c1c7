#include "store/postgres/pg_audit_store.h"

#include "store/postgres/pg_rows.h"

namespace authd::pg {

AuditEvent ReadEvent(const Result& r, int row, int first) {
  return AuditEvent{.id = r.Int(row, first),
                    .time_us = r.Int(row, first + 1),
                    .type = r.Text(row, first + 2),
                    .outcome = r.Text(row, first + 3),
                    .actor = r.Text(row, first + 4),
                    .subject_user_id = r.OptionalInt(row, first + 5),
                    .client_address = r.Text(row, first + 6),
                    .user_agent = r.Text(row, first + 7),
                    .request_id = r.Text(row, first + 8),
                    .details = r.Text(row, first + 9)};
}

StatusOr<int64_t> AppendEventOn(Connection& conn, const AuditEvent& e) {
  auto r = conn.Run(
      "INSERT INTO events(time, type, outcome, actor, subject_user_id, client_address, "
      "user_agent, request_id, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      Params().Add(e.time_us).Add(e.type).Add(e.outcome).Add(e.actor).Add(e.subject_user_id)
          .Add(e.client_address).Add(e.user_agent).Add(e.request_id).Add(e.details),
      "record event");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

StatusOr<int64_t> PgAuditStore::Append(const AuditEvent& event) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return AppendEventOn(**conn, event);
}

StatusOr<std::vector<AuditEvent>> PgAuditStore::List(const AuditQuery& query) {
  std::string sql = std::string("SELECT ") + kEventColumns + " FROM events e WHERE TRUE";
  Params params;
  int n = 0;
  auto next = [&] { return " $" + std::to_string(++n); };
  if (query.subject_user_id) { sql += " AND e.subject_user_id =" + next(); params.Add(*query.subject_user_id); }
  if (query.type) { sql += " AND e.type =" + next(); params.Add(*query.type); }
  if (query.actor) { sql += " AND e.actor =" + next(); params.Add(*query.actor); }
  if (query.since_us) { sql += " AND e.time >=" + next(); params.Add(*query.since_us); }
  if (query.until_us) { sql += " AND e.time <" + next(); params.Add(*query.until_us); }
  if (query.before_id) { sql += " AND e.id <" + next(); params.Add(*query.before_id); }
  sql += " ORDER BY e.id DESC LIMIT" + next();
  params.Add(int64_t{query.limit});
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->RunOnce(sql, params, "list events");
  if (!r.ok()) return r.status();
  std::vector<AuditEvent> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(ReadEvent(*r, i, 0));
  }
  return out;
}

StatusOr<std::vector<PeriodCount>> PgAuditStore::CountByPeriod(
    const std::vector<std::string>& types, int64_t since_us, int64_t period_us) {
  if (types.empty() || period_us <= 0) return std::vector<PeriodCount>{};
  Params params;
  params.Add(since_us).Add(period_us);
  std::string in;
  for (size_t i = 0; i < types.size(); ++i) {
    in += (i == 0 ? "$" : ", $") + std::to_string(i + 3);
    params.Add(types[i]);
  }
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  // bigint / bigint divides as integers, as SQLite's does.
  auto r = (*conn)->RunOnce("SELECT (time - $1) / $2 AS period, type, COUNT(*) FROM events "
                            "WHERE time >= $1 AND type IN (" + in + ") GROUP BY period, type "
                            "ORDER BY period, type",
                            params, "count events");
  if (!r.ok()) return r.status();
  std::vector<PeriodCount> out;
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({.period = r->Int(i, 0), .type = r->Text(i, 1), .count = r->Int(i, 2)});
  }
  return out;
}

StatusOr<int> PgAuditStore::DeleteOlderThan(int64_t before_us) {
  return Change(pool_, "DELETE FROM events WHERE time < $1", Params().Add(before_us),
                "prune events");
}

}  // namespace authd::pg
