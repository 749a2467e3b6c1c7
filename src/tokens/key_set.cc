#include "tokens/key_set.h"

#include <boost/json/array.hpp>

#include <set>

namespace authd {

KeySet::KeySet(std::shared_ptr<const SigningKey> signer) { keys_.push_back(std::move(signer)); }

StatusOr<KeySet> KeySet::Create(std::shared_ptr<const SigningKey> signer,
                                std::vector<std::shared_ptr<const SigningKey>> verifiers) {
  if (!signer->CanSign()) {
    return InvalidArgument("the signing key is a public key; a private key is needed to sign");
  }
  KeySet set(std::move(signer));
  std::set<std::string> kids;
  if (auto kid = set.signer().KeyId()) kids.insert(*kid);
  for (auto& key : verifiers) {
    auto kid = key->KeyId();
    if (!kid) return InvalidArgument("a verifying key must be a PEM public or private key");
    if (!kids.insert(*kid).second) {
      return InvalidArgument("two configured keys are the same key (kid " + *kid + ")");
    }
    set.keys_.push_back(std::move(key));
  }
  return set;
}

const SigningKey* KeySet::Find(std::optional<std::string_view> kid) const {
  if (!kid) return keys_.front().get();
  for (const auto& key : keys_) {
    if (auto own = key->KeyId(); own && *own == *kid) return key.get();
  }
  if (!signer().KeyId()) return keys_.front().get();
  return nullptr;
}

boost::json::object KeySet::Jwks() const {
  boost::json::array keys;
  for (const auto& key : keys_) {
    auto jwk = key->PublicJwk();
    if (!jwk) continue;
    jwk->emplace("kid", *key->KeyId());
    jwk->emplace("alg", key->Algorithm());
    jwk->emplace("use", "sig");
    keys.push_back(std::move(*jwk));
  }
  return {{"keys", std::move(keys)}};
}

}  // namespace authd
