// Counters behind brute-force protection and rate limits, keyed by strings the throttle layer
// chooses ("login:pair:...", "register:..."). They live in the database, not in memory, so a
// restart does not wipe an attacker's record and every instance on one database sees the same
// counts. The policy (how counts turn into waits) is the throttle layer's; the store only
// keeps entries and updates each one atomically.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "util/status.h"

namespace authd {

struct ThrottleEntry {
  int64_t count = 0;    // failures (or requests) counted so far
  int64_t last_at = 0;  // when count last moved, microseconds since the epoch
  int64_t until = 0;    // refused until this moment, microseconds (0: not blocked)
};

class ThrottleStore {
 public:
  using UpdateFn = std::function<ThrottleEntry(const std::optional<ThrottleEntry>& current)>;

  virtual ~ThrottleStore() = default;

  // The entry for `key`, or nullopt when there is none.
  virtual StatusOr<std::optional<ThrottleEntry>> Find(std::string_view key) = 0;

  // Reads the entry, passes it to `update` and stores what that returns, in one transaction:
  // concurrent updates of one key, from any thread or instance, never lose a count.
  // Returns the stored entry.
  virtual StatusOr<ThrottleEntry> Update(std::string_view key, const UpdateFn& update) = 0;

  // Forgets `key` (a successful login clears its address's failures).
  virtual Status Delete(std::string_view key) = 0;

  // Deletes entries neither touched nor blocking since `before` (microseconds); the number
  // deleted. Keeps the table to what is still in play.
  virtual StatusOr<int> DeleteIdle(int64_t before) = 0;
};

}  // namespace authd
