// Cookies as RFC 6265 defines them: reading one value out of a request's Cookie header, and
// writing the Set-Cookie line of a cookie that only the server may read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

// The value of the first cookie called `name` in a Cookie header ("a=1; b=2"), without the
// double quotes RFC 6265 allows around it; nullopt when there is none. Pairs without '=' are
// skipped, as browsers send them.
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name);

struct CookieAttributes {
  std::string_view path = "/";
  int64_t max_age_seconds = 0;  // 0 with an empty value: delete the cookie
  bool secure = false;
  // Strict, unless the cookie must come back on a navigation another site starts (the OpenID
  // provider's redirect back to authd carries the sign-in's binding cookie only when Lax).
  std::string_view same_site = "Strict";
};

// "name=value; Path=...; Max-Age=...; HttpOnly; SameSite=Strict[; Secure]": never readable by
// scripts, never sent with a request another site starts (Lax: only on its top-level GETs). `value` must be cookie-octets
// (tokens are base64url and dots).
std::string HttpOnlyCookie(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes);

}  // namespace authd
