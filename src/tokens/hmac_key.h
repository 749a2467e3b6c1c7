// HS256: HMAC-SHA256 through OpenSSL's EVP_MAC. The secret is used as raw bytes, exactly as
// simplejwt and PyJWT use SIGNING_KEY, so the same string works on both sides.
// Thread-safety: Sign and Verify may be called from any thread at once.
#pragma once

#include <memory>
#include <string>

#include <openssl/types.h>

#include "runtime/per_thread.h"
#include "tokens/signing_key.h"

namespace authd {

class HmacKey final : public SigningKey {
 public:
  explicit HmacKey(std::string secret);
  ~HmacKey() override;
  HmacKey(const HmacKey&) = delete;
  HmacKey& operator=(const HmacKey&) = delete;

  std::string_view Algorithm() const override { return "HS256"; }
  std::string Sign(std::string_view signing_input) const override;
  bool Verify(std::string_view signing_input, std::string_view signature) const override;

 private:
  // A thread's own copy of keyed_, re-initialised for each MAC (EVP_MAC_init with no key
  // restores the keyed state without an allocation; a copy per MAC cost five).
  struct ThreadContext {
    EVP_MAC_CTX* ctx = nullptr;
    ~ThreadContext();
  };

  std::string secret_;
  // Keyed once here. Setting up HMAC (fetching SHA-256, hashing the padded key) cost as much as
  // the MAC itself, per token. Only ever read after construction.
  EVP_MAC_CTX* keyed_ = nullptr;
  mutable PerThread<ThreadContext> contexts_;  // destroyed before keyed_ is freed
};

}  // namespace authd
