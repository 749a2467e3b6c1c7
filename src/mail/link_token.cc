#include "mail/link_token.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>

#include "util/base64url.h"
#include "util/sha256.h"

namespace authd {

std::string NewLinkToken(Random& random) {
  std::array<uint8_t, 32> bytes;
  random.Fill(bytes);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string LinkTokenHash(std::string_view token) { return Sha256Hex(token); }

std::string LinkUrl(std::string_view public_url, std::string_view path, std::string_view token) {
  // The token is base64url: safe in a query string as it is.
  return std::string(public_url) + std::string(path) + "?token=" + std::string(token);
}

}  // namespace authd
