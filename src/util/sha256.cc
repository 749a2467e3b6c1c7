#include "util/sha256.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <span>

#include "util/random.h"  // ToHex

namespace authd {

std::string Sha256Hex(std::string_view bytes) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &n, EVP_sha256(), nullptr);
  return ToHex(std::span<const uint8_t>(digest.data(), n));
}

std::string Sha256(std::string_view bytes) {
  std::array<uint8_t, EVP_MAX_MD_SIZE> digest{};
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest.data()), n);
}

}  // namespace authd
