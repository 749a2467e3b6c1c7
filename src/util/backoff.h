// Exponential backoff for work retried on its own thread (the mail outbox, webhook
// deliveries): the wait before attempt `attempts` + 1, after `attempts` failed ones: `first`,
// doubling, never more than `max`.
#pragma once

#include <algorithm>
#include <cstdint>

namespace authd {

inline int64_t DoublingDelay(int attempts, int64_t first, int64_t max) {
  int64_t delay = first;
  for (int i = 1; i < attempts && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

}  // namespace authd
