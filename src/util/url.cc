#include "util/url.h"

#include <string>

#include "util/strings.h"

namespace authd {
namespace {

bool IsLoopbackIpv4(std::string_view host) {
  int parts = 0;
  for (std::string_view part : SplitView(host, '.')) {
    if (part.empty() || part.size() > 3) return false;
    for (char c : part) {
      if (c < '0' || c > '9') return false;
    }
    if (std::stoi(std::string(part)) > 255 || (parts == 0 && part != "127")) return false;
    ++parts;
  }
  return parts == 4;
}

}  // namespace

std::string_view UrlHost(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.find('@') != std::string_view::npos) return {};
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    return close == std::string_view::npos ? std::string_view() : rest.substr(0, close + 1);
  }
  return rest.substr(0, rest.find(':'));
}

bool IsLoopbackHttpUrl(std::string_view url) {
  if (!url.starts_with("http://")) return false;
  const std::string_view host = UrlHost(url);
  return host == "localhost" || host == "[::1]" || IsLoopbackIpv4(host);
}

std::string FormEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace authd
