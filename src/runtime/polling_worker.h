// A thread of its own that runs a round of work again and again: at once while rounds say
// more may be waiting, else after `poll` or as soon as it is woken. The mail outbox and the
// webhook deliveries are worked on such threads, never on an I/O thread: their rounds wait on
// the database and on other servers.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace authd {

class PollingWorker {
 public:
  // `round` answers whether more may be due right away.
  PollingWorker(std::chrono::milliseconds poll, std::function<bool()> round)
      : poll_(poll), round_(std::move(round)) {}
  ~PollingWorker() { Stop(); }
  PollingWorker(const PollingWorker&) = delete;
  PollingWorker& operator=(const PollingWorker&) = delete;

  void Start() {
    thread_ = std::thread([this] { Loop(); });
  }
  // Lets the round in progress finish, then joins the thread.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  // Work was just queued: look now instead of at the next poll.
  void Wake() {
    {
      std::lock_guard lock(mu_);
      woken_ = true;
    }
    cv_.notify_all();
  }

 private:
  void Loop() {
    for (;;) {
      const bool more = round_();
      std::unique_lock lock(mu_);
      if (stopping_) return;
      if (more) continue;
      cv_.wait_for(lock, poll_, [this] { return stopping_ || woken_; });
      woken_ = false;
      if (stopping_) return;
    }
  }

  const std::chrono::milliseconds poll_;
  const std::function<bool()> round_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  bool woken_ = false;     // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace authd
