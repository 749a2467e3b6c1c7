#include "store/sqlite/sqlite_webhook_store.h"

#include "store/sqlite/sqlite_audit_store.h"

namespace authd::sqlite {
namespace {

// A delivery's columns and then its event's (NULL when pruned): what ReadDelivery reads.
const std::string kSelect =
    std::string("SELECT d.id, d.url, d.event_id, d.event_type, d.subject_key, d.status, "
                "d.attempts, d.created_at, d.next_attempt_at, d.give_up_at, d.last_attempt_at, "
                "d.last_response, d.last_error, ") +
    kEventColumns + " FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id";

WebhookDelivery ReadDelivery(const Statement& q) {
  WebhookDelivery d{.id = q.Int(0),
                    .url = q.Text(1),
                    .event_id = q.Int(2),
                    .event_type = q.Text(3),
                    .status = q.Text(5),
                    .attempts = static_cast<int>(q.Int(6)),
                    .created_at = q.Int(7),
                    .next_attempt_at = q.Int(8),
                    .give_up_at = q.Int(9),
                    .last_attempt_at = q.Int(10),
                    .last_response = static_cast<int>(q.Int(11)),
                    .last_error = q.Text(12)};
  if (q.Int(4) != 0) d.subject_user_id = q.Int(4);
  if (!q.IsNull(13)) d.event = ReadEvent(q, 13);
  return d;
}

// Runs kSelect + `where` (fixed text, with ? for the values `bind` binds).
template <typename BindFn>
StatusOr<std::vector<WebhookDelivery>> Select(Connection& conn, const std::string& where,
                                              BindFn bind) {
  auto stmt = conn.PrepareOnce(kSelect + where);
  if (!stmt.ok()) return stmt.status();
  Statement q(stmt->get());
  bind(q);
  std::vector<WebhookDelivery> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadDelivery(q));
  if (rc != SQLITE_DONE) return conn.Error(rc, "read webhook deliveries");
  return out;
}

}  // namespace

Status SqliteWebhookStore::Subscribe(const std::vector<WebhookSubscription>& subscriptions) {
  auto conn = pool_.Acquire();
  auto tx = Transaction::Begin(*conn);
  if (!tx.ok()) return tx.status();
  AUTHD_RETURN_IF_ERROR(conn->Exec("DELETE FROM webhook_subscriptions"));
  for (const WebhookSubscription& s : subscriptions) {
    AUTHD_RETURN_IF_ERROR(
        ChangeOn(*conn, "INSERT OR IGNORE INTO webhook_subscriptions(url, pattern) VALUES (?, ?)",
                 "subscribe webhook", [&](Statement& q) { q.Bind(1, s.url).Bind(2, s.pattern); })
            .status());
  }
  return tx->Commit();
}

StatusOr<std::vector<WebhookDelivery>> SqliteWebhookStore::Claim(int64_t now, int64_t lease_until,
                                                                 int limit) {
  auto conn = pool_.Acquire();
  // One statement, so one write transaction: no other claimer can take the same rows. A
  // delivery is eligible only as the oldest pending one of its URL and subject, so a later
  // event never overtakes an earlier one that is leased or waiting for its retry.
  auto stmt = conn->Prepare(
      "UPDATE webhook_deliveries SET lease_until = ?1, attempts = attempts + 1, "
      "last_attempt_at = ?2 WHERE id IN ("
      " SELECT d.id FROM webhook_deliveries d WHERE d.status = 'pending'"
      " AND d.next_attempt_at <= ?2 AND d.lease_until <= ?2"
      " AND d.id = (SELECT MIN(o.id) FROM webhook_deliveries o WHERE o.status = 'pending'"
      "  AND o.url = d.url AND o.subject_key = d.subject_key)"
      " ORDER BY d.id LIMIT ?3) RETURNING id");
  if (!stmt.ok()) return stmt.status();
  std::vector<int64_t> ids;
  {
    Statement q(*stmt);
    q.Bind(1, lease_until).Bind(2, now).Bind(3, int64_t{limit});
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) ids.push_back(q.Int(0));
    if (rc != SQLITE_DONE) return conn->Error(rc, "claim webhook deliveries");
  }
  if (ids.empty()) return std::vector<WebhookDelivery>{};
  std::string where = " WHERE d.id IN (?";
  for (size_t i = 1; i < ids.size(); ++i) where += ", ?";
  where += ") ORDER BY d.id";
  return Select(*conn, where, [&](Statement& q) {
    for (size_t i = 0; i < ids.size(); ++i) q.Bind(static_cast<int>(i + 1), ids[i]);
  });
}

Status SqliteWebhookStore::Delivered(int64_t id, int response, int64_t now) {
  return Change(pool_,
                "UPDATE webhook_deliveries SET status = 'delivered', lease_until = 0, "
                "last_response = ?, last_error = '', last_attempt_at = ? WHERE id = ?",
                "mark webhook delivered",
                [&](Statement& q) { q.Bind(1, int64_t{response}).Bind(2, now).Bind(3, id); })
      .status();
}

Status SqliteWebhookStore::Retry(int64_t id, int64_t next_attempt_at, int response,
                                 std::string_view error) {
  return Change(pool_,
                "UPDATE webhook_deliveries SET next_attempt_at = ?, lease_until = 0, "
                "last_response = ?, last_error = ? WHERE id = ?",
                "reschedule webhook",
                [&](Statement& q) {
                  q.Bind(1, next_attempt_at).Bind(2, int64_t{response}).Bind(3, error).Bind(4, id);
                })
      .status();
}

Status SqliteWebhookStore::Fail(int64_t id, int response, std::string_view error) {
  return Change(pool_,
                "UPDATE webhook_deliveries SET status = 'failed', lease_until = 0, "
                "last_response = ?, last_error = ? WHERE id = ?",
                "mark webhook failed",
                [&](Statement& q) { q.Bind(1, int64_t{response}).Bind(2, error).Bind(3, id); })
      .status();
}

StatusOr<WebhookDelivery> SqliteWebhookStore::Requeue(int64_t id, int64_t now) {
  auto conn = pool_.Acquire();
  auto changed = ChangeOn(*conn,
                          "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, "
                          "give_up_at = ?, lease_until = 0 WHERE id = ? AND status <> 'pending'",
                          "requeue webhook", [&](Statement& q) {
                            q.Bind(1, now).Bind(2, now + kWebhookRetryWindowUs).Bind(3, id);
                          });
  if (!changed.ok()) return changed.status();
  auto rows = Select(*conn, " WHERE d.id = ?", [&](Statement& q) { q.Bind(1, id); });
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return NotFound("no such delivery");
  if (*changed == 0) return FailedPrecondition("the delivery is still pending");
  return std::move(rows->front());
}

StatusOr<std::vector<WebhookDelivery>> SqliteWebhookStore::List(std::optional<std::string> status,
                                                                std::optional<int64_t> before_id,
                                                                int limit) {
  std::string where = " WHERE 1 = 1";
  if (status) where += " AND d.status = ?";
  if (before_id) where += " AND d.id < ?";
  where += " ORDER BY d.id DESC LIMIT ?";
  auto conn = pool_.Acquire();
  return Select(*conn, where, [&](Statement& q) {
    int i = 0;
    if (status) q.Bind(++i, *status);
    if (before_id) q.Bind(++i, *before_id);
    q.Bind(++i, int64_t{limit});
  });
}

StatusOr<int64_t> SqliteWebhookStore::Pending() {
  auto conn = pool_.Acquire();
  auto stmt = conn->Prepare("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  const int rc = q.Step();
  if (rc != SQLITE_ROW) return conn->Error(rc, "count webhook deliveries");
  return q.Int(0);
}

StatusOr<int> SqliteWebhookStore::DeleteFinishedBefore(int64_t before_us) {
  return Change(pool_,
                "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ?",
                "prune webhook deliveries", [&](Statement& q) { q.Bind(1, before_us); });
}

}  // namespace authd::sqlite
