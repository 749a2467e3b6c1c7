// Delivers the outbox (store/mail_store.h) on a thread of its own, never an I/O thread: claims
// due entries with a lease, composes and sends them, and then deletes, reschedules or fails
// each. A crash between sending and deleting sends that entry again once its lease lapses:
// mail is delivered at least once, never lost.
//
// Retries back off exponentially: 5 s after the first failure, doubling, at most 10 minutes
// apart, for `retry_hours`; then the entry is marked failed (logged and counted), kept for the
// operator to see.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>

#include "mail/composer.h"
#include "mail/transport.h"
#include "metrics/metrics.h"
#include "runtime/polling_worker.h"
#include "store/mail_store.h"
#include "util/clock.h"

namespace authd {

struct SenderOptions {
  int64_t retry_hours = 24;
  // How often the outbox is looked at when nothing wakes the sender: entries queued by another
  // instance, and retries falling due, wait at most this.
  std::chrono::milliseconds poll{1000};
  // Longer than one entry's sends may take (SMTP gives up after 20 s). After a crash, what the
  // dead process had claimed waits this long before anyone sends it.
  int64_t lease_seconds = 30;
  int batch = 16;
};

// The wait before attempt `attempts` + 1, after `attempts` failed ones.
int64_t RetryDelaySeconds(int attempts);

class OutboxSender {
 public:
  OutboxSender(MailStore& store, MailComposer& composer, MailTransport& transport,
               const Clock& clock, SenderOptions options);

  void Start() { worker_.Start(); }
  void Stop() { worker_.Stop(); }
  // A message was just queued: look now instead of at the next poll.
  void Wake() { worker_.Wake(); }

  // One round: claims what is due and delivers it. The number of entries handled.
  int RunOnce();

  // Sent, retried and failed mails by kind, for authd_email_sent_total{kind,result}.
  Metrics::LabeledValues Counts() const;
  // The outbox's depth as counted after the last round (counted here, on the sender's thread,
  // so a scrape of /metrics never waits on the database).
  int64_t depth() const { return depth_.load(std::memory_order_relaxed); }

 private:
  void Handle(const OutboxMessage& message);
  void CountResult(const std::string& kind, const char* result);

  MailStore& store_;
  MailComposer& composer_;
  MailTransport& transport_;
  const Clock& clock_;
  const SenderOptions options_;

  std::atomic<int64_t> depth_{0};

  mutable std::mutex counts_mu_;
  std::map<std::pair<std::string, std::string>, uint64_t> counts_;  // GUARDED_BY(counts_mu_)
  PollingWorker worker_;  // last: its thread stops before the members it uses go
};

}  // namespace authd
