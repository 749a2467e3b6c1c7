#include "webauthn/cose_key.h"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "webauthn/cbor_item.h"

namespace authd {
namespace {

// COSE_Key labels (RFC 9052 section 7.1, RFC 9053).
constexpr int64_t kKty = 1, kAlg = 3, kCrv = -1, kX = -2, kY = -3, kN = -1, kE = -2;
constexpr int64_t kKtyOkp = 1, kKtyEc2 = 2, kKtyRsa = 3;
constexpr int64_t kCrvP256 = 1, kCrvEd25519 = 6;

std::shared_ptr<EVP_PKEY> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* pkey = nullptr;
  if (ctx != nullptr && params != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    (void)EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params);
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> Ec2Key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = "\x04" + x + y;  // uncompressed SEC1 point
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  auto key = FromParams("EC", bld);
  OSSL_PARAM_BLD_free(bld);
  if (!key) return nullptr;
  // fromdata does not promise the point is on the curve: check.
  EVP_PKEY_CTX* check = EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr);
  const bool valid = check != nullptr && EVP_PKEY_public_check(check) == 1;
  EVP_PKEY_CTX_free(check);
  return valid ? key : nullptr;
}

std::shared_ptr<EVP_PKEY> RsaKey(const std::string& n, const std::string& e) {
  if (n.size() < 256 || n.size() > 1024 || e.empty() || e.size() > 8) return nullptr;
  BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()), nullptr);
  BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()), nullptr);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
  auto key = FromParams("RSA", bld);
  OSSL_PARAM_BLD_free(bld);
  BN_free(bn_n);
  BN_free(bn_e);
  if (key && EVP_PKEY_get_bits(key.get()) < 2048) return nullptr;
  return key;
}

}  // namespace

StatusOr<CoseKey> ParseCoseKey(std::string_view cbor) {
  CborItem map = CborItem::Load(cbor);
  auto kty = CborInt(map.Get(kKty));
  auto alg = CborInt(map.Get(kAlg));
  if (!kty || !alg) return InvalidArgument("the credential's public key is not a COSE key");
  std::shared_ptr<EVP_PKEY> key;
  if (*alg == kCoseEs256 && *kty == kKtyEc2 && CborInt(map.Get(kCrv)) == kCrvP256) {
    auto x = CborBytes(map.Get(kX));
    auto y = CborBytes(map.Get(kY));
    if (x && y) key = Ec2Key(*x, *y);
  } else if (*alg == kCoseEdDsa && *kty == kKtyOkp && CborInt(map.Get(kCrv)) == kCrvEd25519) {
    auto x = CborBytes(map.Get(kX));
    if (x && x->size() == 32) {
      key = std::shared_ptr<EVP_PKEY>(
          EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                      reinterpret_cast<const unsigned char*>(x->data()), x->size()),
          EVP_PKEY_free);
    }
  } else if (*alg == kCoseRs256 && *kty == kKtyRsa) {
    auto n = CborBytes(map.Get(kN));
    auto e = CborBytes(map.Get(kE));
    if (n && e) key = RsaKey(*n, *e);
  }
  if (!key) {
    return InvalidArgument("the credential's public key is not an ES256, EdDSA or RS256 key");
  }
  return CoseKey{*alg, std::move(key)};
}

bool VerifyCoseSignature(const CoseKey& key, std::string_view data, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = key.alg == kCoseEdDsa ? nullptr : EVP_sha256();
  bool ok = ctx != nullptr &&
            EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key.key.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace authd
