// Session ticket keys that rotate. A ticket lets a client resume a TLS session without a full
// handshake; it is the session's state sealed with a key only the server holds. One key for the
// process's life would let whoever ever reads it decrypt every session resumed since (forward
// secrecy lost), which is why Mozilla's profile turns tickets off in servers that cannot
// rotate. Here a new key is made every `rotate_every` (12 hours); tickets are sealed with the
// newest and opened with any of the last three, so one stays usable for 24 to 36 hours, past
// the sessions' one day, and is renewed under the newest key when opened with an older one.
// The ring is shared by every context a certificate reload builds: reloads keep resumption.
// Thread-safety: safe from any thread (OpenSSL calls it from every I/O thread).
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <span>

#include "util/clock.h"
#include "util/random.h"

namespace authd {

class TicketKeys {
 public:
  struct Key {
    std::array<uint8_t, 16> name{};  // sent in the clear with each ticket, to find the key
    std::array<uint8_t, 32> aes{};   // AES-256-CBC
    std::array<uint8_t, 32> hmac{};  // HMAC-SHA256
    int64_t created_at = 0;          // seconds
  };
  static constexpr size_t kKept = 3;

  TicketKeys(const Clock& clock, Random& random,
             std::chrono::seconds rotate_every = std::chrono::hours(12))
      : clock_(clock), random_(random), rotate_every_(rotate_every.count()) {}

  // Makes `ctx` seal and open tickets with this ring (which must outlive it).
  void Attach(SSL_CTX* ctx);

  // The key to seal with now, made anew when the newest has served its time.
  Key Current();
  // The kept key named `name` (16 bytes), and whether it is the newest; nullopt when it is
  // gone or older than kKept rotations.
  std::optional<std::pair<Key, bool>> Find(const uint8_t* name);
  // A fresh IV for a ticket.
  void FillIv(uint8_t* iv, size_t size) { random_.Fill(std::span<uint8_t>(iv, size)); }

 private:
  const Clock& clock_;
  Random& random_;
  const int64_t rotate_every_;
  std::mutex mu_;
  std::deque<Key> keys_;  // newest first; GUARDED_BY(mu_)
};

}  // namespace authd
