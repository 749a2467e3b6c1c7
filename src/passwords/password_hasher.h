// Password hashing behind an interface: Argon2id today; Django's formats can be added as
// further verifiers without touching callers.
// Thread-safety: implementations are safe to call from any thread. Calls are slow by design
// (tens of milliseconds): never call them on an I/O thread (see runtime/blocking_pool.h).
#pragma once

#include <string>
#include <string_view>

namespace authd {

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // A self-describing encoded hash (PHC string format) of `password` with a fresh salt.
  virtual std::string Hash(std::string_view password) const = 0;
  // True when `password` matches `encoded`. False for any unparsable or unknown hash.
  virtual bool Verify(std::string_view encoded, std::string_view password) const = 0;
  // True when `encoded` was made with weaker parameters than the current ones (or another
  // algorithm), so it should be replaced after the next successful login.
  virtual bool NeedsRehash(std::string_view encoded) const = 0;
};

}  // namespace authd
