#include "tokens/jws_codec.h"

#include <gtest/gtest.h>

#include "tokens/hmac_key.h"
#include "tokens/token_test_util.h"
#include "util/base64url.h"

namespace authd {
namespace {

using testing::ForgeToken;

constexpr char kSecret[] = "a-test-secret-of-at-least-32-bytes!!";
constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";
constexpr char kPayload[] = R"({"token_type":"access","exp":4102444800,"jti":"x","user_id":1})";

JwsCodec Codec() { return JwsCodec(std::make_shared<HmacKey>(kSecret)); }

TokenError DecodeError(const std::string& token) {
  auto r = Codec().Decode(token);
  EXPECT_FALSE(r.ok()) << token;
  return r.ok() ? TokenError::kNoUserId : r.error();
}

// RFC 7515, appendix A.1: the HS256 example, a known answer for HMAC and base64url.
TEST(JwsCodec, VerifiesRfc7515AppendixA1) {
  auto key_bytes = Base64UrlDecode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  ASSERT_TRUE(key_bytes);
  JwsCodec codec(std::make_shared<HmacKey>(*key_bytes));
  const std::string token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  auto payload = codec.Decode(token);
  ASSERT_TRUE(payload.ok()) << TokenErrorName(payload.error());
  EXPECT_EQ(payload->at("iss").as_string(), "joe");
  EXPECT_EQ(payload->at("exp").as_int64(), 1300819380);

  std::string tampered = token;
  tampered[tampered.size() - 2] = tampered[tampered.size() - 2] == 'j' ? 'k' : 'j';
  EXPECT_FALSE(codec.Decode(tampered).ok());
}

TEST(JwsCodec, EncodesSimplejwtHeaderAndRoundTrips) {
  boost::json::object payload{{"token_type", "access"}, {"user_id", 7}};
  std::string token = Codec().Encode(payload);
  // PyJWT's header for HS256, byte for byte.
  EXPECT_EQ(token.substr(0, token.find('.')), "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9");
  auto decoded = Codec().Decode(token);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->at("user_id").as_int64(), 7);
}

TEST(JwsCodec, RefusesOversizedTokens) {
  std::string big(kMaxTokenBytes + 1, 'a');
  EXPECT_EQ(DecodeError(big), TokenError::kTooLarge);
}

TEST(JwsCodec, RefusesWrongSegmentCounts) {
  std::string good = ForgeToken(kHeader, kPayload, kSecret);
  EXPECT_EQ(DecodeError("abc"), TokenError::kMalformed);
  EXPECT_EQ(DecodeError("a.b"), TokenError::kMalformed);
  EXPECT_EQ(DecodeError(good + ".x"), TokenError::kMalformed);
  EXPECT_EQ(DecodeError(""), TokenError::kMalformed);
}

TEST(JwsCodec, RefusesNonCanonicalBase64) {
  std::string good = ForgeToken(kHeader, kPayload, kSecret);
  EXPECT_EQ(DecodeError(good + "="), TokenError::kBadEncoding);           // padding
  EXPECT_EQ(DecodeError(" " + good), TokenError::kBadEncoding);           // whitespace
  std::string plus = good;
  plus[plus.rfind('.') + 1] = '+';                                        // standard alphabet
  EXPECT_EQ(DecodeError(plus), TokenError::kBadEncoding);
}

TEST(JwsCodec, RefusesHeadersThatAreNotJsonObjects) {
  EXPECT_EQ(DecodeError(ForgeToken("not json", kPayload, kSecret)), TokenError::kBadHeader);
  EXPECT_EQ(DecodeError(ForgeToken("[1,2]", kPayload, kSecret)), TokenError::kBadHeader);
  EXPECT_EQ(DecodeError(ForgeToken(R"({"typ":"JWT"})", kPayload, kSecret)), TokenError::kBadHeader);
  EXPECT_EQ(DecodeError(ForgeToken(R"({"alg":5})", kPayload, kSecret)), TokenError::kBadHeader);
  EXPECT_EQ(DecodeError(ForgeToken(R"({"alg":"HS256","typ":1})", kPayload, kSecret)),
            TokenError::kBadHeader);
  EXPECT_EQ(DecodeError(ForgeToken(R"({"alg":"HS256","kid":[]})", kPayload, kSecret)),
            TokenError::kBadHeader);
  EXPECT_EQ(DecodeError(ForgeToken("{\"alg\":\"HS256\",\"x\":\"\xff\"}", kPayload, kSecret)),
            TokenError::kBadHeader);  // invalid UTF-8
}

TEST(JwsCodec, AllowsOnlyTheKeysAlgorithm) {
  for (const char* alg : {"none", "None", "HS384", "HS512", "RS256", "ES256", "EdDSA", "hs256"}) {
    std::string header = std::string(R"({"alg":")") + alg + R"(","typ":"JWT"})";
    EXPECT_EQ(DecodeError(ForgeToken(header, kPayload, kSecret)),
              TokenError::kAlgorithmNotAllowed) << alg;
  }
  // alg "none" with an empty signature, the classic attack.
  std::string none = Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(kPayload) + ".";
  EXPECT_EQ(DecodeError(none), TokenError::kAlgorithmNotAllowed);
}

TEST(JwsCodec, RefusesCriticalAndKeyCarryingHeaders) {
  EXPECT_EQ(DecodeError(ForgeToken(R"({"alg":"HS256","crit":["exp"]})", kPayload, kSecret)),
            TokenError::kCriticalHeader);
  EXPECT_EQ(DecodeError(ForgeToken(R"({"alg":"HS256","crit":[]})", kPayload, kSecret)),
            TokenError::kCriticalHeader);
  for (const char* name : {"jku", "jwk", "x5u", "x5c", "b64"}) {
    std::string header = std::string(R"({"alg":"HS256",")") + name + R"(":"x"})";
    EXPECT_EQ(DecodeError(ForgeToken(header, kPayload, kSecret)), TokenError::kForbiddenHeader)
        << name;
  }
}

TEST(JwsCodec, RefusesBadSignatures) {
  EXPECT_EQ(DecodeError(ForgeToken(kHeader, kPayload, "another-secret-of-32-bytes-or-more")),
            TokenError::kBadSignature);
  std::string good = ForgeToken(kHeader, kPayload, kSecret);
  std::string truncated = good.substr(0, good.size() - 4);
  EXPECT_EQ(DecodeError(truncated), TokenError::kBadSignature);
  std::string no_sig = good.substr(0, good.rfind('.') + 1);
  EXPECT_EQ(DecodeError(no_sig), TokenError::kBadSignature);
  // Payload swapped under the original signature.
  std::string other = ForgeToken(kHeader, R"({"user_id":2})", kSecret);
  std::string spliced = good.substr(0, good.find('.') + 1) +
                        other.substr(other.find('.') + 1, other.rfind('.') - other.find('.') - 1) +
                        good.substr(good.rfind('.'));
  EXPECT_EQ(DecodeError(spliced), TokenError::kBadSignature);
}

TEST(JwsCodec, RefusesPayloadsThatAreNotJsonObjects) {
  EXPECT_EQ(DecodeError(ForgeToken(kHeader, "[]", kSecret)), TokenError::kBadPayload);
  EXPECT_EQ(DecodeError(ForgeToken(kHeader, "12", kSecret)), TokenError::kBadPayload);
  EXPECT_EQ(DecodeError(ForgeToken(kHeader, "{", kSecret)), TokenError::kBadPayload);
  EXPECT_EQ(DecodeError(ForgeToken(kHeader, "", kSecret)), TokenError::kBadPayload);
}

TEST(JwsCodec, DuplicateMembersKeepTheLastValue) {
  // RFC 7515 section 5.2 allows a parser that keeps the lexically last member, as PyJWT does.
  auto r = Codec().Decode(ForgeToken(kHeader, R"({"user_id":1,"user_id":2})", kSecret));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("user_id").as_int64(), 2);
}

}  // namespace
}  // namespace authd
