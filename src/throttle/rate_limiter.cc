#include "throttle/rate_limiter.h"

#include <algorithm>

namespace authd {

StatusOr<int64_t> RateLimiter::Take(std::string_view subject) {
  constexpr int64_t kMicros = 1'000'000;
  const int64_t now = clock_.NowMicros();
  const int64_t period = rate_.period_seconds * kMicros;
  const int64_t interval = period / rate_.count;  // the time one request "costs"
  int64_t wait_micros = 0;
  std::string key = prefix_;
  key.append(":").append(subject);
  auto stored = store_.Update(key, [&](const std::optional<ThrottleEntry>& current) {
    ThrottleEntry next = current.value_or(ThrottleEntry{});
    // `until` holds the arrival time: how far ahead of now the subject has spent its budget.
    const int64_t arrival = std::max(next.until, now) + interval;
    if (arrival - now > period) {
      wait_micros = arrival - period - now;
      return next;  // refused: nothing spent
    }
    next.count += 1;
    next.last_at = now;
    next.until = arrival;
    return next;
  });
  if (!stored.ok()) return stored.status();
  return (wait_micros + kMicros - 1) / kMicros;
}

}  // namespace authd
