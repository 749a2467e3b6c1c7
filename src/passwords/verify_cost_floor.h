// How long a failed login takes, made independent of whose account it named.
//
// Verifications cost what their hash's format and parameters cost: an unknown user (the dummy
// hash) and a native user take one current Argon2id verification, but an imported Django user
// with pbkdf2_sha256$1000000 took eight times as long, and an unusable password none at all.
// A wrong-password answer therefore told an attacker which accounts exist and which were
// imported. Failed logins are answered no sooner than the slowest verification this process
// has seen (up to a cap), so every failure takes the same time; the wait is a timer on the
// connection, not more hashing, so it costs no CPU. A successful login is never delayed (its
// caller knew the password). After a restart the floor is learnt again: the first costlier
// verification after start is the one that raises it.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>

namespace authd {

class VerifyCostFloor {
 public:
  explicit VerifyCostFloor(std::chrono::microseconds cap) : cap_(cap.count()) {}

  // A verification (successful or not) took `cost`.
  void Observe(std::chrono::microseconds cost) {
    const int64_t c = std::min<int64_t>(cost.count(), cap_);
    int64_t seen = floor_.load(std::memory_order_relaxed);
    while (c > seen && !floor_.compare_exchange_weak(seen, c, std::memory_order_relaxed)) {
    }
  }

  // How long a failed login's verification must appear to take.
  std::chrono::microseconds floor() const {
    return std::chrono::microseconds(floor_.load(std::memory_order_relaxed));
  }

 private:
  const int64_t cap_;
  std::atomic<int64_t> floor_{0};
};

}  // namespace authd
