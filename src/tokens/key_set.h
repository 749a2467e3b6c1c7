// The keys a token service holds: one that signs, and older ones still accepted while their
// tokens live out (key rotation without downtime). A token picks among them only by "kid", and
// must then use that key's own algorithm.
// Thread-safety: immutable after construction; use from any thread.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "util/status.h"
#include "tokens/signing_key.h"

namespace authd {

class KeySet {
 public:
  explicit KeySet(std::shared_ptr<const SigningKey> signer);
  // InvalidArgument when the signer cannot sign or two keys share a kid.
  static StatusOr<KeySet> Create(std::shared_ptr<const SigningKey> signer,
                                 std::vector<std::shared_ptr<const SigningKey>> verifiers);

  const SigningKey& signer() const { return *keys_.front(); }

  // The key to check a token with: the one whose kid matches, or with no kid the signer.
  // A kid is ignored when the signer has none (an HS256 secret, as PyJWT ignores it there).
  // Null when the kid names no key.
  const SigningKey* Find(std::optional<std::string_view> kid) const;

  // {"keys": [...]}: every public key with kid, alg and use; never a secret.
  boost::json::object Jwks() const;

 private:
  std::vector<std::shared_ptr<const SigningKey>> keys_;  // [0] signs
};

}  // namespace authd
