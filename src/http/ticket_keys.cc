#include "http/ticket_keys.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>

namespace authd {
namespace {

int ExIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

bool UseKey(const TicketKeys::Key& key, const unsigned char* iv, EVP_CIPHER_CTX* cipher,
            EVP_MAC_CTX* mac, bool seal) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<uint8_t*>(key.hmac.data()),
                                        key.hmac.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
      OSSL_PARAM_construct_end()};
  const int ok = seal ? EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv)
                      : EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key.aes.data(), iv);
  return ok == 1 && EVP_MAC_CTX_set_params(mac, params) == 1;
}

// OpenSSL's ticket callback: 1 sealed or opened, 2 opened but renew it, 0 unknown key (a full
// handshake follows), -1 failure.
int OnTicket(SSL* ssl, unsigned char* name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
             EVP_MAC_CTX* mac, int seal) {
  auto* keys = static_cast<TicketKeys*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ExIndex()));
  if (keys == nullptr) return -1;
  if (seal == 1) {
    const TicketKeys::Key key = keys->Current();
    keys->FillIv(iv, static_cast<size_t>(EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())));
    std::memcpy(name, key.name.data(), key.name.size());
    return UseKey(key, iv, cipher, mac, true) ? 1 : -1;
  }
  auto found = keys->Find(name);
  if (!found) return 0;
  if (!UseKey(found->first, iv, cipher, mac, false)) return -1;
  return found->second ? 1 : 2;
}

}  // namespace

void TicketKeys::Attach(SSL_CTX* ctx) {
  SSL_CTX_set_ex_data(ctx, ExIndex(), this);
  SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, &OnTicket);
}

TicketKeys::Key TicketKeys::Current() {
  const int64_t now = clock_.NowSeconds();
  std::lock_guard lock(mu_);
  if (keys_.empty() || now - keys_.front().created_at >= rotate_every_) {
    Key key{.created_at = now};
    random_.Fill(key.name);
    random_.Fill(key.aes);
    random_.Fill(key.hmac);
    keys_.push_front(key);
    if (keys_.size() > kKept) keys_.pop_back();
  }
  return keys_.front();
}

std::optional<std::pair<TicketKeys::Key, bool>> TicketKeys::Find(const uint8_t* name) {
  const int64_t now = clock_.NowSeconds();
  std::lock_guard lock(mu_);
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (now - keys_[i].created_at >= static_cast<int64_t>(kKept) * rotate_every_) break;
    if (std::memcmp(keys_[i].name.data(), name, keys_[i].name.size()) == 0) {
      return std::make_pair(keys_[i], i == 0);
    }
  }
  return std::nullopt;
}

}  // namespace authd
