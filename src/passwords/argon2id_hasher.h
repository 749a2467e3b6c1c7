// Argon2id (RFC 9106) through libargon2, at OWASP's recommended minimum by default
// (m=19 MiB, t=2, p=1), encoded as "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>".
#pragma once

#include <cstdint>
#include <optional>

#include "passwords/password_hasher.h"
#include "util/random.h"

namespace authd {

struct Argon2Params {
  uint32_t memory_kib = 19456;
  uint32_t iterations = 2;
  uint32_t parallelism = 1;
};

// Reads m, t and p from an "$argon2id$v=19$m=..,t=..,p=..$..$.." string.
std::optional<Argon2Params> ParseArgon2Params(std::string_view encoded);

// Reads the "m=..,t=..,p=.." segment alone (any Argon2 variant's).
std::optional<Argon2Params> ParseArgon2Costs(std::string_view costs);

// False for stored costs no sane deployment uses (over 4 GiB, 64 passes or 64 lanes): a
// planted hash must not make verification exhaust memory or CPU.
bool WithinArgon2Limits(const Argon2Params& params);

class Argon2idHasher final : public PasswordHasher {
 public:
  Argon2idHasher(Argon2Params params, Random& random) : params_(params), random_(random) {}

  std::string Hash(std::string_view password) const override;
  bool Verify(std::string_view encoded, std::string_view password) const override;
  bool NeedsRehash(std::string_view encoded) const override;

  const Argon2Params& params() const { return params_; }

 private:
  Argon2Params params_;
  Random& random_;
};

}  // namespace authd
