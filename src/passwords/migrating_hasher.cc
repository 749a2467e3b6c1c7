#include "passwords/migrating_hasher.h"

#include "passwords/django_hashes.h"

namespace authd {

std::string MigratingHasher::Hash(std::string_view password) const {
  return current_.Hash(password);
}

bool MigratingHasher::Verify(std::string_view encoded, std::string_view password) const {
  if (IsDjangoHash(encoded)) return VerifyDjangoHash(encoded, password);
  return current_.Verify(encoded, password);
}

bool MigratingHasher::NeedsRehash(std::string_view encoded) const {
  return IsDjangoHash(encoded) || current_.NeedsRehash(encoded);
}

}  // namespace authd
