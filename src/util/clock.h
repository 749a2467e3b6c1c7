// Time as an injected dependency, so tests move time instead of sleeping.
// Thread-safety: SystemClock is stateless; ManualClock is safe to read and set from any thread.
#pragma once

#include <atomic>
#include <cstdint>

namespace authd {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch (UTC).
  virtual int64_t NowMicros() const = 0;
  int64_t NowSeconds() const { return NowMicros() / 1'000'000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t micros) : now_(micros) {}
  int64_t NowMicros() const override { return now_.load(); }
  void SetMicros(int64_t micros) { now_.store(micros); }
  void AdvanceSeconds(int64_t s) { now_.fetch_add(s * 1'000'000); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace authd
