// A key that signs and verifies JWS signing inputs with exactly one algorithm.
// Implementations: HmacKey (HS256), PkeyKey (EdDSA, ES256, RS256). The verifier only ever asks a key to check its own algorithm,
// so a token cannot pick how it is verified (RFC 8725 section 3.1).
#pragma once

#include <boost/json/object.hpp>

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
  // The public key as a JWK (kty and its key members, no kid/alg/use), for JWKS. Never set for
  // a shared secret.
  virtual std::optional<boost::json::object> PublicJwk() const { return std::nullopt; }
  // False for a verification-only (public) key.
  virtual bool CanSign() const { return true; }
  // The raw signature bytes over `signing_input`. Only called when CanSign().
  virtual std::string Sign(std::string_view signing_input) const = 0;
  // True when `signature` (raw bytes) is valid for `signing_input`. Constant-time for MACs.
  virtual bool Verify(std::string_view signing_input, std::string_view signature) const = 0;
};

}  // namespace authd
