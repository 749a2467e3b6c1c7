#include "webhooks/webhooks.h"

#include "webhooks/signature.h"

namespace authd {

StatusOr<std::unique_ptr<WebhookDispatcher>> StartWebhooks(const Settings& settings, Store& store,
                                                           const Clock& clock, Metrics& metrics) {
  std::vector<WebhookSubscription> subscriptions;
  std::vector<WebhookEndpoint> endpoints;
  for (const Settings::Webhook& hook : settings.webhooks) {
    auto key = WebhookKey(hook.secret);
    if (!key.ok()) {
      return InvalidArgument("AUTHD_WEBHOOKS: the secret for " + hook.url + ": " +
                             std::string(key.status().message()));
    }
    endpoints.push_back({.url = hook.url, .key = std::move(key).value()});
    for (const std::string& pattern : hook.events) subscriptions.push_back({hook.url, pattern});
  }
  AUTHD_RETURN_IF_ERROR(store.webhooks().Subscribe(subscriptions));
  if (endpoints.empty()) return std::unique_ptr<WebhookDispatcher>();
  auto dispatcher = std::make_unique<WebhookDispatcher>(store.webhooks(), std::move(endpoints), clock);
  WebhookDispatcher* d = dispatcher.get();
  metrics.AddLabeledCounter("authd_webhook_deliveries_total",
                            "Webhook delivery attempts by result (delivered, retry, failed).",
                            [d] { return d->Counts(); });
  metrics.AddGauge("authd_webhook_backlog",
                   "Webhook deliveries pending, as the dispatcher last counted.",
                   [d] { return static_cast<double>(d->backlog()); });
  return dispatcher;
}

}  // namespace authd
