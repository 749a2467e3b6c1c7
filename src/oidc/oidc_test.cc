// The OpenID client's checks of what a provider sends: its keys and its ID tokens.
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "oidc/account_hints.h"
#include "oidc/discovery.h"
#include "oidc/http_fetch.h"
#include "oidc/provider.h"
#include "oidc/id_token.h"
#include "oidc/token_response.h"
#include "oidc/jwks.h"
#include "tokens/hmac_key.h"
#include "tokens/jws_codec.h"
#include "tokens/pkey_key.h"
#include "util/base64url.h"
#include "util/clock.h"

#include <map>

namespace authd {
namespace {

namespace json = boost::json;

constexpr int64_t kNow = 1'800'000'000;

std::shared_ptr<PkeyKey> NewKey(std::string_view alg) {
  auto pem = PkeyKey::GeneratePem(alg, 2048);
  EXPECT_TRUE(pem.ok());
  return *PkeyKey::FromPem(*pem);
}

// The provider's JWK Set for `keys`, each under its own kid.
std::string JwksOf(const std::vector<std::shared_ptr<PkeyKey>>& keys) {
  json::array list;
  for (const auto& k : keys) {
    json::object jwk = *k->PublicJwk();
    jwk["kid"] = *k->KeyId();
    jwk["use"] = "sig";
    list.push_back(jwk);
  }
  list.push_back(json::object{{"kty", "oct"}, {"k", "c2VjcmV0"}});  // skipped, not fatal
  list.push_back(json::object{{"kty", "RSA"}, {"use", "enc"}, {"n", "AQAB"}, {"e", "AQAB"}});
  return json::serialize(json::object{{"keys", list}});
}

IdTokenCheck Check() {
  return {.issuer = "https://id.example", .client_id = "authd", .nonce = "n-0S6", .now_seconds = kNow};
}

json::object Claims() {
  return {{"iss", "https://id.example"}, {"sub", "248289761001"}, {"aud", "authd"},
          {"exp", kNow + 300}, {"iat", kNow - 5}, {"nonce", "n-0S6"},
          {"email", "jane@example.com"}, {"email_verified", true},
          {"preferred_username", "jane"}, {"name", "Jane Doe"}};
}

TEST(ProviderKeys, ParsesUsableKeysAndFindsThemByKid) {
  auto rsa = NewKey("RS256");
  auto ec = NewKey("ES256");
  auto keys = ProviderKeys::Parse(JwksOf({rsa, ec}));
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_EQ(keys->Find(*rsa->KeyId())->Algorithm(), "RS256");
  EXPECT_EQ(keys->Find(*ec->KeyId())->Algorithm(), "ES256");
  EXPECT_EQ(keys->Find("rotated-away"), nullptr);
  EXPECT_EQ(keys->Find(std::nullopt), nullptr);  // two keys: the token must name one
  auto one = ProviderKeys::Parse(JwksOf({ec}));
  EXPECT_EQ(one->Find(std::nullopt)->Algorithm(), "ES256");

  for (std::string_view bad : {"", "[]", "{}", R"({"keys": {}})", R"({"keys": []})",
                               R"({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})", "{\"keys\": [1, \"x\"]}"}) {
    EXPECT_EQ(ProviderKeys::Parse(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(IdToken, AcceptsAValidTokenAndReadsItsClaims) {
  auto key = NewKey("RS256");
  const std::string token = JwsCodec(key).Encode(Claims());
  auto id = VerifyIdToken(token, key, Check());
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->subject, "248289761001");
  EXPECT_EQ(id->email, "jane@example.com");
  EXPECT_TRUE(id->email_verified);
  EXPECT_EQ(id->preferred_username, "jane");
  EXPECT_EQ(id->name, "Jane Doe");
  // Several audiences are fine when azp names us.
  json::object several = Claims();
  several["aud"] = json::array{"other", "authd"};
  several["azp"] = "authd";
  EXPECT_TRUE(VerifyIdToken(JwsCodec(key).Encode(several), key, Check()).ok());
}

TEST(IdToken, RefusesTokensNotForThisClientSignInOrTime) {
  auto key = NewKey("ES256");
  auto refused = [&](json::object claims) {
    auto id = VerifyIdToken(JwsCodec(key).Encode(claims), key, Check());
    return id.ok() ? std::string("accepted") : std::string(id.status().message());
  };
  auto with = [](std::string_view name, json::value v) {
    json::object c = Claims();
    c[name] = std::move(v);
    return c;
  };
  auto without = [](std::string_view name) {
    json::object c = Claims();
    c.erase(name);
    return c;
  };
  EXPECT_EQ(refused(with("iss", "https://evil.example")), "the ID token is from another issuer (iss)");
  EXPECT_EQ(refused(with("iss", "https://id.example/")), "the ID token is from another issuer (iss)");
  EXPECT_EQ(refused(with("aud", "someone-else")), "the ID token is for another client (aud)");
  EXPECT_EQ(refused(with("aud", json::array{"a", "b"})), "the ID token is for another client (aud)");
  EXPECT_EQ(refused(with("aud", json::array{"authd", "b"})), "the ID token has several audiences and no azp");
  EXPECT_EQ(refused(with("azp", "b")), "the ID token was issued to another party (azp)");
  EXPECT_EQ(refused(with("exp", kNow - 61)), "the ID token has expired (exp)");
  EXPECT_EQ(refused(with("exp", "soon")), "the ID token has no exp");
  EXPECT_EQ(refused(with("iat", kNow + 120)), "the ID token was issued in the future (iat)");
  EXPECT_EQ(refused(with("iat", kNow - 3600)), "the ID token was issued too long ago (iat)");
  EXPECT_EQ(refused(with("nonce", "another")), "the ID token is not for this sign-in (nonce)");
  EXPECT_EQ(refused(without("nonce")), "the ID token is not for this sign-in (nonce)");
  EXPECT_EQ(refused(without("sub")), "the ID token has no valid sub");
  EXPECT_EQ(refused(with("sub", "")), "the ID token has no valid sub");
  // Within the leeway, a little skew is fine.
  EXPECT_EQ(refused(with("exp", kNow - 30)), "accepted");
}

TEST(IdToken, RefusesForgedSignaturesAndAlgorithms) {
  auto key = NewKey("RS256");
  const std::string good = JwsCodec(key).Encode(Claims());
  const size_t dot2 = good.rfind('.');
  const std::string payload = good.substr(good.find('.') + 1, dot2 - good.find('.') - 1);

  // Another key's signature; a tampered payload.
  EXPECT_FALSE(VerifyIdToken(JwsCodec(NewKey("RS256")).Encode(Claims()), key, Check()).ok());
  std::string tampered = good;
  tampered[good.find('.') + 3] ^= 1;
  EXPECT_FALSE(VerifyIdToken(tampered, key, Check()).ok());
  // alg "none", unsigned.
  const std::string none = Base64UrlEncode(R"({"alg":"none","kid":")" + *key->KeyId() + "\"}") + "." +
                           payload + ".";
  auto refused = VerifyIdToken(none, key, Check());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  // HS256 keyed with the provider's public key (the classic confusion, RFC 8725 2.1).
  const std::string header = Base64UrlEncode(R"({"alg":"HS256","kid":")" + *key->KeyId() + "\"}");
  const std::string input = header + "." + payload;
  HmacKey confused(key->PublicPem());
  EXPECT_FALSE(VerifyIdToken(input + "." + Base64UrlEncode(confused.Sign(input)), key, Check()).ok());
  // No key for its kid.
  EXPECT_EQ(VerifyIdToken(good, nullptr, Check()).status().message(),
            "the ID token names no key the provider publishes (kid)");
}

TEST(IdentityClaims, TakeWhatHasTheRightType) {
  auto id = ReadIdentityClaims({{"sub", "x"}, {"email", 7}, {"email_verified", "true"},
                                {"preferred_username", json::array{}}});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->email, "");
  EXPECT_TRUE(id->email_verified);
  EXPECT_EQ(id->preferred_username, "");
  EXPECT_FALSE(ReadIdentityClaims({{"sub", "x"}, {"email_verified", "yes"}})->email_verified);
  EXPECT_FALSE(ReadIdentityClaims({{"sub", 12}}).ok());
}

json::object Metadata(std::string issuer = "https://id.example") {
  return {{"issuer", issuer}, {"authorization_endpoint", issuer + "/auth"},
          {"token_endpoint", issuer + "/token"}, {"userinfo_endpoint", issuer + "/me"},
          {"jwks_uri", issuer + "/jwks"}, {"response_types_supported", json::array{"code", "id_token"}},
          {"code_challenge_methods_supported", json::array{"plain", "S256"}}};
}

TEST(Discovery, ReadsTheEndpointsOfTheConfiguredIssuerOnly) {
  auto m = ParseDiscovery(json::serialize(Metadata()), "https://id.example");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->token_endpoint, "https://id.example/token");
  EXPECT_EQ(m->userinfo_endpoint, "https://id.example/me");
  EXPECT_FALSE(m->client_secret_post);  // basic by default
  EXPECT_FALSE(m->iss_parameter);
  json::object post = Metadata();
  post["token_endpoint_auth_methods_supported"] = json::array{"private_key_jwt", "client_secret_post"};
  post["authorization_response_iss_parameter_supported"] = true;
  m = ParseDiscovery(json::serialize(post), "https://id.example");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->client_secret_post);
  EXPECT_TRUE(m->iss_parameter);
  // Loopback http only for a loopback issuer.
  EXPECT_TRUE(ParseDiscovery(json::serialize(Metadata("http://127.0.0.1:9000")), "http://127.0.0.1:9000").ok());
  EXPECT_TRUE(ParseDiscovery(json::serialize(Metadata("http://localhost:9000")), "http://localhost:9000").ok());

  auto refused = [](json::object doc, std::string_view issuer = "https://id.example") {
    return ParseDiscovery(json::serialize(doc), issuer).status().code() == StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(refused(Metadata(), "https://id.example/"));  // issuer must match exactly
  EXPECT_TRUE(refused(Metadata("https://evil.example")));
  json::object doc = Metadata();
  doc["token_endpoint"] = "http://id.example/token";  // plain http off loopback
  EXPECT_TRUE(refused(doc));
  doc = Metadata();
  doc["jwks_uri"] = "https://user:pw@id.example/jwks";
  EXPECT_TRUE(refused(doc));
  doc = Metadata();
  doc.erase("authorization_endpoint");
  EXPECT_TRUE(refused(doc));
  doc = Metadata();
  doc["code_challenge_methods_supported"] = json::array{"plain"};
  EXPECT_TRUE(refused(doc));
  doc = Metadata();
  doc["response_types_supported"] = json::array{"id_token"};
  EXPECT_TRUE(refused(doc));
  doc = Metadata();
  doc["token_endpoint_auth_methods_supported"] = json::array{"private_key_jwt"};
  EXPECT_TRUE(refused(doc));
  doc = Metadata("http://10.0.0.1:9000");
  EXPECT_TRUE(refused(doc, "http://10.0.0.1:9000"));
  EXPECT_FALSE(ParseDiscovery("[]", "https://id.example").ok());
  EXPECT_FALSE(ParseDiscovery("<html>", "https://id.example").ok());
}

TEST(Discovery, ProviderUrls) {
  EXPECT_TRUE(IsAllowedProviderUrl("https://id.example/a?b=c", false));
  EXPECT_FALSE(IsAllowedProviderUrl("http://127.0.0.1/a", false));
  EXPECT_TRUE(IsAllowedProviderUrl("http://127.0.0.1/a", true));
  EXPECT_TRUE(IsAllowedProviderUrl("http://[::1]:8/a", true));
  EXPECT_FALSE(IsAllowedProviderUrl("http://127.0.0.1.evil.example/a", true));  // a name
  EXPECT_FALSE(IsAllowedProviderUrl("http://127.0.0.1@evil.example/a", true));
  EXPECT_FALSE(IsAllowedProviderUrl("http://1270.0.0.1/a", true));
  EXPECT_TRUE(IsAllowedProviderUrl("http://127.8.9.10:1/a", true));
  EXPECT_FALSE(IsAllowedProviderUrl("https://id.example/a#frag", false));
  EXPECT_FALSE(IsAllowedProviderUrl("https://id.example/a b", false));
  EXPECT_FALSE(IsAllowedProviderUrl("javascript:alert(1)", true));
  EXPECT_FALSE(IsAllowedProviderUrl("https://", false));
}

TEST(TokenResponse, NeedsAnIdTokenOfTypeBearer) {
  auto r = ParseTokenResponse(200, R"({"id_token":"a.b.c","access_token":"at","token_type":"bearer","expires_in":60})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id_token, "a.b.c");
  EXPECT_EQ(r->access_token, "at");
  EXPECT_EQ(ParseTokenResponse(200, R"({"access_token":"at","token_type":"Bearer"})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTokenResponse(200, R"({"id_token":"a.b.c","token_type":"MAC"})").status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTokenResponse(200, "<html>").status().code(), StatusCode::kInvalidArgument);
  auto refused = ParseTokenResponse(400, R"({"error":"invalid_grant","error_description":"code reused"})");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(refused.status().message(), "the provider refused the code: invalid_grant");
  EXPECT_EQ(ParseTokenResponse(502, "Bad Gateway").status().code(), StatusCode::kInvalidArgument);
}

TEST(HttpFetch, CacheSecondsFollowMaxAgeWithinBounds) {
  EXPECT_EQ(CacheSeconds("public, max-age=7200", 3600, 300, 86400), 7200);
  EXPECT_EQ(CacheSeconds("max-age=5", 3600, 300, 86400), 300);
  EXPECT_EQ(CacheSeconds("Max-Age=999999999", 3600, 300, 86400), 86400);
  EXPECT_EQ(CacheSeconds("", 3600, 300, 86400), 3600);
  EXPECT_EQ(CacheSeconds("max-age=-1, private", 3600, 300, 86400), 3600);
  EXPECT_EQ(CacheSeconds("no-store", 3600, 300, 86400), 300);
  EXPECT_EQ(CacheSeconds("max-age=99999999999999999999", 3600, 300, 86400), 3600);
}

TEST(HttpFetch, FormEncodesAsRfc6749Asks) {
  EXPECT_EQ(FormEncode("a b+c/d:é"), "a+b%2Bc%2Fd%3A%C3%A9");
  EXPECT_EQ(FormEncode("AZaz09-._~*"), "AZaz09-._~%2A");
}

// A provider's documents by URL, counting the fetches; a URL missing is a refused connection.
struct FakeProvider {
  std::map<std::string, FetchAnswer> answers;
  std::map<std::string, int> fetched;
  StatusOr<FetchAnswer> operator()(const FetchRequest& r) {
    ++fetched[r.url];
    auto it = answers.find(r.url);
    if (it == answers.end()) return Unavailable("Couldn't connect to server");
    return it->second;
  }
};

TEST(Provider, FetchesMetadataAndKeysOnceAndAgainForANewKidOnceAMinute) {
  ManualClock clock(kNow * 1'000'000);
  auto old_key = NewKey("RS256");
  auto new_key = NewKey("ES256");
  auto fake = std::make_shared<FakeProvider>();
  fake->answers["https://id.example/.well-known/openid-configuration"] =
      {.status = 200, .body = json::serialize(Metadata()), .cache_control = "max-age=600"};
  fake->answers["https://id.example/jwks"] = {.status = 200, .body = JwksOf({old_key})};
  Provider provider({.id = "id", .issuer = "https://id.example", .client_id = "authd"},
                    [fake](const FetchRequest& r) { return (*fake)(r); }, clock);

  auto key = provider.KeyFor(*old_key->KeyId());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  ASSERT_NE(*key, nullptr);
  EXPECT_TRUE(provider.KeyFor(*old_key->KeyId()).ok());
  EXPECT_EQ(fake->fetched["https://id.example/jwks"], 1);
  EXPECT_EQ(fake->fetched["https://id.example/.well-known/openid-configuration"], 1);

  // The provider rotates: the new kid is unknown until the keys are fetched again, which
  // happens at most once a minute.
  fake->answers["https://id.example/jwks"] = {.status = 200, .body = JwksOf({new_key})};
  EXPECT_EQ(*provider.KeyFor(*new_key->KeyId()), nullptr);  // fetched under a minute ago
  EXPECT_EQ(fake->fetched["https://id.example/jwks"], 1);
  clock.AdvanceSeconds(61);
  EXPECT_NE(*provider.KeyFor(*new_key->KeyId()), nullptr);
  EXPECT_EQ(fake->fetched["https://id.example/jwks"], 2);
  EXPECT_EQ(*provider.KeyFor("made-up"), nullptr);
  EXPECT_EQ(fake->fetched["https://id.example/jwks"], 2);

  // The metadata is kept for its max-age (600 s), then fetched again.
  clock.AdvanceSeconds(600);
  EXPECT_TRUE(provider.Metadata().ok());
  EXPECT_EQ(fake->fetched["https://id.example/.well-known/openid-configuration"], 2);
}

TEST(Provider, AnUnreachableOrConfusedProviderIsUnavailableUntilItRecovers) {
  ManualClock clock(kNow * 1'000'000);
  auto fake = std::make_shared<FakeProvider>();
  Provider provider({.id = "id", .issuer = "https://id.example", .client_id = "authd"},
                    [fake](const FetchRequest& r) { return (*fake)(r); }, clock);
  EXPECT_EQ(provider.Metadata().status().code(), StatusCode::kUnavailable);
  fake->answers["https://id.example/.well-known/openid-configuration"] = {.status = 200, .body = "<html>"};
  EXPECT_EQ(provider.Metadata().status().code(), StatusCode::kUnavailable);
  fake->answers["https://id.example/.well-known/openid-configuration"] =
      {.status = 200, .body = json::serialize(Metadata("https://impostor.example"))};
  EXPECT_EQ(provider.Metadata().status().code(), StatusCode::kUnavailable);
  fake->answers["https://id.example/.well-known/openid-configuration"] = {.status = 200, .body = json::serialize(Metadata())};
  EXPECT_TRUE(provider.Metadata().ok());
  EXPECT_EQ(provider.KeyFor("k").status().code(), StatusCode::kUnavailable);  // no jwks answer
}

TEST(PeekKeyId, ReadsTheHeadersKidOnly) {
  auto key = NewKey("ES256");
  EXPECT_EQ(PeekKeyId(JwsCodec(key).Encode(Claims())), *key->KeyId());
  EXPECT_EQ(PeekKeyId(Base64UrlEncode(R"({"alg":"none"})") + ".e30."), std::nullopt);
  EXPECT_EQ(PeekKeyId(Base64UrlEncode(R"({"kid":7})") + ".e30."), std::nullopt);
  EXPECT_EQ(PeekKeyId("garbage"), std::nullopt);
}

}  // namespace
}  // namespace authd

namespace authd {
namespace {

TEST(AccountHints, AUsernameComesFromPreferredUsernameElseTheAddress) {
  EXPECT_EQ(UsernameBase({.subject = "1", .email = "jane.doe@corp.example", .preferred_username = "jd"}), "jd");
  EXPECT_EQ(UsernameBase({.subject = "1", .email = "jane.doe+x@corp.example"}), "jane.doe+x");
  // NFKC first (fullwidth letters become ASCII), then only Django's username characters.
  EXPECT_EQ(UsernameBase({.subject = "1", .preferred_username = "ｊａｎｅ <script>"}), "janescript");
  EXPECT_EQ(UsernameBase({.subject = "1", .preferred_username = "日本"}), "user");
  EXPECT_EQ(UsernameBase({.subject = "1"}), "user");
  EXPECT_EQ(UsernameBase({.subject = "1", .preferred_username = std::string(500, 'a')}).size(), 140u);
}

TEST(AccountHints, TheDomainRuleIsExactAndCaseInsensitive) {
  const std::vector<std::string> allowed = {"corp.example"};
  EXPECT_TRUE(EmailDomainAllowed("anyone@elsewhere.example", {}));
  EXPECT_TRUE(EmailDomainAllowed("jane@CORP.example", allowed));
  EXPECT_FALSE(EmailDomainAllowed("jane@sub.corp.example", allowed));
  EXPECT_FALSE(EmailDomainAllowed("jane@corp.example.evil", allowed));
  EXPECT_FALSE(EmailDomainAllowed("corp.example", allowed));
  EXPECT_TRUE(EmailDomainAllowed("a@b@corp.example", allowed));  // the last @ starts the domain
  EXPECT_FALSE(EmailDomainAllowed("", allowed));
}

}  // namespace
}  // namespace authd
