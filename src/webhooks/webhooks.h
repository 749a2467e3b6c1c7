// Webhooks from Settings, in one place: the subscriptions written for the database's trigger,
// the endpoints' keys checked, the dispatcher built and its metrics registered. What
// `authd serve` calls; other commands only append events, which the trigger queues.
#pragma once

#include <memory>

#include "config/settings.h"
#include "metrics/metrics.h"
#include "store/store.h"
#include "util/clock.h"
#include "webhooks/dispatcher.h"

namespace authd {

// Writes the subscriptions of `settings.webhooks` (none: every event queues nothing) and, when
// there are webhooks, answers their dispatcher (not started), its metrics added to `metrics`;
// null without webhooks. InvalidArgument naming AUTHD_WEBHOOKS when a secret is not a
// Standard Webhooks secret.
StatusOr<std::unique_ptr<WebhookDispatcher>> StartWebhooks(const Settings& settings, Store& store,
                                                           const Clock& clock, Metrics& metrics);

}  // namespace authd
