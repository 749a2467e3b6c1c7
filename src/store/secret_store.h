// Named secrets kept in the database, such as the generated HS256 signing key, so every
// restart (and every instance on a shared database) uses the same value.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

class SecretStore {
 public:
  virtual ~SecretStore() = default;
  // The secret called `name`; when there is none yet, `make()` is stored and returned. When two
  // callers race, both get the value that was stored first.
  virtual StatusOr<std::string> GetOrCreate(std::string_view name,
                                            const std::function<std::string()>& make) = 0;
};

}  // namespace authd
