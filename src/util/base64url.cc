#include "util/base64url.h"

#include <openssl/evp.h>

#include <array>

namespace authd {
namespace {

// Value of each URL-safe character, or -1. Used only to validate before OpenSSL decodes.
constexpr std::array<int8_t, 256> MakeTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr auto kValue = MakeTable();

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out = Base64Encode(bytes);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    else if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  const size_t rem = text.size() % 4;
  if (rem == 1) return std::nullopt;  // no byte string encodes to this length
  for (char c : text) {
    if (kValue[static_cast<unsigned char>(c)] < 0) return std::nullopt;
  }
  // Canonical form: the bits below the last full byte must be zero.
  if (rem != 0) {
    const int last = kValue[static_cast<unsigned char>(text.back())];
    const int unused_mask = (rem == 2) ? 0x0f : 0x03;
    if ((last & unused_mask) != 0) return std::nullopt;
  }

  std::string std64(text);
  for (char& c : std64) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  size_t padding = rem == 0 ? 0 : 4 - rem;
  std64.append(padding, '=');

  std::string out(3 * std64.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(std64.data()),
                          static_cast<int>(std64.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

}  // namespace authd
