// A credential's public key as WebAuthn hands it over, a COSE_Key (RFC 9053), turned into an
// OpenSSL key: ES256 (EC2, P-256), EdDSA (OKP, Ed25519) or RS256 (RSA). Signatures are then
// checked by OpenSSL's EVP interface, never by hand.
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

inline constexpr int64_t kCoseEs256 = -7;
inline constexpr int64_t kCoseEdDsa = -8;
inline constexpr int64_t kCoseRs256 = -257;

struct CoseKey {
  int64_t alg = 0;
  std::shared_ptr<EVP_PKEY> key;
};

// InvalidArgument for anything but a well-formed key of the three algorithms (a P-256 point
// on the curve, an Ed25519 key of 32 bytes, an RSA key of 2048 bits or more).
StatusOr<CoseKey> ParseCoseKey(std::string_view cbor);

// Whether `signature` is the key's signature over `data`: DER ECDSA with SHA-256 for ES256
// (as WebAuthn sends it), plain Ed25519, RSASSA-PKCS1-v1_5 with SHA-256 for RS256.
bool VerifyCoseSignature(const CoseKey& key, std::string_view data, std::string_view signature);

}  // namespace authd
