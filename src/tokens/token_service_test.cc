#include "tokens/token_service.h"

#include <gtest/gtest.h>

#include <regex>

#include "tokens/hmac_key.h"
#include "tokens/token_test_util.h"
#include "util/base64url.h"

namespace authd {
namespace {

using testing::ForgeToken;

constexpr char kSecret[] = "a-test-secret-of-at-least-32-bytes!!";
constexpr char kHeader[] = R"({"alg":"HS256","typ":"JWT"})";
constexpr int64_t kNow = 1'800'000'000;

class TokenServiceTest : public ::testing::Test {
 protected:
  TokenService Make(TokenLifetimes lifetimes = {}) {
    return TokenService(JwsCodec(std::make_shared<HmacKey>(kSecret)), lifetimes, clock_, random_);
  }
  static boost::json::object PayloadOf(const std::string& token) {
    size_t a = token.find('.'), b = token.rfind('.');
    auto json = Base64UrlDecode(token.substr(a + 1, b - a - 1));
    return *ParseJsonObjectStrict(*json);
  }
  TokenError VerifyError(const std::string& payload, std::optional<std::string_view> type) {
    auto r = Make().Verify(ForgeToken(kHeader, payload, kSecret), type);
    EXPECT_FALSE(r.ok()) << payload;
    return r.ok() ? TokenError::kTooLarge : r.error();
  }

  ManualClock clock_{kNow * 1'000'000};
  OsRandom random_;
};

TEST_F(TokenServiceTest, IssuesSimplejwtShapedPair) {
  auto pair = Make().IssuePair(42);
  for (const auto& [token, type, lifetime] :
       {std::tuple{pair.access, "access", 300}, std::tuple{pair.refresh, "refresh", 86400}}) {
    auto p = PayloadOf(token);
    // simplejwt's claims, in simplejwt's order.
    std::vector<std::string> names;
    for (const auto& kv : p) names.emplace_back(kv.key());
    EXPECT_EQ(names, (std::vector<std::string>{"token_type", "exp", "iat", "jti", "user_id"}));
    EXPECT_EQ(p["token_type"].as_string(), type);
    EXPECT_EQ(p["iat"].as_int64(), kNow);
    EXPECT_EQ(p["exp"].as_int64(), kNow + lifetime);
    EXPECT_EQ(p["user_id"].as_int64(), 42);
    EXPECT_TRUE(std::regex_match(std::string(p["jti"].as_string()), std::regex("[0-9a-f]{32}")));
  }
  EXPECT_NE(PayloadOf(pair.access)["jti"], PayloadOf(pair.refresh)["jti"]);
  EXPECT_EQ(pair.refresh_claims.user_id, 42);
}

TEST_F(TokenServiceTest, AccessFromRefreshCopiesClaimsButNotIdTypeOrExpiry) {
  TokenService svc = Make();
  auto pair = svc.IssuePair(5);
  clock_.AdvanceSeconds(1000);
  auto refresh = svc.Verify(pair.refresh, kRefreshType);
  ASSERT_TRUE(refresh.ok());
  auto access = PayloadOf(svc.IssueAccessFrom(*refresh));
  EXPECT_EQ(access["token_type"].as_string(), "access");
  EXPECT_EQ(access["exp"].as_int64(), kNow + 1000 + 300);
  EXPECT_EQ(access["iat"].as_int64(), kNow);  // the login's, as simplejwt copies it
  EXPECT_EQ(access["user_id"].as_int64(), 5);
  EXPECT_NE(access["jti"], PayloadOf(pair.refresh)["jti"]);
}

TEST_F(TokenServiceTest, RotatedRefreshHasNewIdExpiryAndIssueTimeAndKeepsOtherClaims) {
  TokenService tokens = Make({.access_seconds = 60, .refresh_seconds = 600});
  IssuedPair pair = tokens.IssuePair(7);
  auto claims = tokens.Verify(pair.refresh, kRefreshType);
  ASSERT_TRUE(claims.ok());
  boost::json::object with_custom = *claims->payload;
  with_custom["custom"] = "kept";
  claims->payload = std::make_shared<const boost::json::object>(std::move(with_custom));
  clock_.AdvanceSeconds(100);
  IssuedToken next = tokens.IssueRotatedRefresh(*claims);
  auto p = PayloadOf(next.token);
  EXPECT_NE(p["jti"].as_string(), pair.refresh_claims.jti);
  EXPECT_EQ(p["jti"].as_string(), next.claims.jti);
  EXPECT_EQ(p["iat"].as_int64(), kNow + 100);
  EXPECT_EQ(p["exp"].as_int64(), kNow + 700);
  EXPECT_EQ(next.claims.exp, kNow + 700);
  EXPECT_EQ(p["user_id"].as_int64(), 7);
  EXPECT_EQ(p["token_type"].as_string(), "refresh");
  EXPECT_EQ(p["custom"].as_string(), "kept");
  EXPECT_TRUE(tokens.Verify(next.token, kRefreshType).ok());
}

TEST_F(TokenServiceTest, HonoursConfiguredLifetimes) {
  auto pair = Make({.access_seconds = 60, .refresh_seconds = 120}).IssuePair(1);
  EXPECT_EQ(PayloadOf(pair.access)["exp"].as_int64(), kNow + 60);
  EXPECT_EQ(PayloadOf(pair.refresh)["exp"].as_int64(), kNow + 120);
}

TEST_F(TokenServiceTest, ExpiryBoundaryAndLeeway) {
  TokenService svc = Make();
  auto pair = svc.IssuePair(1);
  clock_.AdvanceSeconds(299);
  EXPECT_TRUE(svc.Verify(pair.access, kAccessType).ok());
  clock_.AdvanceSeconds(1);  // now == exp: expired, as PyJWT decides
  auto r = svc.Verify(pair.access, kAccessType);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), TokenError::kExpired);
  EXPECT_EQ(TokenErrorMessage(r.error()), "Token is expired");

  TokenService lenient = Make({.leeway_seconds = 10});
  EXPECT_TRUE(lenient.Verify(pair.access, kAccessType).ok());
  clock_.AdvanceSeconds(10);
  EXPECT_FALSE(lenient.Verify(pair.access, kAccessType).ok());
}

TEST_F(TokenServiceTest, NotBeforeIsHonoured) {
  std::string future = R"({"token_type":"access","exp":)" + std::to_string(kNow + 100) +
                       R"(,"nbf":)" + std::to_string(kNow + 50) + R"(,"jti":"a","user_id":1})";
  EXPECT_EQ(VerifyError(future, kAccessType), TokenError::kNotYetValid);
  std::string past = R"({"token_type":"access","exp":)" + std::to_string(kNow + 100) +
                     R"(,"nbf":)" + std::to_string(kNow) + R"(,"jti":"a","user_id":1})";
  EXPECT_TRUE(Make().Verify(ForgeToken(kHeader, past, kSecret), kAccessType).ok());
}

TEST_F(TokenServiceTest, RefusesBadClaimTypesAndRanges) {
  const std::string exp = std::to_string(kNow + 100);
  const std::string cases[] = {
      R"({"exp":")" + exp + R"(","jti":"a","token_type":"access"})",  // string exp
      R"({"exp":true,"jti":"a","token_type":"access"})",               // boolean exp
      R"({"exp":null,"jti":"a","token_type":"access"})",
      R"({"exp":-5,"jti":"a","token_type":"access"})",
      R"({"exp":1e300,"jti":"a","token_type":"access"})",
      R"({"exp":18446744073709551615,"jti":"a","token_type":"access"})",
      R"({"exp":)" + exp + R"(,"nbf":"soon","jti":"a","token_type":"access"})",
      R"({"exp":)" + exp + R"(,"iat":[],"jti":"a","token_type":"access"})",
      R"({"exp":)" + exp + R"(,"jti":7,"token_type":"access"})",
      R"({"exp":)" + exp + R"(,"jti":"","token_type":"access"})",
  };
  for (const auto& payload : cases) EXPECT_EQ(VerifyError(payload, kAccessType), TokenError::kBadClaim) << payload;
}

TEST_F(TokenServiceTest, RefusesMissingClaimsWithSimplejwtMessages) {
  const std::string exp = std::to_string(kNow + 100);
  EXPECT_EQ(VerifyError(R"({"jti":"a","token_type":"access"})", kAccessType),
            TokenError::kMissingExp);
  EXPECT_EQ(VerifyError(R"({"exp":)" + exp + R"(,"token_type":"access"})", kAccessType),
            TokenError::kMissingJti);
  EXPECT_EQ(VerifyError(R"({"exp":)" + exp + R"(,"jti":"a"})", kAccessType),
            TokenError::kMissingType);
  EXPECT_EQ(VerifyError(R"({"exp":)" + exp + R"(,"jti":"a","token_type":"refresh"})", kAccessType),
            TokenError::kWrongType);
  EXPECT_EQ(VerifyError(R"({"exp":)" + exp + R"(,"jti":"a","token_type":5})", kAccessType),
            TokenError::kWrongType);
  EXPECT_EQ(TokenErrorMessage(TokenError::kMissingExp), "Token has no 'exp' claim");
  EXPECT_EQ(TokenErrorMessage(TokenError::kMissingJti), "Token has no id");
  EXPECT_EQ(TokenErrorMessage(TokenError::kMissingType), "Token has no type");
  EXPECT_EQ(TokenErrorMessage(TokenError::kWrongType), "Token has wrong type");
  EXPECT_EQ(TokenErrorMessage(TokenError::kBadSignature), "Token is invalid");
}

TEST_F(TokenServiceTest, UntypedVerificationAcceptsAnyType) {
  auto pair = Make().IssuePair(3);
  EXPECT_TRUE(Make().Verify(pair.access, std::nullopt).ok());
  EXPECT_TRUE(Make().Verify(pair.refresh, std::nullopt).ok());
}

TEST_F(TokenServiceTest, ReadsUserIdAsDjangoWould) {
  const std::string base = R"({"exp":)" + std::to_string(kNow + 100) + R"(,"jti":"a","token_type":"access","user_id":)";
  auto id_of = [&](const std::string& v) {
    auto r = Make().Verify(ForgeToken(kHeader, base + v + "}", kSecret), kAccessType);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->user_id : std::optional<int64_t>(-1);
  };
  EXPECT_EQ(id_of("12"), 12);
  EXPECT_EQ(id_of(R"("12")"), 12);
  EXPECT_EQ(id_of(R"("abc")"), std::nullopt);
  EXPECT_EQ(id_of("1.5"), std::nullopt);
  EXPECT_EQ(id_of("null"), std::nullopt);
}

TEST(TokenError, EveryReasonHasANameAndAMessage) {
  for (int i = 0; i <= static_cast<int>(TokenError::kNoUserId); ++i) {
    auto e = static_cast<TokenError>(i);
    EXPECT_NE(TokenErrorName(e), "unknown");
    EXPECT_FALSE(TokenErrorMessage(e).empty());
  }
}

// Verified tokens are remembered per thread (tokens/verified_tokens.h): a second look at the
// same bytes must still answer as a first one would, for the moment and the type asked.
TEST_F(TokenServiceTest, ARememberedTokenIsCheckedAgainForTimeAndType) {
  TokenService tokens = Make({.access_seconds = 60});
  IssuedPair pair = tokens.IssuePair(7);
  for (int i = 0; i < 3; ++i) {
    auto claims = tokens.Verify(pair.access, kAccessType);
    ASSERT_TRUE(claims.ok());
    EXPECT_EQ(claims->user_id, 7);
    EXPECT_EQ(claims->payload->at("user_id").as_int64(), 7);
  }
  EXPECT_EQ(tokens.Verify(pair.access, kRefreshType).error(), TokenError::kWrongType);
  EXPECT_TRUE(tokens.Verify(pair.access, std::nullopt).ok());
  // One byte changed in the signature is another token: verified (and refused) in full. The
  // signature's first character is changed, not its last: the last carries two padding bits,
  // and a changed padding bit is refused as malformed before any signature is checked.
  std::string forged = pair.access;
  char& first = forged[forged.rfind('.') + 1];
  first = first == 'A' ? 'B' : 'A';
  EXPECT_EQ(tokens.Verify(forged, kAccessType).error(), TokenError::kBadSignature);
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(tokens.Verify(pair.access, kAccessType).error(), TokenError::kExpired);
}

TEST_F(TokenServiceTest, ARememberedTokenIsNotYetValidWhenTheClockGoesBack) {
  const std::string token = ForgeToken(
      kHeader,
      R"({"token_type":"access","exp":)" + std::to_string(kNow + 600) + R"(,"nbf":)" +
          std::to_string(kNow - 10) + R"(,"jti":"j","user_id":1})",
      kSecret);
  TokenService tokens = Make();
  ASSERT_TRUE(tokens.Verify(token, kAccessType).ok());
  ASSERT_TRUE(tokens.Verify(token, kAccessType).ok());
  clock_.AdvanceSeconds(-20);  // a clock stepped back by NTP
  EXPECT_EQ(tokens.Verify(token, kAccessType).error(), TokenError::kNotYetValid);
}

}  // namespace
}  // namespace authd
