#include "tokens/hmac_key.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cstdio>
#include <cstdlib>

namespace authd {
namespace {

constexpr size_t kSha256Size = 32;

// The fetched HMAC implementation, shared: fetching is costly and the object is immutable.
EVP_MAC* HmacImpl() {
  static EVP_MAC* mac = [] {
    EVP_MAC* m = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (m == nullptr) {
      std::fputs("authd: fatal: OpenSSL has no HMAC\n", stderr);
      std::abort();
    }
    return m;
  }();
  return mac;
}

[[noreturn]] void HmacFailed() {
  ERR_clear_error();
  std::fputs("authd: fatal: HMAC-SHA256 failed\n", stderr);
  std::abort();
}

}  // namespace

HmacKey::HmacKey(std::string secret) : secret_(std::move(secret)) {
  char digest_name[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end(),
  };
  keyed_ = EVP_MAC_CTX_new(HmacImpl());
  if (keyed_ == nullptr ||
      EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(secret_.data()), secret_.size(),
                   params) != 1) {
    HmacFailed();
  }
}

HmacKey::~HmacKey() {
  contexts_.ForEach([](ThreadContext& t) {
    EVP_MAC_CTX_free(t.ctx);
    t.ctx = nullptr;
  });
  EVP_MAC_CTX_free(keyed_);
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

HmacKey::ThreadContext::~ThreadContext() { EVP_MAC_CTX_free(ctx); }

std::string HmacKey::Sign(std::string_view input) const {
  ThreadContext& mine = contexts_.Get([this] {
    auto t = std::make_unique<ThreadContext>();
    t->ctx = EVP_MAC_CTX_dup(keyed_);
    if (t->ctx == nullptr) HmacFailed();
    return t;
  });
  std::string out(kSha256Size, '\0');
  size_t out_len = 0;
  const bool ok =
      EVP_MAC_init(mine.ctx, nullptr, 0, nullptr) == 1 &&
      EVP_MAC_update(mine.ctx, reinterpret_cast<const unsigned char*>(input.data()),
                     input.size()) == 1 &&
      EVP_MAC_final(mine.ctx, reinterpret_cast<unsigned char*>(out.data()), &out_len,
                    out.size()) == 1;
  if (!ok || out_len != kSha256Size) HmacFailed();
  return out;
}

bool HmacKey::Verify(std::string_view input, std::string_view signature) const {
  // Length first, then a constant-time comparison of the whole MAC.
  if (signature.size() != kSha256Size) return false;
  std::string expected = Sign(input);
  return CRYPTO_memcmp(expected.data(), signature.data(), kSha256Size) == 0;
}

}  // namespace authd
