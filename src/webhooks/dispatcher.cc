#include "webhooks/dispatcher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/backoff.h"
#include "webhooks/message.h"

namespace authd {

int64_t WebhookRetryDelaySeconds(int attempts) { return DoublingDelay(attempts, 2, 1800); }

std::string RedactedUrl(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t host = scheme + 3;
  const size_t path = url.find('/', host);
  const size_t at = url.substr(0, path).find('@', host);
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host)) + std::string(url.substr(at + 1));
}

WebhookDispatcher::WebhookDispatcher(WebhookStore& store, std::vector<WebhookEndpoint> endpoints,
                                     const Clock& clock, DispatcherOptions options)
    : store_(store), endpoints_(std::move(endpoints)), clock_(clock), options_(options),
      worker_(options.poll, [this] { return RunOnce(); }) {}

bool WebhookDispatcher::RunOnce() {
  const int64_t now = clock_.NowMicros();
  auto claimed = store_.Claim(now, now + options_.lease_seconds * 1'000'000, options_.batch);
  if (!claimed.ok()) {
    spdlog::warn("webhooks: cannot read the deliveries: {}", claimed.status().message());
    return false;
  }
  std::vector<PostRequest> requests;
  std::vector<const WebhookDelivery*> posted;
  for (const WebhookDelivery& d : *claimed) {
    auto endpoint = std::find_if(endpoints_.begin(), endpoints_.end(),
                                 [&](const WebhookEndpoint& e) { return e.url == d.url; });
    if (endpoint == endpoints_.end()) {
      // Only configured URLs are ever posted to: one dropped from the settings gets nothing.
      GiveUp(d, 0, "the URL is no longer a configured webhook");
    } else if (!d.event) {
      GiveUp(d, 0, "the event was pruned before it could be delivered");
    } else {
      requests.push_back(SignedDelivery(d, endpoint->key, now / 1'000'000));
      posted.push_back(&d);
    }
  }
  const std::vector<PostResult> results = PostAll(requests, options_.timeout);
  for (size_t i = 0; i < posted.size(); ++i) Record(*posted[i], results[i]);
  if (auto pending = store_.Pending(); pending.ok()) {
    backlog_.store(*pending, std::memory_order_relaxed);
  }
  // Deliveries of one user go one per round: after any, look again at once for the next.
  return !claimed->empty();
}

void WebhookDispatcher::Record(const WebhookDelivery& d, const PostResult& result) {
  const int64_t now = clock_.NowMicros();
  if (result.status >= 200 && result.status < 300) {
    if (Status st = store_.Delivered(d.id, result.status, now); !st.ok()) {
      // Posted, but not marked: it goes again after the lease (at least once).
      spdlog::warn("webhooks: delivery {} was posted but not marked: {}", d.id, st.message());
    }
    Count("delivered");
    return;
  }
  const std::string error =
      result.status != 0 ? fmt::format("HTTP {}", result.status) : result.error;
  const int64_t delay = WebhookRetryDelaySeconds(d.attempts);
  const int64_t next = now + delay * 1'000'000;
  if (next > d.give_up_at) return GiveUp(d, result.status, error);
  spdlog::warn("webhooks: delivery {} ({}) to {} failed (attempt {}), trying again in {} s: {}",
               d.id, d.event_type, RedactedUrl(d.url), d.attempts, delay, error);
  (void)store_.Retry(d.id, next, result.status, error);
  Count("retry");
}

void WebhookDispatcher::GiveUp(const WebhookDelivery& d, int response, const std::string& error) {
  spdlog::error("webhooks: delivery {} ({}) to {} failed for good after {} attempt{}: {}", d.id,
                d.event_type, RedactedUrl(d.url), d.attempts, d.attempts == 1 ? "" : "s", error);
  (void)store_.Fail(d.id, response, error);
  Count("failed");
}

void WebhookDispatcher::Count(const char* result) {
  std::lock_guard lock(counts_mu_);
  ++counts_[result];
}

Metrics::LabeledValues WebhookDispatcher::Counts() const {
  std::lock_guard lock(counts_mu_);
  Metrics::LabeledValues out;
  for (const auto& [result, n] : counts_) {
    out.emplace_back(fmt::format("result=\"{}\"", result), static_cast<double>(n));
  }
  return out;
}

}  // namespace authd
