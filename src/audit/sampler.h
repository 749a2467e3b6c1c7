// At most one event per key per period, in this process. For events a client can cause at no
// cost to itself: a throttled sign-in is refused after one indexed read, and recording every
// one would make the record (a committed write) the costly part of a flood. The first refusal
// of an address in each minute is recorded; the rest are counted in /metrics as before.
// Thread-safety: Take from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace authd {

class EventSampler {
 public:
  // Past `max_keys` keys the table is emptied (so memory stays bounded under a flood of
  // distinct keys; a forgotten key is merely recorded once more).
  EventSampler(int64_t period_seconds, size_t max_keys)
      : period_(period_seconds), max_keys_(max_keys) {}

  // Whether an event for `key` at `now` (seconds) should be recorded.
  bool Take(std::string_view key, int64_t now) {
    std::lock_guard lock(mu_);
    auto it = last_.find(std::string(key));
    if (it != last_.end() && now - it->second < period_) return false;
    if (it == last_.end() && last_.size() >= max_keys_) last_.clear();
    last_[std::string(key)] = now;
    return true;
  }

 private:
  const int64_t period_;
  const size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, int64_t> last_;  // GUARDED_BY(mu_)
};

}  // namespace authd
