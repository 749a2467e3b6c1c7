// Helpers for token tests: forge tokens with arbitrary headers, payloads and keys.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <string>

#include "tokens/hmac_key.h"
#include "util/base64url.h"

namespace authd::testing {

// header.payload.signature signed with HS256 under `secret`, whatever the header says.
inline std::string ForgeToken(const std::string& header_json, const std::string& payload_json,
                              const std::string& secret) {
  std::string input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  HmacKey key(secret);
  return input + "." + Base64UrlEncode(key.Sign(input));
}

inline std::string Json(const boost::json::object& o) { return boost::json::serialize(o); }

}  // namespace authd::testing
