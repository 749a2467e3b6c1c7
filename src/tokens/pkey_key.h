// EdDSA (Ed25519), ES256 (P-256) and RS256 (RSA >= 2048 bits) through OpenSSL's EVP_PKEY.
// A key loaded from a private-key PEM signs and verifies; from a public-key PEM it only
// verifies (an older key kept during rotation). Its kid is the RFC 7638 JWK thumbprint, so
// every instance derives the same kid from the same key without coordination.
// Thread-safety: immutable after loading; Sign and Verify may be called from any thread.
#pragma once

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "tokens/signing_key.h"
#include "util/status.h"

struct evp_pkey_st;

namespace authd {

// The asymmetric algorithms authd signs with.
bool IsAsymmetricAlgorithm(std::string_view alg);

class PkeyKey final : public SigningKey {
 public:
  // A PEM private key (PKCS#8 or traditional) or public key (SubjectPublicKeyInfo). The
  // algorithm follows from the key type; InvalidArgument for anything else (a P-384 key, RSA
  // under 2048 bits, garbage).
  static StatusOr<std::shared_ptr<PkeyKey>> FromPem(std::string_view pem);
  static StatusOr<std::shared_ptr<PkeyKey>> FromFile(const std::string& path);

  // A public key published as a JWK (RFC 7517): kty RSA (n, e), EC on P-256 (x, y) or OKP
  // Ed25519 (x), for verifying another issuer's tokens (an OpenID provider's JWKS). Its kid is
  // the JWK's own "kid" when it has one, else the thumbprint. InvalidArgument for a key authd
  // cannot verify with, for "use" other than "sig", and for an "alg" that is not the key's.
  static StatusOr<std::shared_ptr<PkeyKey>> FromJwk(const boost::json::object& jwk);

  // A new private key for `alg` as PKCS#8 PEM.
  static StatusOr<std::string> GeneratePem(std::string_view alg, int rsa_bits = 3072);

  // The public half as SubjectPublicKeyInfo PEM, for services that only verify.
  std::string PublicPem() const;

  ~PkeyKey() override;
  PkeyKey(const PkeyKey&) = delete;
  PkeyKey& operator=(const PkeyKey&) = delete;

  std::string_view Algorithm() const override { return alg_; }
  std::optional<std::string> KeyId() const override { return kid_; }
  std::optional<boost::json::object> PublicJwk() const override { return jwk_; }
  bool CanSign() const override { return has_private_; }
  std::string Sign(std::string_view signing_input) const override;
  bool Verify(std::string_view signing_input, std::string_view signature) const override;

 private:
  PkeyKey(evp_pkey_st* pkey, std::string alg, bool has_private);
  Status DeriveJwk();

  evp_pkey_st* pkey_;
  std::string alg_;
  bool has_private_;
  boost::json::object jwk_;  // public members only
  std::string kid_;
};

}  // namespace authd
