#include "passwords/django_hashes.h"

#include <argon2.h>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <charconv>
#include <string>
#include <vector>

#include "passwords/argon2id_hasher.h"
#include "util/random.h"
#include "util/strings.h"

namespace authd {
namespace {

// Django 5.2 uses 1,000,000 PBKDF2 iterations and bcrypt cost 12; these leave room for
// deployments that raised them, and refuse the absurd.
constexpr int64_t kMaxPbkdf2Iterations = 10'000'000;
constexpr int kMaxBcryptCost = 16;

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// pbkdf2_sha256$260000$<salt>$<base64(derived key)>: Django's PBKDF2PasswordHasher.
bool VerifyPbkdf2(std::string_view encoded, std::string_view password, const EVP_MD* md) {
  const auto parts = SplitView(encoded, '$');
  if (parts.size() != 4 || parts[2].empty()) return false;
  int64_t iterations = 0;
  auto [ptr, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc{} || ptr != parts[1].data() + parts[1].size() || iterations < 1 ||
      iterations > kMaxPbkdf2Iterations) {
    return false;
  }
  const int key_len = EVP_MD_get_size(md);
  std::array<unsigned char, EVP_MAX_MD_SIZE> key{};
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(parts[2].data()),
                        static_cast<int>(parts[2].size()), static_cast<int>(iterations), md,
                        key_len, key.data()) != 1) {
    return false;
  }
  // Django stores standard base64 with padding; compare in that form.
  std::array<unsigned char, 4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1> b64{};
  const int b64_len = EVP_EncodeBlock(b64.data(), key.data(), key_len);
  OPENSSL_cleanse(key.data(), key.size());
  return ConstantTimeEqual(std::string_view(reinterpret_cast<const char*>(b64.data()), b64_len),
                           parts[3]);
}

// argon2$argon2id$v=19$m=102400,t=2,p=8$<salt>$<hash>: libargon2's encoding behind "argon2".
bool VerifyArgon2(std::string_view encoded, std::string_view password) {
  const std::string_view phc = encoded.substr(std::string_view("argon2").size());  // "$argon2..."
  const auto parts = SplitView(phc, '$');
  if (parts.size() < 5) return false;
  argon2_type type;
  if (parts[1] == "argon2id") {
    type = Argon2_id;
  } else if (parts[1] == "argon2i") {
    type = Argon2_i;
  } else if (parts[1] == "argon2d") {
    type = Argon2_d;
  } else {
    return false;
  }
  // The costs are the segment after the optional version ("v=19").
  const std::string_view costs = parts[2].starts_with("v=") ? parts[3] : parts[2];
  auto params = ParseArgon2Costs(costs);
  if (!params || !WithinArgon2Limits(*params)) return false;
  const std::string z(phc);
  return argon2_verify(z.c_str(), password.data(), password.size(), type) == ARGON2_OK;
}

// bcrypt$$2b$12$<22 salt chars><31 hash chars>, through libxcrypt's crypt_rn.
bool VerifyBcrypt(std::string_view bcrypt_hash, std::string_view password) {
  // "$2b$12$" + 53 characters; the cost is the two digits.
  if (bcrypt_hash.size() != 60 || bcrypt_hash[0] != '$' || bcrypt_hash[3] != '$' ||
      bcrypt_hash[6] != '$') {
    return false;
  }
  int cost = 0;
  auto [ptr, ec] = std::from_chars(bcrypt_hash.data() + 4, bcrypt_hash.data() + 6, cost);
  if (ec != std::errc{} || ptr != bcrypt_hash.data() + 6 || cost > kMaxBcryptCost) return false;
  // bcrypt reads a NUL-terminated key and only its first 72 bytes, as Python's bcrypt does.
  if (password.find('\0') != std::string_view::npos) return false;
  const std::string key(password);
  const std::string setting(bcrypt_hash);
  crypt_data data{};
  const char* out = crypt_rn(key.c_str(), setting.c_str(), &data, sizeof data);
  const bool ok = out != nullptr && out[0] != '*' && ConstantTimeEqual(out, bcrypt_hash);
  OPENSSL_cleanse(&data, sizeof data);
  return ok;
}

// Django's BCryptSHA256PasswordHasher hashes the password's SHA-256 hex digest, so passwords
// longer than bcrypt's 72 bytes still count in full.
bool VerifyBcryptSha256(std::string_view bcrypt_hash, std::string_view password) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), digest.data());
  const std::string hex = ToHex(digest);
  return VerifyBcrypt(bcrypt_hash, hex);
}

}  // namespace

bool IsDjangoHash(std::string_view encoded) {
  for (std::string_view prefix :
       {"pbkdf2_sha256$", "pbkdf2_sha1$", "argon2$", "bcrypt_sha256$", "bcrypt$"}) {
    if (encoded.starts_with(prefix)) return true;
  }
  return false;
}

bool VerifyDjangoHash(std::string_view encoded, std::string_view password) {
  if (encoded.starts_with("pbkdf2_sha256$")) return VerifyPbkdf2(encoded, password, EVP_sha256());
  if (encoded.starts_with("pbkdf2_sha1$")) return VerifyPbkdf2(encoded, password, EVP_sha1());
  if (encoded.starts_with("argon2$")) return VerifyArgon2(encoded, password);
  if (encoded.starts_with("bcrypt_sha256$")) {
    return VerifyBcryptSha256(encoded.substr(std::string_view("bcrypt_sha256$").size()), password);
  }
  if (encoded.starts_with("bcrypt$")) {
    return VerifyBcrypt(encoded.substr(std::string_view("bcrypt$").size()), password);
  }
  return false;
}

}  // namespace authd
