// A request rate per subject (such as registrations per client address), as the generic cell
// rate algorithm (GCRA): each subject keeps one time, its "theoretical arrival time", in the
// throttle store. `count` requests per `period` are allowed, in a burst or spread out, and
// after the burst one more every period / count. One row per subject, whatever the rate.
// Thread-safety: Take may be called from any thread at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/throttle_store.h"
#include "util/clock.h"
#include "util/status.h"

namespace authd {

struct Rate {
  int64_t count = 0;
  int64_t period_seconds = 0;
};

class RateLimiter {
 public:
  // `prefix` names the limit in its keys ("register").
  RateLimiter(ThrottleStore& store, const Clock& clock, Rate rate, std::string prefix)
      : store_(store), clock_(clock), rate_(rate), prefix_(std::move(prefix)) {}

  // Counts one request by `subject`: 0 when it may proceed, else the seconds until it may
  // (and nothing is counted).
  StatusOr<int64_t> Take(std::string_view subject);

 private:
  ThrottleStore& store_;
  const Clock& clock_;
  const Rate rate_;
  const std::string prefix_;
};

}  // namespace authd
