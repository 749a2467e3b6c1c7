#include "sessions/pruner.h"

#include <spdlog/spdlog.h>

namespace authd {

Pruner::Pruner(SessionService& sessions, std::chrono::seconds every)
    : sessions_(sessions), every_(every), thread_([this] { Loop(); }) {}

void Pruner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Pruner::Loop() {
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, every_, [this] { return stopping_; })) {
    lock.unlock();
    auto deleted = sessions_.FlushExpired();
    if (!deleted.ok()) {
      spdlog::warn("pruning expired refresh-token records failed: {}", deleted.status().message());
    } else if (*deleted > 0) {
      spdlog::debug("pruned {} expired refresh-token record(s)", *deleted);
    }
    lock.lock();
  }
}

}  // namespace authd
