#include "mail/address.h"

#include <string_view>

namespace authd {

bool IsMailableAddress(std::string_view address) {
  // RFC 5321's limit on a path; RFC 5322's specials and every control or space byte refused.
  if (address.empty() || address.size() > 254) return false;
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() || at > 64) return false;
  static constexpr std::string_view kRefused = "<>()[]\\,;:\"@ ";
  for (size_t i = 0; i < address.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(address[i]);
    if (c <= 0x20 || c >= 0x7f) return false;
    if (i != at && kRefused.find(static_cast<char>(c)) != std::string_view::npos) return false;
  }
  const std::string_view domain = address.substr(at + 1);
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  const std::string_view local = address.substr(0, at);
  return local.front() != '.' && local.back() != '.' && local.find("..") == std::string_view::npos;
}

std::string_view AddressDomain(std::string_view address) {
  const size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

}  // namespace authd
