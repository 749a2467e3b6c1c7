// Cross-origin requests from browser apps on other origins (AUTHD_CORS_ALLOWED_ORIGINS). Off
// unless origins are listed; each is matched exactly, never by pattern or "*". authd's API
// authenticates with a bearer token, not cookies, so credentials are never allowed: a page on
// an allowed origin can call the API with a token it holds, and nothing more.
//
// Every answer to a request whose Origin is allowed names that origin; a preflight (OPTIONS
// with Access-Control-Request-Method) also gets the route's methods and the request headers
// the API reads. Answers vary by Origin whenever CORS is on, so a shared cache never hands
// one origin's answer to another.
// Thread-safety: immutable after construction.
#pragma once

#include <string>
#include <vector>

#include "http/message.h"
#include "util/status.h"

namespace authd {

class Cors {
 public:
  Cors() = default;  // off

  // "https://app.example" (scheme, host, optional port; no path). InvalidArgument names the
  // first entry that is not an origin, and "*".
  static StatusOr<Cors> Parse(const std::vector<std::string>& origins);

  bool enabled() const { return !origins_.empty(); }

  // Adds the CORS headers `request` calls for to `response` (which carries its Allow header).
  void Decorate(const Request& request, Response& response) const;

 private:
  bool Allows(std::string_view origin) const;
  std::vector<std::string> origins_;
};

}  // namespace authd
