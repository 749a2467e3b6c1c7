// Second-factor secrets at rest: sealed with AES-256-GCM (OpenSSL) under the key in
// AUTHD_ENCRYPTION_KEY_FILE, or, without one, kept as they are (marked so), so that turning
// encryption on later still reads them. A sealed value names nothing but its version.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/random.h"
#include "util/status.h"

namespace authd {

class SecretBox {
 public:
  // No key: values are stored plainly ("plain:" + base64url).
  SecretBox() = default;
  // The file holds 64 hex characters (`openssl rand -hex 32`). InvalidArgument naming
  // AUTHD_ENCRYPTION_KEY_FILE otherwise.
  static StatusOr<SecretBox> FromKeyFile(const std::string& path);

  bool encrypting() const { return key_.has_value(); }
  // "v1:" + base64url(nonce || ciphertext || tag), or "plain:" + base64url(secret).
  std::string Seal(std::string_view secret, Random& random) const;
  // FailedPrecondition when the value is sealed and no key (or another key) is set.
  StatusOr<std::string> Open(std::string_view sealed) const;

 private:
  std::optional<std::string> key_;  // 32 bytes
};

}  // namespace authd
