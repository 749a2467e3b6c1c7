// An OpenID provider's published keys (its jwks_uri, RFC 7517 JWK Set), as verifiers of its
// ID tokens. Keys authd cannot verify with (encryption keys, shared secrets, curves other than
// P-256 and Ed25519, RSA under 2048 bits) are skipped, not fatal: providers list several.
// Thread-safety: immutable after parsing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokens/signing_key.h"
#include "util/status.h"

namespace authd {

class ProviderKeys {
 public:
  // The JWK Set document's text. InvalidArgument when it is not {"keys": [...]} or holds no
  // usable key.
  static StatusOr<ProviderKeys> Parse(std::string_view text);

  // The key an ID token names by `kid`; with no kid, the only key (several: null, since the
  // token must say which). Null when none matches: the caller may fetch the set again.
  std::shared_ptr<const SigningKey> Find(std::optional<std::string_view> kid) const;

  size_t size() const { return keys_.size(); }

 private:
  std::vector<std::shared_ptr<const SigningKey>> keys_;
};

}  // namespace authd
