#include "store/postgres/pg_webhook_store.h"

#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_rows.h"

namespace authd::pg {
namespace {

// A delivery's columns (from a table or CTE aliased d) and then its event's (NULL when
// pruned): what ReadDeliveries reads.
const std::string kColumns =
    std::string("d.id, d.url, d.event_id, d.event_type, d.subject_key, d.status, d.attempts, "
                "d.created_at, d.next_attempt_at, d.give_up_at, d.last_attempt_at, "
                "d.last_response, d.last_error, ") +
    kEventColumns;

std::vector<WebhookDelivery> ReadDeliveries(const Result& r) {
  std::vector<WebhookDelivery> out;
  for (int i = 0; i < r.rows(); ++i) {
    WebhookDelivery d{.id = r.Int(i, 0),
                      .url = r.Text(i, 1),
                      .event_id = r.Int(i, 2),
                      .event_type = r.Text(i, 3),
                      .status = r.Text(i, 5),
                      .attempts = static_cast<int>(r.Int(i, 6)),
                      .created_at = r.Int(i, 7),
                      .next_attempt_at = r.Int(i, 8),
                      .give_up_at = r.Int(i, 9),
                      .last_attempt_at = r.Int(i, 10),
                      .last_response = static_cast<int>(r.Int(i, 11)),
                      .last_error = r.Text(i, 12)};
    if (r.Int(i, 4) != 0) d.subject_user_id = r.Int(i, 4);
    if (!r.IsNull(i, 13)) d.event = ReadEvent(r, i, 13);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace

Status PgWebhookStore::Subscribe(const std::vector<WebhookSubscription>& subscriptions) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  AUTHD_RETURN_IF_ERROR((*conn)->Exec("DELETE FROM webhook_subscriptions", "unsubscribe webhooks"));
  for (const WebhookSubscription& s : subscriptions) {
    AUTHD_RETURN_IF_ERROR((*conn)
                              ->Run("INSERT INTO webhook_subscriptions(url, pattern) VALUES ($1, $2) "
                                    "ON CONFLICT DO NOTHING",
                                    Params().Add(s.url).Add(s.pattern), "subscribe webhook")
                              .status());
  }
  return tx->Commit();
}

StatusOr<std::vector<WebhookDelivery>> PgWebhookStore::Claim(int64_t now, int64_t lease_until,
                                                             int limit) {
  // SKIP LOCKED: instances claiming at once take other rows instead of queueing on each
  // other's locks. A delivery is eligible only as the oldest pending one of its URL and
  // subject, so a later event never overtakes an earlier one that is leased or waiting.
  static const std::string sql =
      "WITH claimed AS (UPDATE webhook_deliveries SET lease_until = $1, "
      "attempts = attempts + 1, last_attempt_at = $2 WHERE id IN ("
      " SELECT d.id FROM webhook_deliveries d WHERE d.status = 'pending'"
      " AND d.next_attempt_at <= $2 AND d.lease_until <= $2"
      " AND d.id = (SELECT MIN(o.id) FROM webhook_deliveries o WHERE o.status = 'pending'"
      "  AND o.url = d.url AND o.subject_key = d.subject_key)"
      " ORDER BY d.id LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING *)"
      " SELECT " + kColumns + " FROM claimed d LEFT JOIN events e ON e.id = d.event_id"
      " ORDER BY d.id";
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run(sql.c_str(), Params().Add(lease_until).Add(now).Add(int64_t{limit}),
                        "claim webhook deliveries");
  if (!r.ok()) return r.status();
  return ReadDeliveries(*r);
}

Status PgWebhookStore::Delivered(int64_t id, int response, int64_t now) {
  return Change(pool_,
                "UPDATE webhook_deliveries SET status = 'delivered', lease_until = 0, "
                "last_response = $1, last_error = '', last_attempt_at = $2 WHERE id = $3",
                Params().Add(int64_t{response}).Add(now).Add(id), "mark webhook delivered")
      .status();
}

Status PgWebhookStore::Retry(int64_t id, int64_t next_attempt_at, int response,
                             std::string_view error) {
  return Change(pool_,
                "UPDATE webhook_deliveries SET next_attempt_at = $1, lease_until = 0, "
                "last_response = $2, last_error = $3 WHERE id = $4",
                Params().Add(next_attempt_at).Add(int64_t{response}).Add(error).Add(id),
                "reschedule webhook")
      .status();
}

Status PgWebhookStore::Fail(int64_t id, int response, std::string_view error) {
  return Change(pool_,
                "UPDATE webhook_deliveries SET status = 'failed', lease_until = 0, "
                "last_response = $1, last_error = $2 WHERE id = $3",
                Params().Add(int64_t{response}).Add(error).Add(id), "mark webhook failed")
      .status();
}

StatusOr<WebhookDelivery> PgWebhookStore::Requeue(int64_t id, int64_t now) {
  auto changed = Change(pool_,
                        "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, "
                        "give_up_at = $2, lease_until = 0 WHERE id = $3 AND status <> 'pending'",
                        Params().Add(now).Add(now + kWebhookRetryWindowUs).Add(id),
                        "requeue webhook");
  if (!changed.ok()) return changed.status();
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->RunOnce("SELECT " + kColumns +
                                " FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id"
                                " WHERE d.id = $1",
                            Params().Add(id), "read webhook delivery");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return NotFound("no such delivery");
  if (*changed == 0) return FailedPrecondition("the delivery is still pending");
  return std::move(ReadDeliveries(*r).front());
}

StatusOr<std::vector<WebhookDelivery>> PgWebhookStore::List(std::optional<std::string> status,
                                                            std::optional<int64_t> before_id,
                                                            int limit) {
  std::string sql = "SELECT " + kColumns +
                    " FROM webhook_deliveries d LEFT JOIN events e ON e.id = d.event_id WHERE TRUE";
  Params params;
  int n = 0;
  auto next = [&] { return " $" + std::to_string(++n); };
  if (status) { sql += " AND d.status =" + next(); params.Add(*status); }
  if (before_id) { sql += " AND d.id <" + next(); params.Add(*before_id); }
  sql += " ORDER BY d.id DESC LIMIT" + next();
  params.Add(int64_t{limit});
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->RunOnce(sql, params, "list webhook deliveries");
  if (!r.ok()) return r.status();
  return ReadDeliveries(*r);
}

StatusOr<int64_t> PgWebhookStore::Pending() {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto r = (*conn)->Run("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'", {},
                        "count webhook deliveries");
  if (!r.ok()) return r.status();
  return r->Int(0, 0);
}

StatusOr<int> PgWebhookStore::DeleteFinishedBefore(int64_t before_us) {
  return Change(pool_,
                "DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1",
                Params().Add(before_us), "prune webhook deliveries");
}

}  // namespace authd::pg
