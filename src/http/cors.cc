#include "http/cors.h"

#include <algorithm>
#include <cctype>

namespace authd {
namespace {

// scheme "://" host [":" port], lower-case scheme and host, as browsers send Origin.
bool IsOrigin(std::string_view s) {
  const size_t sep = s.find("://");
  if (sep == std::string_view::npos) return false;
  const std::string_view scheme = s.substr(0, sep);
  const std::string_view rest = s.substr(sep + 3);
  if (scheme != "http" && scheme != "https") return false;
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string_view::npos) return false;
  return std::none_of(rest.begin(), rest.end(), [](unsigned char c) { return std::isupper(c); });
}

}  // namespace

StatusOr<Cors> Cors::Parse(const std::vector<std::string>& origins) {
  Cors cors;
  for (const std::string& o : origins) {
    if (o == "*") {
      return InvalidArgument(
          "AUTHD_CORS_ALLOWED_ORIGINS: '*' is not allowed; list each origin exactly");
    }
    if (!IsOrigin(o)) {
      return InvalidArgument("AUTHD_CORS_ALLOWED_ORIGINS: '" + o +
                             "' is not an origin (scheme://host[:port], lower case, no path)");
    }
    cors.origins_.push_back(o);
  }
  return cors;
}

bool Cors::Allows(std::string_view origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

void Cors::Decorate(const Request& request, Response& response) const {
  if (!enabled()) return;
  response.AddHeader("Vary", "Origin");
  if (request.origin.empty() || !Allows(request.origin)) return;
  response.AddHeader("Access-Control-Allow-Origin", std::string(request.origin));
  if (request.method == "OPTIONS" && !request.cors_request_method.empty()) {
    std::string methods;
    for (const auto& [name, value] : response.headers) {
      if (name == "Allow") methods = value;
    }
    if (!methods.empty()) response.AddHeader("Access-Control-Allow-Methods", methods);
    response.AddHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID");
    response.AddHeader("Access-Control-Max-Age", "600");
  } else {
    response.AddHeader("Access-Control-Expose-Headers", "Retry-After, X-Request-ID");
  }
}

}  // namespace authd
