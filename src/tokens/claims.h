// The claims of a verified token, in simplejwt's vocabulary.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace authd {

inline constexpr std::string_view kAccessType = "access";
inline constexpr std::string_view kRefreshType = "refresh";

struct TokenClaims {
  std::string token_type;          // "access" or "refresh" (empty only for untyped checks)
  int64_t exp = 0;                 // seconds since the epoch
  std::optional<int64_t> iat;
  std::string jti;
  std::optional<int64_t> user_id;  // set when the claim is an integer (or a string of digits)
  // Every claim as received, for copying into new tokens. Shared: claims are copied out of the
  // verified-token cache on every hit, and the payload is never changed once made.
  std::shared_ptr<const boost::json::object> payload;
};

}  // namespace authd
