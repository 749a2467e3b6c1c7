#include "mfa/secret_box.h"

#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <sstream>

#include "util/base64url.h"

namespace authd {
namespace {

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

StatusOr<SecretBox> SecretBox::FromKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgument("AUTHD_ENCRYPTION_KEY_FILE: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string hex = text.str();
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) hex.pop_back();
  auto key = FromHex(hex);
  if (!key || key->size() != 32) {
    return InvalidArgument("AUTHD_ENCRYPTION_KEY_FILE: " + path +
                           " must hold 64 hex characters (openssl rand -hex 32)");
  }
  SecretBox box;
  box.key_ = std::move(key);
  return box;
}

std::string SecretBox::Seal(std::string_view secret, Random& random) const {
  if (!key_) return "plain:" + Base64UrlEncode(secret);
  std::array<uint8_t, kNonce> nonce;
  random.Fill(nonce);
  std::string out(reinterpret_cast<const char*>(nonce.data()), nonce.size());
  out.resize(kNonce + secret.size() + kTag);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int n = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key_->data()), nonce.data());
  auto* ct = reinterpret_cast<unsigned char*>(out.data() + kNonce);
  EVP_EncryptUpdate(ctx.get(), ct, &n, reinterpret_cast<const unsigned char*>(secret.data()),
                    static_cast<int>(secret.size()));
  int tail = 0;
  EVP_EncryptFinal_ex(ctx.get(), ct + n, &tail);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, out.data() + kNonce + secret.size());
  return "v1:" + Base64UrlEncode(out);
}

StatusOr<std::string> SecretBox::Open(std::string_view sealed) const {
  if (sealed.starts_with("plain:")) {
    auto raw = Base64UrlDecode(sealed.substr(6));
    if (!raw) return Internal("a stored second-factor secret is malformed");
    return *raw;
  }
  if (!sealed.starts_with("v1:")) return Internal("a stored second-factor secret is malformed");
  if (!key_) {
    return FailedPrecondition("a second-factor secret is encrypted, and AUTHD_ENCRYPTION_KEY_FILE is not set");
  }
  auto raw = Base64UrlDecode(sealed.substr(3));
  if (!raw || raw->size() < kNonce + kTag) return Internal("a stored second-factor secret is malformed");
  const size_t len = raw->size() - kNonce - kTag;
  std::string out(len, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int n = 0;
  EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                     reinterpret_cast<const unsigned char*>(key_->data()),
                     reinterpret_cast<const unsigned char*>(raw->data()));
  EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                    reinterpret_cast<const unsigned char*>(raw->data() + kNonce),
                    static_cast<int>(len));
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, raw->data() + kNonce + len);
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) != 1) {
    return FailedPrecondition("a second-factor secret does not open with AUTHD_ENCRYPTION_KEY_FILE's key");
  }
  return out;
}

}  // namespace authd
