#include "oidc/jwks.h"

#include <boost/json/array.hpp>

#include "tokens/jws_codec.h"
#include "tokens/pkey_key.h"

namespace authd {

StatusOr<ProviderKeys> ProviderKeys::Parse(std::string_view text) {
  auto doc = ParseJsonObjectStrict(text);
  const boost::json::value* keys = doc ? doc->if_contains("keys") : nullptr;
  if (keys == nullptr || !keys->is_array()) return InvalidArgument("not a JWK Set: no \"keys\" array");
  ProviderKeys set;
  for (const boost::json::value& jwk : keys->as_array()) {
    if (!jwk.is_object()) continue;
    auto key = PkeyKey::FromJwk(jwk.as_object());
    if (key.ok()) set.keys_.push_back(std::move(key).value());
  }
  if (set.keys_.empty()) return InvalidArgument("the JWK Set has no RS256, ES256 or EdDSA signing key");
  return set;
}

std::shared_ptr<const SigningKey> ProviderKeys::Find(std::optional<std::string_view> kid) const {
  if (!kid) return keys_.size() == 1 ? keys_.front() : nullptr;
  for (const auto& key : keys_) {
    if (auto own = key->KeyId(); own && *own == *kid) return key;
  }
  return nullptr;
}

}  // namespace authd
