#include "http/allowed_hosts.h"

#include <algorithm>
#include <cctype>

namespace authd {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsNameChar(unsigned char c) { return std::isalnum(c) || c == '.' || c == '-'; }

bool IsName(std::string_view s) {
  return !s.empty() && s.size() <= 253 && std::all_of(s.begin(), s.end(), IsNameChar);
}

// "[" hex digits, ':' and '.' "]", with at least one ':'.
bool IsBracketedV6(std::string_view s) {
  if (s.size() < 4 || s.front() != '[' || s.back() != ']') return false;
  const std::string_view inner = s.substr(1, s.size() - 2);
  return inner.find(':') != std::string_view::npos &&
         std::all_of(inner.begin(), inner.end(), [](unsigned char c) {
           return std::isxdigit(c) || c == ':' || c == '.';
         });
}

// The host of a Host header without its port, lower case with any trailing dot removed;
// empty when the header is not a name or address with an optional port (Django's
// host_validation_re).
std::string HostPart(std::string_view header) {
  std::string_view host = header;
  const size_t colon = header.rfind(':');
  const size_t bracket = header.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = header.substr(colon + 1);
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); })) {
      return "";
    }
    host = header.substr(0, colon);
  }
  if (!IsName(host) && !IsBracketedV6(host)) return "";
  std::string out = Lower(host);
  if (out.size() > 1 && out.back() == '.') out.pop_back();
  return out;
}

}  // namespace

StatusOr<AllowedHosts> AllowedHosts::Parse(const std::vector<std::string>& entries) {
  AllowedHosts hosts;
  if (entries.empty()) return hosts;
  hosts.any_ = false;
  for (const std::string& e : entries) {
    if (e == "*") {
      hosts.any_ = true;
      continue;
    }
    const std::string_view name = e.starts_with('.') ? std::string_view(e).substr(1) : e;
    if (!(IsName(name) && name.front() != '.') && !(e == name && IsBracketedV6(e))) {
      return InvalidArgument("AUTHD_ALLOWED_HOSTS: '" + e +
                             "' is not a host name, '.domain', '[IPv6]' or '*' (no scheme or port)");
    }
    hosts.patterns_.push_back(Lower(e));
  }
  return hosts;
}

bool AllowedHosts::Allows(std::string_view header) const {
  if (any_) return true;
  const std::string host = HostPart(header);
  if (host.empty()) return false;
  for (const std::string& p : patterns_) {
    if (p.starts_with('.')) {
      // ".example.com": example.com itself, or any name ending in ".example.com".
      if (host == std::string_view(p).substr(1) || host.ends_with(p)) return true;
    } else if (host == p) {
      return true;
    }
  }
  return false;
}

}  // namespace authd
