#include "throttle/login_throttle.h"

#include <algorithm>
#include <utility>

#include "users/user_rules.h"

namespace authd {
namespace {

constexpr int64_t kMicros = 1'000'000;
// One failure in this many also deletes entries that have gone idle, so the table holds only
// what is still in play without a separate cleaning job.
constexpr uint64_t kSweepEvery = 1024;

int64_t CeilSeconds(int64_t micros) { return (micros + kMicros - 1) / kMicros; }

// The entry as it counts at `now`: a counter idle for longer than the window starts afresh.
ThrottleEntry Current(const std::optional<ThrottleEntry>& entry, int64_t now,
                      int64_t window_micros) {
  if (entry && now - entry->last_at <= window_micros) return *entry;
  return ThrottleEntry{};
}

// `current` with one more failure at `now`.
ThrottleEntry CountFailure(const std::optional<ThrottleEntry>& current, int64_t now,
                           int64_t window_micros) {
  ThrottleEntry next = Current(current, now, window_micros);
  next.count += 1;
  next.last_at = now;
  return next;
}

}  // namespace

std::string LoginThrottle::AccountKey(std::string_view username) {
  return "login:account:" + std::string(username);
}

std::string LoginThrottle::AddressKey(std::string_view address) {
  return "login:address:" + std::string(address);
}

std::string LoginThrottle::PairKey(std::string_view username, std::string_view address) {
  // An address holds no space, so the split is unambiguous whatever the username holds.
  std::string key = "login:pair:";
  key.append(address).append(" ").append(username);
  return key;
}

bool LoginThrottle::Counted(std::string_view username) const {
  return options_.enabled && username.size() <= kUsernameMaxLength * 4;  // 4 bytes per char
}

int64_t LoginThrottle::BackoffSeconds(int64_t failures, int64_t free) const {
  if (failures < free) return 0;
  const int64_t doublings = std::min<int64_t>(failures - free, 40);  // 2^40 s is past any max
  return std::min(options_.backoff_base_seconds << doublings, options_.backoff_max_seconds);
}

LoginThrottle::Attempt::Attempt(Attempt&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)),
      key_(std::move(other.key_)),
      wait_seconds_(other.wait_seconds_),
      had_failures_(other.had_failures_) {}

LoginThrottle::Attempt::~Attempt() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->mu_);
  auto it = owner_->in_flight_.find(key_);
  if (--it->second == 0) owner_->in_flight_.erase(it);
}

StatusOr<LoginThrottle::Attempt> LoginThrottle::Begin(std::string_view username,
                                                      std::string_view address) {
  Attempt attempt;
  if (!Counted(username)) return attempt;
  const int64_t now = clock_.NowMicros();
  // The account's and the address's own waits hold for every pair they take part in.
  for (const std::string& wide : {AccountKey(username), AddressKey(address)}) {
    auto entry = store_.Find(wide);
    if (!entry.ok()) return entry.status();
    if (*entry && (*entry)->until > now) {
      attempt.wait_seconds_ = std::max(attempt.wait_seconds_, CeilSeconds((*entry)->until - now));
    }
  }
  std::string key = PairKey(username, address);
  auto entry = store_.Find(key);
  if (!entry.ok()) return entry.status();
  if (attempt.wait_seconds_ > 0) {
    attempt.had_failures_ = entry->has_value();
    return attempt;
  }
  int64_t failures = 0;
  if (*entry) {
    attempt.had_failures_ = true;
    if ((*entry)->until > now) {
      attempt.wait_seconds_ = CeilSeconds((*entry)->until - now);
      return attempt;
    }
    failures = Current(*entry, now, options_.window_seconds * kMicros).count;
  }
  const int64_t allowed = std::max<int64_t>(1, options_.free_attempts - failures);
  std::lock_guard lock(mu_);
  int& under_way = in_flight_[key];
  if (under_way >= allowed) {
    attempt.wait_seconds_ = 1;  // the pair's earlier guesses are still being checked
    return attempt;
  }
  ++under_way;
  attempt.owner_ = this;
  attempt.key_ = std::move(key);
  return attempt;
}

Status LoginThrottle::RecordFailure(std::string_view username, std::string_view address) {
  if (!Counted(username)) return Status::Ok();
  const int64_t now = clock_.NowMicros();
  const int64_t window = options_.window_seconds * kMicros;
  // One more failure on `key`, which waits once past `free` failures.
  auto count = [&](const std::string& key, int64_t free) {
    return store_.Update(key, [&](const auto& current) {
      ThrottleEntry next = CountFailure(current, now, window);
      const int64_t wait = BackoffSeconds(next.count, free);
      next.until = wait > 0 ? now + wait * kMicros : 0;
      return next;
    });
  };
  auto account = count(AccountKey(username), options_.account_ceiling);
  if (!account.ok()) return account.status();
  auto by_address = count(AddressKey(address), options_.address_threshold);
  if (!by_address.ok()) return by_address.status();
  const int64_t free = account->count >= options_.account_threshold ? 1 : options_.free_attempts;
  auto pair = count(PairKey(username, address), free);
  if (!pair.ok()) return pair.status();
  if (failures_seen_.fetch_add(1, std::memory_order_relaxed) % kSweepEvery == kSweepEvery - 1) {
    auto swept = store_.DeleteIdle(now - window);
    if (!swept.ok()) return swept.status();
  }
  return Status::Ok();
}

Status LoginThrottle::RecordSuccess(std::string_view username, std::string_view address) {
  if (!Counted(username)) return Status::Ok();
  return store_.Delete(PairKey(username, address));
}

}  // namespace authd
