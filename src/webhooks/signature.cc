#include "webhooks/signature.h"

#include <openssl/evp.h>

#include <array>
#include <cstdlib>

#include "util/base64url.h"

namespace authd {
StatusOr<std::string> WebhookKey(std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (!secret.starts_with(kPrefix)) return InvalidArgument("a webhook secret starts with whsec_");
  std::string_view text = secret.substr(kPrefix.size());
  if (text.empty() || text.size() % 4 != 0 || text.size() > 1024) {
    return InvalidArgument("a webhook secret is whsec_ and base64");
  }
  std::string key(text.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return InvalidArgument("a webhook secret is whsec_ and base64");
  // EVP_DecodeBlock counts the bytes '=' padding stands for: they are not the key's.
  size_t len = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --len;
  key.resize(len);
  if (key.size() < 24) return InvalidArgument("a webhook secret needs at least 24 bytes of key");
  return key;
}

std::string SignWebhook(std::string_view key, std::string_view id, int64_t timestamp,
                        std::string_view body) {
  std::string content;
  content.reserve(id.size() + body.size() + 24);
  content.append(id).append(".").append(std::to_string(timestamp)).append(".").append(body);
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  size_t n = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac.data(),
                mac.size(), &n) == nullptr) {
    std::abort();  // HMAC-SHA256 does not fail on valid input; if OpenSSL cannot, nothing can
  }
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(mac.data()), n));
}

}  // namespace authd
