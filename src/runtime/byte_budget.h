// A number of bytes shared by many holders, such as the answers the server has built but the
// clients have not read yet: each holder reserves what it keeps and gives it back when done,
// and a reservation that would pass the limit is refused, so slow readers together cannot pin
// more memory than the limit, however many they are.
// Thread-safety: every method may be called from any thread at once (one atomic counter).
#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

namespace authd {

class ByteBudget {
 public:
  explicit ByteBudget(size_t limit) : limit_(limit) {}

  // Held while the bytes are kept; ok() false when they did not fit.
  class Reservation {
   public:
    Reservation(Reservation&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), bytes_(other.bytes_) {}
    Reservation& operator=(Reservation&&) = delete;
    ~Reservation() {
      if (owner_ != nullptr) owner_->used_.fetch_sub(bytes_, std::memory_order_relaxed);
    }
    bool ok() const { return ok_; }
    // A reservation of nothing, for what the budget does not count.
    static Reservation None() { return Reservation(nullptr, 0, true); }

   private:
    friend class ByteBudget;
    Reservation(ByteBudget* owner, size_t bytes, bool ok) : owner_(owner), bytes_(bytes), ok_(ok) {}
    ByteBudget* owner_;  // set while the bytes count against the budget
    size_t bytes_;
    bool ok_;
  };

  Reservation Reserve(size_t bytes) {
    size_t used = used_.load(std::memory_order_relaxed);
    do {
      if (bytes > limit_ || used > limit_ - bytes) return Reservation(nullptr, 0, false);
    } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
    return Reservation(this, bytes, true);
  }

  size_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

}  // namespace authd
