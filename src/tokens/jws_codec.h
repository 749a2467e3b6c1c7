// Compact JWS (RFC 7515) with one key: encoding, and strict structural and signature checks.
// Strict means: exactly three segments, canonical unpadded base64url, header and payload UTF-8
// JSON objects (a duplicate member keeps its last value, as RFC 7515 section 5.2 allows and
// PyJWT does), the key's own "alg" only, no "crit", no key material
// or URLs taken from the header, bounded size. Claims are checked by TokenService, not here.
// Thread-safety: immutable after construction; use from any thread.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "tokens/key_set.h"
#include "tokens/signing_key.h"
#include "tokens/token_error.h"
#include "util/result.h"

namespace authd {

inline constexpr size_t kMaxTokenBytes = 8192;

class JwsCodec {
 public:
  explicit JwsCodec(KeySet keys);
  explicit JwsCodec(std::shared_ptr<const SigningKey> key) : JwsCodec(KeySet(std::move(key))) {}

  // header.payload.signature under the signing key, with header {"alg":...,"typ":"JWT"} (plus
  // "kid" if the key has one).
  std::string Encode(const boost::json::object& payload) const;

  // The payload of a token whose structure, header and signature are valid under one of the
  // configured keys (chosen by kid), with that key's algorithm.
  Result<boost::json::object, TokenError> Decode(std::string_view token) const;

  const KeySet& keys() const { return keys_; }

 private:
  KeySet keys_;
  std::string encoded_header_;  // the same for every token this key signs
};

// The "kid" of a compact JWS's header, unverified: only to choose the key to verify it with.
// nullopt when there is none or the token is malformed (its verification then says how).
std::optional<std::string> PeekKeyId(std::string_view token);

// Parses `text` as a JSON object, refusing invalid UTF-8 and anything that is not an object.
std::optional<boost::json::object> ParseJsonObjectStrict(std::string_view text);

}  // namespace authd
