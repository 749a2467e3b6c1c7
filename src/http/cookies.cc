#include "http/cookies.h"

#include "util/strings.h"

namespace authd {

std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (StripAsciiWhitespace(pair.substr(0, eq)) != name) continue;
    std::string_view value = StripAsciiWhitespace(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

std::string HttpOnlyCookie(std::string_view name, std::string_view value,
                           const CookieAttributes& attributes) {
  std::string line;
  line.append(name).append("=").append(value);
  line.append("; Path=").append(attributes.path);
  line.append("; Max-Age=").append(std::to_string(attributes.max_age_seconds));
  line.append("; HttpOnly; SameSite=").append(attributes.same_site);
  if (attributes.secure) line.append("; Secure");
  return line;
}

}  // namespace authd
