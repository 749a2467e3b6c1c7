#include "passwords/argon2id_hasher.h"

#include <argon2.h>
#include <openssl/crypto.h>

#include <array>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace authd {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;
constexpr std::string_view kPrefix = "$argon2id$v=19$";

}  // namespace

std::optional<Argon2Params> ParseArgon2Params(std::string_view encoded) {
  if (!encoded.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = encoded.substr(kPrefix.size());
  const size_t end = rest.find('$');
  if (end == std::string_view::npos) return std::nullopt;
  return ParseArgon2Costs(rest.substr(0, end));  // "m=19456,t=2,p=1"
}

std::optional<Argon2Params> ParseArgon2Costs(std::string_view rest) {
  Argon2Params p{};
  bool seen_m = false, seen_t = false, seen_p = false;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (item.size() < 3 || item[1] != '=') return std::nullopt;
    uint32_t value = 0;
    auto [ptr, ec] = std::from_chars(item.data() + 2, item.data() + item.size(), value);
    if (ec != std::errc{} || ptr != item.data() + item.size()) return std::nullopt;
    switch (item[0]) {
      case 'm': p.memory_kib = value; seen_m = true; break;
      case 't': p.iterations = value; seen_t = true; break;
      case 'p': p.parallelism = value; seen_p = true; break;
      default: return std::nullopt;
    }
  }
  if (!seen_m || !seen_t || !seen_p) return std::nullopt;
  return p;
}

bool WithinArgon2Limits(const Argon2Params& p) {
  return p.memory_kib <= (1u << 22) && p.iterations <= 64 && p.parallelism <= 64;
}

std::string Argon2idHasher::Hash(std::string_view password) const {
  std::array<uint8_t, kSaltBytes> salt{};
  random_.Fill(salt);
  const size_t encoded_len = argon2_encodedlen(params_.iterations, params_.memory_kib,
                                               params_.parallelism, kSaltBytes, kHashBytes,
                                               Argon2_id);
  std::string encoded(encoded_len, '\0');
  int rc = argon2id_hash_encoded(params_.iterations, params_.memory_kib, params_.parallelism,
                                 password.data(), password.size(), salt.data(), salt.size(),
                                 kHashBytes, encoded.data(), encoded.size());
  OPENSSL_cleanse(salt.data(), salt.size());
  if (rc != ARGON2_OK) {
    // Only memory exhaustion or invalid parameters get here; the parameters were checked at
    // start-up, and a service that cannot hash must not pretend it stored a password.
    std::fprintf(stderr, "authd: fatal: argon2id failed: %s\n", argon2_error_message(rc));
    std::abort();
  }
  encoded.resize(std::char_traits<char>::length(encoded.c_str()));
  return encoded;
}

bool Argon2idHasher::Verify(std::string_view encoded, std::string_view password) const {
  auto params = ParseArgon2Params(encoded);
  if (!params || !WithinArgon2Limits(*params)) return false;
  const std::string z(encoded);  // libargon2 wants a NUL-terminated string
  return argon2id_verify(z.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool Argon2idHasher::NeedsRehash(std::string_view encoded) const {
  auto p = ParseArgon2Params(encoded);
  if (!p) return true;
  return p->memory_kib < params_.memory_kib || p->iterations < params_.iterations ||
         p->parallelism < params_.parallelism;
}

}  // namespace authd
