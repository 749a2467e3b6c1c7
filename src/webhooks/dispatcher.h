// Delivers the webhook outbox (store/webhook_store.h) on a thread of its own, never an I/O
// thread: claims due deliveries with a lease, posts a batch at once, then marks each
// delivered, retried or failed. A crash between posting and marking posts that delivery again
// once its lease lapses: at least once, never lost. With several instances on one database
// each delivery is claimed by one of them.
//
// Any answer but 2xx, a timeout and a refused connection are retried: 2 s after the first
// failure, doubling, at most 30 minutes apart, for 24 hours after the event; then the delivery
// is marked failed, kept for an operator to see and retry (GET /api/admin/webhooks/...).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "metrics/metrics.h"
#include "runtime/polling_worker.h"
#include "store/webhook_store.h"
#include "util/clock.h"
#include "webhooks/http_poster.h"

namespace authd {

// A configured receiver: its URL and the key bytes of its whsec_ secret.
struct WebhookEndpoint {
  std::string url;
  std::string key;
};

struct DispatcherOptions {
  // How often the outbox is looked at: events appended by any instance or command wait at
  // most this long.
  std::chrono::milliseconds poll{500};
  std::chrono::milliseconds timeout{10'000};
  // Far past a batch's longest wait (the timeout): after a crash, what the dead process had
  // claimed waits this long before anyone posts it again.
  int64_t lease_seconds = 60;
  int batch = 16;
};

// The wait before attempt `attempts` + 1, after `attempts` failed ones.
int64_t WebhookRetryDelaySeconds(int attempts);

// A URL as logs may show it: without its query or credentials, which may hold a token.
std::string RedactedUrl(std::string_view url);

class WebhookDispatcher {
 public:
  WebhookDispatcher(WebhookStore& store, std::vector<WebhookEndpoint> endpoints,
                    const Clock& clock, DispatcherOptions options = {});

  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }

  // One round: claims what is due and delivers it. Whether more may be due at once.
  bool RunOnce();

  // For authd_webhook_deliveries_total{result}: delivered, retry, failed.
  Metrics::LabeledValues Counts() const;
  // Pending deliveries as counted after the last round (on this thread, so a scrape of
  // /metrics never waits on the database).
  int64_t backlog() const { return backlog_.load(std::memory_order_relaxed); }

 private:
  // Marks `delivery` after its post answered `result`: delivered, retried or failed.
  void Record(const WebhookDelivery& delivery, const PostResult& result);
  void GiveUp(const WebhookDelivery& delivery, int response, const std::string& error);
  void Count(const char* result);

  WebhookStore& store_;
  const std::vector<WebhookEndpoint> endpoints_;
  const Clock& clock_;
  const DispatcherOptions options_;
  std::atomic<int64_t> backlog_{0};
  mutable std::mutex counts_mu_;
  std::map<std::string, uint64_t> counts_;  // GUARDED_BY(counts_mu_)
  PollingWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace authd
