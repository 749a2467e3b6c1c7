// The claims of a verified token, in simplejwt's vocabulary.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
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
  boost::json::object payload;     // every claim as received, for copying into new tokens
};

}  // namespace authd
