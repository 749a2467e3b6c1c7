#include "mfa/totp.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstdio>

namespace authd {

std::string TotpCode(std::string_view secret, int64_t step, int digits) {
  std::array<unsigned char, 8> counter;
  for (int i = 7; i >= 0; --i) {
    counter[static_cast<size_t>(i)] = static_cast<unsigned char>(step & 0xff);
    step >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  size_t mac_len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA1", nullptr, secret.data(), secret.size(),
            counter.data(), counter.size(), mac.data(), mac.size(), &mac_len);
  // RFC 4226 section 5.3: dynamic truncation.
  const size_t offset = mac[mac_len - 1] & 0x0f;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                          static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%0*u", digits, binary % modulus);
  return buf;
}

std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view code,
                                 int64_t now_seconds) {
  if (code.size() != 6) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  const int64_t now_step = now_seconds / kTotpStepSeconds;
  std::optional<int64_t> matched;
  // Every candidate is computed and compared, matched or not, so timing tells nothing.
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    const std::string expected = TotpCode(secret, step);
    if (CRYPTO_memcmp(expected.data(), code.data(), 6) == 0 && !matched) matched = step;
  }
  return matched;
}

std::string Base32Encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 5) {
      out += kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
  return out;
}

namespace {

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

std::string OtpauthUrl(std::string_view issuer, std::string_view account, std::string_view secret) {
  return "otpauth://totp/" + PercentEncode(issuer) + ":" + PercentEncode(account) +
         "?secret=" + Base32Encode(secret) + "&issuer=" + PercentEncode(issuer);
}

}  // namespace authd
