// The relying party's checks, against a software authenticator written here: OpenSSL keys,
// CBOR built with libcbor, authenticator data laid out byte by byte as the spec draws it.
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <fstream>
#include <memory>
#include <string>

#include "webauthn/authenticator_data.h"
#include "webauthn/cbor_item.h"
#include "webauthn/ceremony.h"
#include "webauthn/cose_key.h"
#include "webauthn/credential_json.h"
#include "webauthn/options.h"

#include <boost/json/parse.hpp>
#include "util/base64url.h"

namespace authd {
namespace {

std::string Sha256(std::string_view b) {
  std::array<unsigned char, 32> d{};
  unsigned int n = 0;
  EVP_Digest(b.data(), b.size(), d.data(), &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(d.data()), n);
}

std::string Serialize(cbor_item_t* item) {
  unsigned char* buf = nullptr;
  size_t size = 0;
  const size_t n = cbor_serialize_alloc(item, &buf, &size);
  std::string out(reinterpret_cast<const char*>(buf), n);
  free(buf);
  cbor_decref(&item);
  return out;
}

cbor_item_t* Int(int64_t v) {
  return v >= 0 ? cbor_build_uint64(static_cast<uint64_t>(v)) : cbor_build_negint64(static_cast<uint64_t>(-1 - v));
}

cbor_item_t* Bytes(std::string_view b) {
  return cbor_build_bytestring(reinterpret_cast<cbor_data>(b.data()), b.size());
}

void Put(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
  cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)});
}

std::string Big(EVP_PKEY* key, const char* name, size_t size) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(size, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size));
  BN_free(bn);
  return out;
}

// A software authenticator holding one key.
struct Authenticator {
  std::shared_ptr<EVP_PKEY> key;
  int64_t alg;
  std::string credential_id = "credential-0123456789";

  static Authenticator Es256() {
    return {std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free), kCoseEs256};
  }
  static Authenticator Ed25519() {
    return {std::shared_ptr<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"), EVP_PKEY_free), kCoseEdDsa};
  }

  std::string CoseKeyBytes() const {
    cbor_item_t* map = cbor_new_definite_map(5);
    if (alg == kCoseEs256) {
      Put(map, Int(1), Int(2));
      Put(map, Int(3), Int(-7));
      Put(map, Int(-1), Int(1));
      Put(map, Int(-2), Bytes(Big(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32)));
      Put(map, Int(-3), Bytes(Big(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32)));
    } else {
      std::string raw(32, '\0');
      size_t len = raw.size();
      EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len);
      Put(map, Int(1), Int(1));
      Put(map, Int(3), Int(-8));
      Put(map, Int(-1), Int(6));
      Put(map, Int(-2), Bytes(raw));
    }
    return Serialize(map);
  }

  std::string AuthData(std::string_view rp_id, uint8_t flags, uint32_t count, bool attested) const {
    std::string d = Sha256(rp_id);
    d += static_cast<char>(flags | (attested ? 0x40 : 0));
    for (int shift = 24; shift >= 0; shift -= 8) d += static_cast<char>((count >> shift) & 0xff);
    if (attested) {
      d += std::string(16, '\x11');
      d += static_cast<char>(credential_id.size() >> 8);
      d += static_cast<char>(credential_id.size() & 0xff);
      d += credential_id;
      d += CoseKeyBytes();
    }
    return d;
  }

  std::string Sign(std::string_view data) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, alg == kCoseEdDsa ? nullptr : EVP_sha256(), nullptr, key.get());
    size_t len = 0;
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(data.data()), data.size());
    EVP_MD_CTX_free(ctx);
    sig.resize(len);
    return sig;
  }
};

std::string ClientData(std::string_view type, std::string_view challenge_b64, std::string_view origin) {
  return "{\"type\":\"" + std::string(type) + "\",\"challenge\":\"" + std::string(challenge_b64) +
         "\",\"origin\":\"" + std::string(origin) + "\",\"crossOrigin\":false}";
}

std::string Attestation(std::string_view fmt, std::string_view auth_data, cbor_item_t* statement) {
  cbor_item_t* map = cbor_new_definite_map(3);
  Put(map, cbor_build_string("fmt"), cbor_build_stringn(fmt.data(), fmt.size()));
  Put(map, cbor_build_string("attStmt"), statement);
  Put(map, cbor_build_string("authData"), Bytes(auth_data));
  return Serialize(map);
}

const RelyingParty kRp{"auth.example.com", {"https://auth.example.com"}};
// "challenge-bytes-0123" in base64url.
const std::string kChallenge = "challenge-bytes-0123";
const std::string kChallengeB64 = "Y2hhbGxlbmdlLWJ5dGVzLTAxMjM";
const Expectation kExpected{kChallenge, false};

TEST(WebAuthn, RegistersAnEs256CredentialWithNoneAttestation) {
  const Authenticator a = Authenticator::Es256();
  const std::string client = ClientData("webauthn.create", kChallengeB64, "https://auth.example.com");
  const std::string object = Attestation("none", a.AuthData("auth.example.com", 0x05, 0, true), cbor_new_definite_map(0));
  auto c = VerifyRegistration(kRp, kExpected, client, object);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->id, a.credential_id);
  EXPECT_EQ(c->alg, kCoseEs256);
  EXPECT_TRUE(c->user_verified);
  EXPECT_EQ(*ClientDataChallenge(client), kChallenge);
}

TEST(WebAuthn, PackedSelfAttestationMustBeSignedByTheNewKey) {
  const Authenticator a = Authenticator::Ed25519();
  const std::string client = ClientData("webauthn.create", kChallengeB64, "https://auth.example.com");
  const std::string auth = a.AuthData("auth.example.com", 0x01, 0, true);
  auto statement = [&](std::string sig) {
    cbor_item_t* st = cbor_new_definite_map(2);
    Put(st, cbor_build_string("alg"), Int(-8));
    Put(st, cbor_build_string("sig"), Bytes(sig));
    return st;
  };
  const std::string good = a.Sign(auth + Sha256(client));
  EXPECT_TRUE(VerifyRegistration(kRp, kExpected, client, Attestation("packed", auth, statement(good))).ok());
  std::string bad = good;
  bad[0] ^= 1;
  EXPECT_FALSE(VerifyRegistration(kRp, kExpected, client, Attestation("packed", auth, statement(bad))).ok());
  EXPECT_FALSE(VerifyRegistration(kRp, kExpected, client, Attestation("tpm", auth, cbor_new_definite_map(0))).ok());
}

TEST(WebAuthn, RefusesAnotherOriginRpChallengeTypeOrAnAbsentUser) {
  const Authenticator a = Authenticator::Es256();
  auto attempt = [&](std::string client, std::string rp_id, uint8_t flags, bool uv_required) {
    const std::string object = Attestation("none", a.AuthData(rp_id, flags, 0, true), cbor_new_definite_map(0));
    return VerifyRegistration(kRp, {kChallenge, uv_required}, client, object).status();
  };
  const std::string good = ClientData("webauthn.create", kChallengeB64, "https://auth.example.com");
  EXPECT_TRUE(attempt(good, "auth.example.com", 0x01, false).ok());
  EXPECT_FALSE(attempt(ClientData("webauthn.create", kChallengeB64, "https://evil.example"), "auth.example.com", 0x01, false).ok());
  EXPECT_FALSE(attempt(good, "evil.example", 0x01, false).ok());
  EXPECT_FALSE(attempt(ClientData("webauthn.create", "b3RoZXI", "https://auth.example.com"), "auth.example.com", 0x01, false).ok());
  EXPECT_FALSE(attempt(ClientData("webauthn.get", kChallengeB64, "https://auth.example.com"), "auth.example.com", 0x01, false).ok());
  EXPECT_FALSE(attempt(good, "auth.example.com", 0x00, false).ok());  // no UP
  EXPECT_FALSE(attempt(good, "auth.example.com", 0x01, true).ok());   // UV required, absent
  EXPECT_TRUE(attempt(good, "auth.example.com", 0x05, true).ok());
}

TEST(WebAuthn, AssertionsVerifyTheSignatureAndACounterMovingForward) {
  for (const Authenticator& a : {Authenticator::Es256(), Authenticator::Ed25519()}) {
    const std::string key = a.CoseKeyBytes();
    const std::string client = ClientData("webauthn.get", kChallengeB64, "https://auth.example.com");
    const std::string auth = a.AuthData("auth.example.com", 0x05, 7, false);
    const std::string sig = a.Sign(auth + Sha256(client));
    auto ok = VerifyAssertion(kRp, kExpected, key, 6, client, auth, sig);
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ok->sign_count, 7u);
    EXPECT_TRUE(ok->user_verified);
    std::string tampered = sig;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_FALSE(VerifyAssertion(kRp, kExpected, key, 6, client, auth, tampered).ok());
    EXPECT_EQ(VerifyAssertion(kRp, kExpected, key, 7, client, auth, sig).status().code(),
              StatusCode::kFailedPrecondition);  // a counter that did not move: a clone
    // Another key's signature.
    const Authenticator other = Authenticator::Es256();
    EXPECT_FALSE(VerifyAssertion(kRp, kExpected, other.CoseKeyBytes(), 6, client, auth, sig).ok());
  }
  // Authenticators without a counter send 0 every time: accepted.
  const Authenticator a = Authenticator::Es256();
  const std::string client = ClientData("webauthn.get", kChallengeB64, "https://auth.example.com");
  const std::string auth = a.AuthData("auth.example.com", 0x01, 0, false);
  EXPECT_TRUE(VerifyAssertion(kRp, kExpected, a.CoseKeyBytes(), 0, client, auth, a.Sign(auth + Sha256(client))).ok());
}

TEST(WebAuthn, AuthenticatorDataIsBoundsChecked) {
  const Authenticator a = Authenticator::Es256();
  const std::string full = a.AuthData("auth.example.com", 0x01, 1, true);
  EXPECT_TRUE(ParseAuthenticatorData(full).ok());
  EXPECT_FALSE(ParseAuthenticatorData(full.substr(0, 36)).ok());
  EXPECT_FALSE(ParseAuthenticatorData(full.substr(0, 60)).ok());  // the credential cut short
  EXPECT_FALSE(ParseAuthenticatorData(full + "x").ok());           // left over
  std::string long_id = full;
  long_id[37 + 16] = '\x7f';  // an id length past the end
  EXPECT_FALSE(ParseAuthenticatorData(long_id).ok());
}

TEST(WebAuthn, CoseKeysMustBeSoundKeysOfTheThreeAlgorithms) {
  cbor_item_t* map = cbor_new_definite_map(5);
  Put(map, Int(1), Int(2));
  Put(map, Int(3), Int(-7));
  Put(map, Int(-1), Int(1));
  Put(map, Int(-2), Bytes(std::string(32, '\x01')));  // not a point on P-256
  Put(map, Int(-3), Bytes(std::string(32, '\x02')));
  EXPECT_FALSE(ParseCoseKey(Serialize(map)).ok());
  cbor_item_t* hs = cbor_new_definite_map(2);
  Put(hs, Int(1), Int(4));
  Put(hs, Int(3), Int(5));  // HMAC: not a signature key
  EXPECT_FALSE(ParseCoseKey(Serialize(hs)).ok());
  EXPECT_FALSE(ParseCoseKey("not cbor").ok());
  EXPECT_TRUE(ParseCoseKey(Authenticator::Ed25519().CoseKeyBytes()).ok());
}

// Found by fuzz_webauthn: five bytes declaring four billion items made libcbor ask for 11 GB.
// The process's peak virtual size, in kB (/proc/self/status VmPeak): a huge malloc shows in
// it even when the memory is never touched.
long VmPeakKb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmPeak:")) return std::stol(line.substr(7));
  }
  return -1;
}

TEST(WebAuthn, CborCountsLargerThanTheInputAreRefusedBeforeAllocating) {
  // 33,554,432 items declared in five bytes: libcbor would reserve 256 MiB of slots.
  for (const std::string& hostile : {std::string("\x9a\x02\x00\x00\x00", 5),              // array
                                     std::string("\xa1\x01\xba\x02\x00\x00\x00", 7)}) {  // nested map
    const long before = VmPeakKb();
    EXPECT_FALSE(CborItem::Load(hostile));
    EXPECT_LT(VmPeakKb() - before, 64 * 1024) << "kB reserved for a 5-byte input";
  }
  EXPECT_TRUE(CborItem::Load(std::string("\x82\x01\x02", 3)));  // [1, 2]
}

TEST(WebAuthn, CredentialJsonIsDecodedAndCheckedMemberByMember) {
  auto parse = [](std::string_view text) { return boost::json::parse(text); };
  auto reg = ParseRegistrationResponse(parse(
      R"({"id": "AQID", "rawId": "AQID", "type": "public-key",
          "response": {"clientDataJSON": "e30", "attestationObject": "oA"}})"));
  ASSERT_TRUE(reg.ok()) << reg.status().ToString();
  EXPECT_EQ(reg->id, "AQID");
  EXPECT_EQ(reg->client_data_json, "{}");
  EXPECT_EQ(reg->attestation_object, "\xa0");

  auto get = ParseAuthenticationResponse(parse(
      R"({"id": "AQID", "type": "public-key", "response": {"clientDataJSON": "e30",
          "authenticatorData": "AA", "signature": "AQ", "userHandle": null}})"));
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_FALSE(get->user_handle.has_value());
  auto with_handle = ParseAuthenticationResponse(parse(
      R"({"id": "AQID", "response": {"clientDataJSON": "e30", "authenticatorData": "AA",
          "signature": "AQ", "userHandle": "aGk"}})"));
  ASSERT_TRUE(with_handle.ok());
  EXPECT_EQ(with_handle->user_handle, "hi");

  for (const char* bad : {
           R"([])",
           R"({"id": "AQID"})",
           R"({"id": "AQID", "rawId": "AQIE", "response": {"clientDataJSON": "e30", "attestationObject": "oA"}})",
           R"({"id": "AQID", "type": "password", "response": {"clientDataJSON": "e30", "attestationObject": "oA"}})",
           R"({"id": "@@", "response": {"clientDataJSON": "e30", "attestationObject": "oA"}})",
           R"({"id": "AQID", "response": {"clientDataJSON": 5, "attestationObject": "oA"}})",
           R"({"id": "AQID", "response": "x"})"}) {
    EXPECT_FALSE(ParseRegistrationResponse(parse(bad)).ok()) << bad;
  }
  const std::string long_id = std::string(R"({"id": ")") + std::string(1400, 'A') +
                              R"(", "response": {"clientDataJSON": "e30", "attestationObject": "oA"}})";
  EXPECT_EQ(ParseRegistrationResponse(parse(long_id)).status().code(), StatusCode::kInvalidArgument);
}

TEST(WebAuthn, OptionsHaveTheShapeBrowsersParse) {
  auto create = CreationOptions({.rp_id = "auth.example.com", .rp_name = "Example",
                                 .user_handle = "\x01\x02", .user_name = "alice",
                                 .display_name = "Alice", .challenge = std::string(32, 'c'),
                                 .exclude = {"AQID"}});
  EXPECT_EQ(create.at("rp").at("id"), "auth.example.com");
  EXPECT_EQ(create.at("user").at("id"), "AQI");
  EXPECT_EQ(create.at("challenge").as_string(), Base64UrlEncode(std::string(32, 'c')).c_str());
  EXPECT_EQ(create.at("pubKeyCredParams").as_array().size(), 3u);
  EXPECT_EQ(create.at("pubKeyCredParams").at(0).at("alg"), -7);
  EXPECT_EQ(create.at("excludeCredentials").at(0).at("id"), "AQID");
  EXPECT_EQ(create.at("authenticatorSelection").at("residentKey"), "preferred");
  EXPECT_EQ(create.at("attestation"), "none");

  auto discoverable = RequestOptions({.rp_id = "auth.example.com", .challenge = "c",
                                      .user_verification = true});
  EXPECT_FALSE(discoverable.contains("allowCredentials"));
  EXPECT_EQ(discoverable.at("userVerification"), "required");
  auto second = RequestOptions({.rp_id = "auth.example.com", .challenge = "c", .allow = {"AQID"}});
  EXPECT_EQ(second.at("allowCredentials").at(0).at("id"), "AQID");
  EXPECT_EQ(second.at("userVerification"), "preferred");
}

}  // namespace
}  // namespace authd
