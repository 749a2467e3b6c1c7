// At most N things under way per key, in this process. Per client address: hashing jobs
// (running and queued), so one address cannot take the whole hashing pool (300 concurrent
// logins from one address used to fill its queue, and every other login got 503), and
// connections, so one address cannot take every connection slot.
// Thread-safety: every method may be called from any thread at once (one mutex, taken twice
// per slot).
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace authd {

class ConcurrencyLimiter {
 public:
  // `per_key` 0: no limit.
  explicit ConcurrencyLimiter(int per_key) : per_key_(per_key) {}

  // Held while the job is under way; acquired() false when the key was at its limit.
  class Slot {
   public:
    Slot(Slot&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), key_(std::move(other.key_)) {}
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (owner_ != nullptr) owner_->Release(key_);
    }
    bool acquired() const { return acquired_; }

   private:
    friend class ConcurrencyLimiter;
    Slot(ConcurrencyLimiter* owner, std::string key, bool acquired)
        : owner_(owner), key_(std::move(key)), acquired_(acquired) {}
    ConcurrencyLimiter* owner_;  // set while this slot counts against its key
    std::string key_;
    bool acquired_ = true;
  };

  // A slot that counts against nothing (for a client no limit applies to).
  static Slot Unlimited() { return Slot(nullptr, {}, true); }

  Slot Acquire(std::string key) {
    if (per_key_ <= 0) return Unlimited();
    std::lock_guard lock(mu_);
    int& held = held_[key];
    if (held >= per_key_) return Slot(nullptr, {}, false);
    ++held;
    return Slot(this, std::move(key), true);
  }

 private:
  void Release(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = held_.find(key);
    if (it != held_.end() && --it->second <= 0) held_.erase(it);
  }

  const int per_key_;
  std::mutex mu_;
  std::unordered_map<std::string, int> held_;  // GUARDED_BY(mu_)
};

}  // namespace authd
