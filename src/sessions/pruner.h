// Deletes the records of expired refresh tokens in the background, every `every`, as
// simplejwt's flushexpiredtokens does from cron: nothing to install beside authd, and the
// table no longer grows until someone remembers the cron job. A record is kept while its
// token could still be presented (SessionService::FlushExpired honours the leeway), so reuse
// detection is never weakened. Failures are logged and retried at the next round.
// Thread-safety: its own thread; Stop() (or the destructor) from any one other thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "sessions/session_service.h"

namespace authd {

class Pruner {
 public:
  Pruner(SessionService& sessions, std::chrono::seconds every);
  ~Pruner() { Stop(); }
  Pruner(const Pruner&) = delete;
  Pruner& operator=(const Pruner&) = delete;

  void Stop();

 private:
  void Loop();

  SessionService& sessions_;
  const std::chrono::seconds every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;
};

}  // namespace authd
