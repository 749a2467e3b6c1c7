// A key that signs and verifies JWS signing inputs with exactly one algorithm.
// Implementations: HmacKey (HS256). The verifier only ever asks a key to check its own algorithm,
// so a token cannot pick how it is verified (RFC 8725 section 3.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace authd {

class SigningKey {
 public:
  virtual ~SigningKey() = default;
  // The JWS "alg" value this key signs with, e.g. "HS256".
  virtual std::string_view Algorithm() const = 0;
  // The "kid" header value, when the key has one.
  virtual std::optional<std::string> KeyId() const { return std::nullopt; }
  // The raw signature bytes over `signing_input`.
  virtual std::string Sign(std::string_view signing_input) const = 0;
  // True when `signature` (raw bytes) is valid for `signing_input`. Constant-time for MACs.
  virtual bool Verify(std::string_view signing_input, std::string_view signature) const = 0;
};

}  // namespace authd
