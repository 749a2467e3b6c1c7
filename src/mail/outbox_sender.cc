#include "mail/outbox_sender.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/backoff.h"

namespace authd {

int64_t RetryDelaySeconds(int attempts) { return DoublingDelay(attempts, 5, 600); }

OutboxSender::OutboxSender(MailStore& store, MailComposer& composer, MailTransport& transport,
                           const Clock& clock, SenderOptions options)
    : store_(store), composer_(composer), transport_(transport), clock_(clock),
      options_(options),
      // A full batch means more may be due: go round again at once.
      worker_(options.poll, [this] { return RunOnce() >= options_.batch; }) {}

int OutboxSender::RunOnce() {
  const int64_t now = clock_.NowMicros();
  auto claimed = store_.Claim(now, now + options_.lease_seconds * 1'000'000, options_.batch);
  if (!claimed.ok()) {
    spdlog::warn("mail: cannot read the outbox: {}", claimed.status().message());
    return 0;
  }
  for (const OutboxMessage& m : *claimed) Handle(m);
  if (auto pending = store_.Pending(); pending.ok()) {
    depth_.store(*pending, std::memory_order_relaxed);
  }
  return static_cast<int>(claimed->size());
}

void OutboxSender::Handle(const OutboxMessage& m) {
  Status result = Status::Ok();
  auto mails = composer_.Compose(m);
  if (!mails.ok()) {
    result = mails.status();
  } else {
    for (const Envelope& e : *mails) {
      result = transport_.Send(composer_.options().from_address, e.to, e.bytes);
      if (!result.ok()) break;
    }
  }
  const int64_t now = clock_.NowMicros();
  if (result.ok()) {
    if (Status st = store_.Delivered(m.id); !st.ok()) {
      // Sent, but still in the outbox: it goes again after the lease (at least once).
      spdlog::warn("mail: {} {} was sent but not marked: {}", m.kind, m.id, st.message());
    }
    if (mails->empty()) {
      CountResult(m.kind, "nobody");
    } else {
      CountResult(m.kind, "sent");
    }
    return;
  }
  // Never the recipient's address in the log: it is personal data, and the id finds it.
  const bool transient = result.code() == StatusCode::kUnavailable;
  const bool expired = now - m.created_at >= options_.retry_hours * 3600 * 1'000'000;
  if (!transient || expired) {
    spdlog::error("mail: {} {} failed for good after {} attempt{}: {}", m.kind, m.id, m.attempts,
                  m.attempts == 1 ? "" : "s", result.message());
    (void)store_.Fail(m.id, result.message(), now);
    CountResult(m.kind, "failed");
    return;
  }
  const int64_t delay = RetryDelaySeconds(m.attempts);
  spdlog::warn("mail: {} {} not sent (attempt {}), trying again in {} s: {}", m.kind, m.id,
               m.attempts, delay, result.message());
  (void)store_.Retry(m.id, now + delay * 1'000'000, result.message());
  CountResult(m.kind, "retry");
}

void OutboxSender::CountResult(const std::string& kind, const char* result) {
  std::lock_guard lock(counts_mu_);
  ++counts_[{kind, result}];
}

Metrics::LabeledValues OutboxSender::Counts() const {
  std::lock_guard lock(counts_mu_);
  Metrics::LabeledValues out;
  for (const auto& [key, n] : counts_) {
    out.emplace_back(fmt::format("kind=\"{}\",result=\"{}\"", key.first, key.second),
                     static_cast<double>(n));
  }
  return out;
}

}  // namespace authd
