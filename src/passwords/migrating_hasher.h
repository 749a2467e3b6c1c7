// The hasher the service uses: new hashes are Argon2id; stored hashes may also be any Django
// format (users brought over by authd import-django). A Django hash always needs a rehash, so
// the first successful login replaces it with Argon2id and the Django hash is gone.
#pragma once

#include "passwords/argon2id_hasher.h"
#include "passwords/password_hasher.h"

namespace authd {

class MigratingHasher final : public PasswordHasher {
 public:
  explicit MigratingHasher(const Argon2idHasher& current) : current_(current) {}

  std::string Hash(std::string_view password) const override;
  bool Verify(std::string_view encoded, std::string_view password) const override;
  bool NeedsRehash(std::string_view encoded) const override;

 private:
  const Argon2idHasher& current_;
};

}  // namespace authd
