#include "tokens/pkey_key.h"

#include <boost/json/serialize.hpp>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include "util/base64url.h"
#include "util/openssl_error.h"

namespace authd {
namespace {

constexpr size_t kP256CoordinateBytes = 32;
constexpr int kMinRsaBits = 2048;  // RFC 7518 section 3.3

// Never prompt for a passphrase: an encrypted key simply fails to load.
int NoPassphrase(char*, int, int, void*) { return 0; }

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "authd: fatal: %s: %s\n", what, OpenSslError().c_str());
  std::abort();
}

std::string Bytes(const unsigned char* p, size_t n) {
  return std::string(reinterpret_cast<const char*>(p), n);
}

// A big-endian BIGNUM parameter of the key, minimal length, or padded to `pad` bytes.
std::optional<std::string> BnParam(const EVP_PKEY* pkey, const char* name, int pad = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, name, &bn) != 1) return std::nullopt;
  const int len = pad > 0 ? pad : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  const int written = pad > 0 ? BN_bn2binpad(bn, p, pad) : BN_bn2bin(bn, p);
  BN_free(bn);
  if (written != len) return std::nullopt;
  return out;
}

// ES256 signatures are r||s, 32 bytes each (RFC 7518 section 3.4); OpenSSL speaks DER.
std::optional<std::string> DerToRaw(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string raw(2 * kP256CoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  const bool ok = BN_bn2binpad(r, out, kP256CoordinateBytes) == kP256CoordinateBytes &&
                  BN_bn2binpad(s, out + kP256CoordinateBytes, kP256CoordinateBytes) ==
                      kP256CoordinateBytes;
  ECDSA_SIG_free(sig);
  if (!ok) return std::nullopt;
  return raw;
}

std::optional<std::string> RawToDer(std::string_view raw) {
  if (raw.size() != 2 * kP256CoordinateBytes) return std::nullopt;
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(in, kP256CoordinateBytes, nullptr);
  BIGNUM* s = BN_bin2bn(in + kP256CoordinateBytes, kP256CoordinateBytes, nullptr);
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (r == nullptr || s == nullptr || sig == nullptr || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  const int len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);  // owns r and s now
  if (len <= 0) return std::nullopt;
  std::string out = Bytes(der, static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

// The algorithm a key of this type signs with, or an explanation of why it is not usable.
StatusOr<std::string> AlgorithmOf(EVP_PKEY* pkey) {
  if (EVP_PKEY_is_a(pkey, "ED25519")) return std::string("EdDSA");
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) == 1 &&
        std::string_view(group, len) == "prime256v1") {
      return std::string("ES256");
    }
    return InvalidArgument("an EC key must be on curve P-256 (ES256)");
  }
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    if (EVP_PKEY_get_bits(pkey) < kMinRsaBits) {
      return InvalidArgument("an RSA key must have at least 2048 bits");
    }
    return std::string("RS256");
  }
  return InvalidArgument("the key is not Ed25519, P-256 or RSA");
}

}  // namespace

bool IsAsymmetricAlgorithm(std::string_view alg) {
  return alg == "EdDSA" || alg == "ES256" || alg == "RS256";
}

PkeyKey::PkeyKey(EVP_PKEY* pkey, std::string alg, bool has_private)
    : pkey_(pkey), alg_(std::move(alg)), has_private_(has_private) {}

PkeyKey::~PkeyKey() { EVP_PKEY_free(pkey_); }

StatusOr<std::shared_ptr<PkeyKey>> PkeyKey::FromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return Internal("BIO_new_mem_buf failed");
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, NoPassphrase, nullptr);
  const bool has_private = pkey != nullptr;
  if (pkey == nullptr) {
    BIO_free(bio);
    bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (bio == nullptr) return Internal("BIO_new_mem_buf failed");
    pkey = PEM_read_bio_PUBKEY(bio, nullptr, NoPassphrase, nullptr);
  }
  BIO_free(bio);
  ERR_clear_error();
  if (pkey == nullptr) {
    return InvalidArgument("not an unencrypted PEM private key (PKCS#8) or public key");
  }
  auto alg = AlgorithmOf(pkey);
  if (!alg.ok()) {
    EVP_PKEY_free(pkey);
    return alg.status();
  }
  std::shared_ptr<PkeyKey> key(new PkeyKey(pkey, std::move(alg).value(), has_private));
  AUTHD_RETURN_IF_ERROR(key->DeriveJwk());
  return key;
}

namespace {

// The JWK's member `name` as base64url-decoded bytes; nullopt when absent or not base64url.
std::optional<std::string> JwkBytes(const boost::json::object& jwk, std::string_view name) {
  const boost::json::value* v = jwk.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return Base64UrlDecode(v->as_string());
}

// A public key from OSSL_PARAMs, built by `fill`; null on any failure.
template <typename Fill>
EVP_PKEY* FromParams(const char* type, Fill fill) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* pkey = nullptr;
  std::vector<BIGNUM*> numbers;  // alive until the params are built
  if (bld != nullptr && ctx != nullptr && fill(bld, numbers) &&
      (params = OSSL_PARAM_BLD_to_param(bld)) != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1) pkey = nullptr;
  }
  for (BIGNUM* bn : numbers) BN_free(bn);
  OSSL_PARAM_free(params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_BLD_free(bld);
  ERR_clear_error();
  return pkey;
}

EVP_PKEY* RsaFromJwk(const boost::json::object& jwk) {
  auto n = JwkBytes(jwk, "n");
  auto e = JwkBytes(jwk, "e");
  if (!n || !e || n->empty() || e->empty() || e->size() > 8) return nullptr;
  return FromParams("RSA", [&](OSSL_PARAM_BLD* bld, std::vector<BIGNUM*>& numbers) {
    BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr);
    BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr);
    numbers = {bn_n, bn_e};
    return bn_n != nullptr && bn_e != nullptr &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) == 1 &&
           OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) == 1;
  });
}

EVP_PKEY* P256FromJwk(const boost::json::object& jwk) {
  const boost::json::value* crv = jwk.if_contains("crv");
  if (crv == nullptr || !crv->is_string() || crv->as_string() != "P-256") return nullptr;
  auto x = JwkBytes(jwk, "x");
  auto y = JwkBytes(jwk, "y");
  if (!x || !y || x->size() != kP256CoordinateBytes || y->size() != kP256CoordinateBytes) return nullptr;
  const std::string point = "\x04" + *x + *y;  // uncompressed (SEC 1, 2.3.3)
  return FromParams("EC", [&](OSSL_PARAM_BLD* bld, std::vector<BIGNUM*>&) {
    return OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
           OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) == 1;
  });
}

EVP_PKEY* Ed25519FromJwk(const boost::json::object& jwk) {
  const boost::json::value* crv = jwk.if_contains("crv");
  if (crv == nullptr || !crv->is_string() || crv->as_string() != "Ed25519") return nullptr;
  auto x = JwkBytes(jwk, "x");
  if (!x || x->size() != 32) return nullptr;
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  ERR_clear_error();
  return pkey;
}

std::string_view StringMember(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  return v != nullptr && v->is_string() ? std::string_view(v->as_string()) : std::string_view();
}

}  // namespace

StatusOr<std::shared_ptr<PkeyKey>> PkeyKey::FromJwk(const boost::json::object& jwk) {
  const std::string_view kty = StringMember(jwk, "kty");
  if (jwk.contains("use") && StringMember(jwk, "use") != "sig") {
    return InvalidArgument("the JWK is not for signatures (use)");
  }
  EVP_PKEY* pkey = kty == "RSA"   ? RsaFromJwk(jwk)
                   : kty == "EC"  ? P256FromJwk(jwk)
                   : kty == "OKP" ? Ed25519FromJwk(jwk)
                                  : nullptr;
  if (pkey == nullptr) {
    return InvalidArgument("not an RSA, P-256 or Ed25519 public JWK with valid members");
  }
  auto alg = AlgorithmOf(pkey);
  if (!alg.ok()) {
    EVP_PKEY_free(pkey);
    return alg.status();
  }
  if (jwk.contains("alg") && StringMember(jwk, "alg") != *alg) {
    EVP_PKEY_free(pkey);
    return InvalidArgument("the JWK's alg is not its key's (" + *alg + ")");
  }
  std::shared_ptr<PkeyKey> key(new PkeyKey(pkey, std::move(alg).value(), /*has_private=*/false));
  AUTHD_RETURN_IF_ERROR(key->DeriveJwk());
  if (const std::string_view kid = StringMember(jwk, "kid"); !kid.empty()) {
    if (kid.size() > 256) return InvalidArgument("the JWK's kid is too long");
    key->kid_ = std::string(kid);
  }
  return key;
}

StatusOr<std::shared_ptr<PkeyKey>> PkeyKey::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  // errno still holds why the open failed: "Permission denied", "No such file or directory".
  if (!in) return InvalidArgument("cannot read key file '" + path + "': " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  auto key = FromPem(text.str());
  if (!key.ok()) return InvalidArgument("key file '" + path + "': " + key.status().message());
  return key;
}

Status PkeyKey::DeriveJwk() {
  // Members in lexicographic order: the RFC 7638 thumbprint hashes exactly this JSON.
  boost::json::object jwk;
  if (alg_ == "EdDSA") {
    unsigned char raw[32];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(pkey_, raw, &len) != 1) return Internal("Ed25519 public key");
    jwk["crv"] = "Ed25519";
    jwk["kty"] = "OKP";
    jwk["x"] = Base64UrlEncode(Bytes(raw, len));
  } else if (alg_ == "ES256") {
    auto x = BnParam(pkey_, OSSL_PKEY_PARAM_EC_PUB_X, kP256CoordinateBytes);
    auto y = BnParam(pkey_, OSSL_PKEY_PARAM_EC_PUB_Y, kP256CoordinateBytes);
    if (!x || !y) return Internal("EC public key");
    jwk["crv"] = "P-256";
    jwk["kty"] = "EC";
    jwk["x"] = Base64UrlEncode(*x);
    jwk["y"] = Base64UrlEncode(*y);
  } else {
    auto n = BnParam(pkey_, OSSL_PKEY_PARAM_RSA_N);
    auto e = BnParam(pkey_, OSSL_PKEY_PARAM_RSA_E);
    if (!n || !e) return Internal("RSA public key");
    jwk["e"] = Base64UrlEncode(*e);
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(*n);
  }
  const std::string canonical = boost::json::serialize(jwk);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &digest_len, EVP_sha256(),
                 nullptr) != 1) {
    return Internal("SHA-256 failed");
  }
  kid_ = Base64UrlEncode(Bytes(digest, digest_len));
  jwk_ = std::move(jwk);
  return Status::Ok();
}

std::string PkeyKey::Sign(std::string_view input) const {
  if (!has_private_) Fatal("Sign called on a verification-only key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  // Ed25519 hashes internally and takes no digest.
  const EVP_MD* md = alg_ == "EdDSA" ? nullptr : EVP_sha256();
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  size_t len = 0;
  if (ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, md, nullptr, pkey_) != 1 ||
      EVP_DigestSign(ctx, nullptr, &len, in, input.size()) != 1) {
    Fatal("signing setup failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                     input.size()) != 1) {
    Fatal("signing failed");
  }
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  if (alg_ == "ES256") {
    auto raw = DerToRaw(sig);
    if (!raw) Fatal("ECDSA signature conversion failed");
    return *raw;
  }
  return sig;
}

bool PkeyKey::Verify(std::string_view input, std::string_view signature) const {
  std::string der;
  if (alg_ == "ES256") {
    auto converted = RawToDer(signature);
    if (!converted) return false;
    der = std::move(*converted);
    signature = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(pkey_))) {
    return false;  // Ed25519: 64 bytes; RSA: the modulus size
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = alg_ == "EdDSA" ? nullptr : EVP_sha256();
  const bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pkey_) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

std::string PkeyKey::PublicPem() const {
  BIO* mem = BIO_new(BIO_s_mem());
  if (mem == nullptr || PEM_write_bio_PUBKEY(mem, pkey_) != 1) Fatal("writing a public key");
  char* data = nullptr;
  const long len = BIO_get_mem_data(mem, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(mem);
  return pem;
}

StatusOr<std::string> PkeyKey::GeneratePem(std::string_view alg, int rsa_bits) {
  EVP_PKEY* pkey = nullptr;
  if (alg == "EdDSA") {
    pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  } else if (alg == "ES256") {
    pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (alg == "RS256") {
    if (rsa_bits < kMinRsaBits) return InvalidArgument("RSA keys need at least 2048 bits");
    pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits));
  } else {
    return InvalidArgument("--alg must be EdDSA, ES256 or RS256");
  }
  if (pkey == nullptr) return Internal("key generation failed: " + OpenSslError());
  BIO* mem = BIO_new(BIO_s_mem());
  // PEM_write_bio_PrivateKey writes PKCS#8 ("BEGIN PRIVATE KEY").
  const bool ok = mem != nullptr &&
                  PEM_write_bio_PrivateKey(mem, pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  EVP_PKEY_free(pkey);
  if (!ok) {
    BIO_free(mem);
    return Internal("writing the key failed: " + OpenSslError());
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(mem, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(mem);
  return pem;
}

}  // namespace authd
