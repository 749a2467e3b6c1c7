// Webhook deliveries: an outbox of (event, URL) pairs, filled by the database itself. A
// trigger on the events table queues one delivery for every subscribed URL whose patterns
// match the event's type, inside the transaction that appends the event: a committed event
// always has its deliveries, and no code path can forget them. The sender (webhooks/) claims
// them with a lease, as the mail outbox is claimed.
//
// Deliveries to one URL about one subject user are handed out in order: one is claimed only
// when no earlier one for the same URL and subject is still pending.
//
// One implementation per backend, held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_store.h"
#include "util/status.h"

namespace authd {

// One URL's interest in event types: "*", "prefix.*" (as "login.*") or an exact type.
struct WebhookSubscription {
  std::string url;
  std::string pattern;
};

inline constexpr std::string_view kDeliveryPending = "pending";
inline constexpr std::string_view kDeliveryDelivered = "delivered";
inline constexpr std::string_view kDeliveryFailed = "failed";

struct WebhookDelivery {
  int64_t id = 0;
  std::string url;
  int64_t event_id = 0;
  std::string event_type;
  std::optional<int64_t> subject_user_id;
  std::string status;           // kDeliveryPending, kDeliveryDelivered or kDeliveryFailed
  int attempts = 0;             // begun, the claimed one included
  int64_t created_at = 0;       // microseconds since the epoch, as every time here
  int64_t next_attempt_at = 0;
  int64_t give_up_at = 0;       // no retry is scheduled past this: the delivery fails
  int64_t last_attempt_at = 0;  // 0 before the first
  int last_response = 0;        // the HTTP status of the last attempt; 0 for none
  std::string last_error;
  // The event itself: Claim fills it; empty when the event was pruned meanwhile.
  std::optional<AuditEvent> event;
};

// How long deliveries are retried after their event: 24 hours.
inline constexpr int64_t kWebhookRetryWindowUs = int64_t{24} * 3600 * 1'000'000;

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Replaces every subscription with `subscriptions`, in one transaction. Events appended
  // afterwards are queued for them. Pending deliveries to URLs no longer listed stay; the
  // sender fails them.
  virtual Status Subscribe(const std::vector<WebhookSubscription>& subscriptions) = 0;

  // Takes up to `limit` pending deliveries due at `now` and not leased, each the oldest pending
  // one of its URL and subject: leases them until `lease_until`, counts the attempt and returns
  // them, oldest first, with their events. One claimer at a time per delivery, across threads,
  // processes and instances.
  virtual StatusOr<std::vector<WebhookDelivery>> Claim(int64_t now, int64_t lease_until,
                                                       int limit) = 0;
  // The receiver answered 2xx with `response`.
  virtual Status Delivered(int64_t id, int response, int64_t now) = 0;
  // The attempt failed (`response` 0 when no answer came); tried again at `next_attempt_at`.
  virtual Status Retry(int64_t id, int64_t next_attempt_at, int response,
                       std::string_view error) = 0;
  // Failed for good: kept, never claimed again unless requeued.
  virtual Status Fail(int64_t id, int response, std::string_view error) = 0;
  // A delivered or failed one, pending again at once with a fresh retry window. NotFound when
  // there is no such delivery; FailedPrecondition when it is still pending.
  virtual StatusOr<WebhookDelivery> Requeue(int64_t id, int64_t now) = 0;

  // Newest first; `status` filters when set; `before_id` is the cursor.
  virtual StatusOr<std::vector<WebhookDelivery>> List(std::optional<std::string> status,
                                                      std::optional<int64_t> before_id,
                                                      int limit) = 0;
  // Deliveries still pending: the backlog.
  virtual StatusOr<int64_t> Pending() = 0;
  // Deletes delivered and failed deliveries created before `before_us`; how many.
  virtual StatusOr<int> DeleteFinishedBefore(int64_t before_us) = 0;
};

}  // namespace authd
