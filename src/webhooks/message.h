// A delivery as the receiver gets it, per the Standard Webhooks specification: the body
// {"type", "timestamp", "data"} (data: the event as GET /api/admin/events/ shows it) and the
// webhook-id, webhook-timestamp and webhook-signature headers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/webhook_store.h"
#include "webhooks/http_poster.h"

namespace authd {

// The message id: "msg_" and the delivery's id. The same for every attempt of a delivery, so
// receivers drop repeats by it; distinct for each URL an event goes to.
std::string WebhookMessageId(const WebhookDelivery& delivery);

// The body for `event`.
std::string WebhookBody(const AuditEvent& event);

// The signed POST of `delivery` (its event present) with `key`, at `now_seconds`: the
// signature covers this attempt's timestamp, so receivers can refuse stale replays.
PostRequest SignedDelivery(const WebhookDelivery& delivery, std::string_view key,
                           int64_t now_seconds);

}  // namespace authd
