// Asymmetric keys, key sets and issuer/audience claims.
#include "tokens/pkey_key.h"

#include <gtest/gtest.h>

#include "tokens/hmac_key.h"
#include "tokens/key_set.h"
#include "tokens/token_service.h"
#include "tokens/token_test_util.h"
#include "util/base64url.h"

namespace authd {
namespace {

std::shared_ptr<PkeyKey> NewKey(std::string_view alg) {
  auto pem = PkeyKey::GeneratePem(alg, 2048);
  EXPECT_TRUE(pem.ok()) << pem.status().ToString();
  auto key = PkeyKey::FromPem(*pem);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return *key;
}

class PkeyKeyTest : public ::testing::TestWithParam<const char*> {};

TEST_P(PkeyKeyTest, SignsAndVerifiesAndRefusesTampering) {
  auto key = NewKey(GetParam());
  EXPECT_EQ(key->Algorithm(), GetParam());
  EXPECT_TRUE(key->CanSign());
  const std::string sig = key->Sign("header.payload");
  EXPECT_TRUE(key->Verify("header.payload", sig));
  EXPECT_FALSE(key->Verify("header.payloaD", sig));
  std::string bad = sig;
  bad[bad.size() / 2] ^= 0x01;
  EXPECT_FALSE(key->Verify("header.payload", bad));
  EXPECT_FALSE(key->Verify("header.payload", ""));
  EXPECT_FALSE(key->Verify("header.payload", sig + "x"));
  // Another key of the same kind does not verify it.
  EXPECT_FALSE(NewKey(GetParam())->Verify("header.payload", sig));
}

TEST_P(PkeyKeyTest, SignatureSizesAreJwsSizes) {
  auto key = NewKey(GetParam());
  const size_t size = key->Sign("x").size();
  if (std::string_view(GetParam()) == "RS256") {
    EXPECT_EQ(size, 256u);  // 2048-bit modulus
  } else {
    EXPECT_EQ(size, 64u);   // Ed25519, and ES256's r||s
  }
}

TEST_P(PkeyKeyTest, PublicKeysOnlyVerifyAndShareTheKid) {
  auto pem = PkeyKey::GeneratePem(GetParam(), 2048);
  auto priv = *PkeyKey::FromPem(*pem);
  EXPECT_EQ(priv->KeyId(), (*PkeyKey::FromPem(*pem))->KeyId());  // deterministic
  auto pub = PkeyKey::FromPem(priv->PublicPem());
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_FALSE((*pub)->CanSign());
  EXPECT_EQ((*pub)->KeyId(), priv->KeyId());
  EXPECT_EQ((*pub)->Algorithm(), priv->Algorithm());
  EXPECT_TRUE((*pub)->Verify("input", priv->Sign("input")));
  auto jwk = priv->PublicJwk();
  ASSERT_TRUE(jwk);
  EXPECT_FALSE(jwk->contains("d"));  // never private material
  EXPECT_FALSE(jwk->contains("p"));
}

TEST_P(PkeyKeyTest, APublishedJwkVerifiesTheKeysSignatures) {
  auto priv = NewKey(GetParam());
  boost::json::object jwk = *priv->PublicJwk();
  auto pub = PkeyKey::FromJwk(jwk);
  ASSERT_TRUE(pub.ok()) << pub.status().ToString();
  EXPECT_FALSE((*pub)->CanSign());
  EXPECT_EQ((*pub)->Algorithm(), GetParam());
  EXPECT_EQ((*pub)->KeyId(), priv->KeyId());  // no "kid" member: the thumbprint
  const std::string sig = priv->Sign("header.payload");
  EXPECT_TRUE((*pub)->Verify("header.payload", sig));
  EXPECT_FALSE((*pub)->Verify("header.payloaD", sig));
  EXPECT_FALSE((*pub)->Verify("header.payload", NewKey(GetParam())->Sign("header.payload")));

  // The provider's own kid is kept; "use" and "alg" must agree with a signing key.
  jwk["kid"] = "2026-11";
  jwk["use"] = "sig";
  jwk["alg"] = GetParam();
  EXPECT_EQ((*PkeyKey::FromJwk(jwk))->KeyId(), "2026-11");
  jwk["use"] = "enc";
  EXPECT_EQ(PkeyKey::FromJwk(jwk).status().code(), StatusCode::kInvalidArgument);
  jwk["use"] = "sig";
  jwk["alg"] = std::string_view(GetParam()) == "RS256" ? "ES256" : "RS256";
  EXPECT_EQ(PkeyKey::FromJwk(jwk).status().code(), StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, PkeyKeyTest, ::testing::Values("EdDSA", "ES256", "RS256"));

TEST(PkeyKey, RefusesJwksItCannotVerifyWith) {
  auto refused = [](boost::json::object jwk) {
    return PkeyKey::FromJwk(jwk).status().code() == StatusCode::kInvalidArgument;
  };
  boost::json::object ec = *NewKey("ES256")->PublicJwk();
  boost::json::object rsa = *NewKey("RS256")->PublicJwk();
  EXPECT_TRUE(refused({}));
  EXPECT_TRUE(refused({{"kty", "oct"}, {"k", "c2VjcmV0"}}));  // a shared secret: never
  boost::json::object p384 = ec;
  p384["crv"] = "P-384";
  EXPECT_TRUE(refused(p384));
  boost::json::object off_curve = ec;
  off_curve["y"] = ec["x"];  // (x, x) is not on the curve
  EXPECT_TRUE(refused(off_curve));
  boost::json::object short_x = ec;
  short_x["x"] = "AAAA";
  EXPECT_TRUE(refused(short_x));
  boost::json::object not_base64 = rsa;
  not_base64["n"] = "***";
  EXPECT_TRUE(refused(not_base64));
  boost::json::object small = rsa;  // RSA under 2048 bits
  small["n"] = Base64UrlEncode(std::string(128, '\xff'));
  EXPECT_TRUE(refused(small));
  boost::json::object no_e = rsa;
  no_e.erase("e");
  EXPECT_TRUE(refused(no_e));
  boost::json::object number_x = {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", 7}};
  EXPECT_TRUE(refused(number_x));
}

TEST(PkeyKey, VerifiesRfc8037sEd25519Example) {
  // RFC 8037 appendix A.2's public key and A.4's signature of its example JWS.
  auto key = PkeyKey::FromJwk({{"kty", "OKP"}, {"crv", "Ed25519"},
                               {"x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}});
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ((*key)->KeyId(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  const auto sig = Base64UrlDecode(
      "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
  ASSERT_TRUE(sig);
  EXPECT_TRUE((*key)->Verify("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc", *sig));
}

TEST(PkeyKey, KidIsTheRfc7638Thumbprint) {
  // RFC 8037 appendix A.2 and A.3: this Ed25519 public key's thumbprint.
  auto key = PkeyKey::FromPem(
      "-----BEGIN PUBLIC KEY-----\n"
      "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      "-----END PUBLIC KEY-----\n");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_FALSE((*key)->CanSign());
  EXPECT_EQ((*key)->KeyId(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  EXPECT_EQ((*key)->PublicJwk()->at("x").as_string(), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
}

TEST(PkeyKey, RefusesUnusableKeys) {
  EXPECT_EQ(PkeyKey::FromPem("not a key").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PkeyKey::FromFile("/nonexistent/key.pem").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(PkeyKey::GeneratePem("HS256").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PkeyKey::GeneratePem("RS256", 1024).status().code(), StatusCode::kInvalidArgument);
}

TEST(KeySet, ChoosesByKidAndPublishesOnlyPublicKeys) {
  auto current = NewKey("EdDSA");
  auto old = NewKey("ES256");
  auto set = KeySet::Create(current, {old});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->Find(current->KeyId()), current.get());
  EXPECT_EQ(set->Find(old->KeyId()), old.get());
  EXPECT_EQ(set->Find(std::nullopt), current.get());
  EXPECT_EQ(set->Find("unknown"), nullptr);
  auto jwks = set->Jwks();
  const auto& keys = jwks.at("keys").as_array();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].at("kid").as_string(), *current->KeyId());
  EXPECT_EQ(keys[0].at("alg").as_string(), "EdDSA");
  EXPECT_EQ(keys[0].at("use").as_string(), "sig");
  EXPECT_EQ(keys[1].at("alg").as_string(), "ES256");

  EXPECT_FALSE(KeySet::Create(current, {current}).ok());  // the same key twice
  EXPECT_TRUE(KeySet(std::make_shared<HmacKey>("s")).Jwks().at("keys").as_array().empty());
}

TEST(KeySet, AVerificationOnlyKeyCannotSign) {
  auto pub = PkeyKey::FromPem(
      "-----BEGIN PUBLIC KEY-----\n"
      "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      "-----END PUBLIC KEY-----\n");
  EXPECT_EQ(KeySet::Create(*pub, {}).status().code(), StatusCode::kInvalidArgument);
}

class AsymmetricTokensTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'800'000'000LL * 1'000'000};
  OsRandom random_;
};

TEST_F(AsymmetricTokensTest, RotationKeepsOldTokensValidAndRefusesForeignOnes) {
  auto old_key = NewKey("ES256");
  auto new_key = NewKey("EdDSA");
  TokenService before(JwsCodec(KeySet(old_key)), {}, clock_, random_);
  const std::string old_token = before.IssuePair(1).access;

  TokenService after(JwsCodec(*KeySet::Create(new_key, {old_key})), {}, clock_, random_);
  EXPECT_TRUE(after.Verify(old_token, kAccessType).ok());
  const std::string new_token = after.IssuePair(1).access;
  EXPECT_TRUE(after.Verify(new_token, kAccessType).ok());

  // Signed by a key that is not configured: its kid is unknown.
  TokenService stranger(JwsCodec(KeySet(NewKey("EdDSA"))), {}, clock_, random_);
  EXPECT_EQ(after.Verify(stranger.IssuePair(1).access, kAccessType).error(),
            TokenError::kUnknownKey);
}

TEST_F(AsymmetricTokensTest, AlgorithmMustBeTheKeysOwn) {
  auto key = NewKey("EdDSA");
  TokenService tokens(JwsCodec(KeySet(key)), {}, clock_, random_);
  const std::string kid = *key->KeyId();
  const std::string payload = R"({"token_type":"access","exp":1900000000,"jti":"j","user_id":1})";
  // The public key's JWK text used as an HMAC secret (the classic confusion attack).
  const std::string public_text = boost::json::serialize(*key->PublicJwk());
  for (const std::string& header : {R"({"alg":"HS256","kid":")" + kid + R"(","typ":"JWT"})",
                                    std::string(R"({"alg":"HS256","typ":"JWT"})"),
                                    R"({"alg":"none","kid":")" + kid + R"("})"}) {
    auto r = tokens.Verify(testing::ForgeToken(header, payload, public_text), kAccessType);
    ASSERT_FALSE(r.ok()) << header;
    EXPECT_EQ(r.error(), TokenError::kAlgorithmNotAllowed) << header;
  }
}

TEST_F(AsymmetricTokensTest, IssuerAndAudienceAreAddedAndRequired) {
  auto key = std::make_shared<HmacKey>("a-test-secret-of-at-least-32-bytes!");
  TokenService scoped(JwsCodec(KeySet(key)), {}, clock_, random_,
                      {.issuer = "https://auth.example", .audience = "api"});
  TokenService plain(JwsCodec(KeySet(key)), {}, clock_, random_);
  IssuedPair pair = scoped.IssuePair(1);
  auto claims = scoped.Verify(pair.access, kAccessType);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->payload->at("iss").as_string(), "https://auth.example");
  EXPECT_EQ(claims->payload->at("aud").as_string(), "api");
  // A token without them is refused by the scoped service; one with an audience by the plain.
  EXPECT_EQ(scoped.Verify(plain.IssuePair(1).access, kAccessType).error(), TokenError::kBadIssuer);
  EXPECT_EQ(plain.Verify(pair.access, kAccessType).error(), TokenError::kBadAudience);

  const std::string h = R"({"alg":"HS256","typ":"JWT"})";
  const std::string secret = "a-test-secret-of-at-least-32-bytes!";
  auto verify = [&](const std::string& extra) {
    return scoped.Verify(testing::ForgeToken(h, R"({"token_type":"access","exp":1900000000,"jti":"j",)" + extra + "}", secret),
                         kAccessType);
  };
  EXPECT_TRUE(verify(R"("iss":"https://auth.example","aud":["other","api"])").ok());
  EXPECT_EQ(verify(R"("iss":"https://auth.example","aud":["other"])").error(), TokenError::kBadAudience);
  EXPECT_EQ(verify(R"("iss":"https://auth.example","aud":[1])").error(), TokenError::kBadAudience);
  EXPECT_EQ(verify(R"("iss":"https://auth.example")").error(), TokenError::kBadAudience);
  EXPECT_EQ(verify(R"("iss":"https://evil.example","aud":"api")").error(), TokenError::kBadIssuer);
  EXPECT_EQ(verify(R"("iss":5,"aud":"api")").error(), TokenError::kBadIssuer);
}

}  // namespace
}  // namespace authd
