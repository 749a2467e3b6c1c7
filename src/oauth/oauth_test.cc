// The clients' registration rules (oauth/clients.h).
#include <gtest/gtest.h>

#include <cstring>

#include "oauth/clients.h"
#include "util/sha256.h"

namespace authd {
namespace {

// Counts up from a seed: every call gives new, known bytes.
class CountingRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = next_++;
  }

 private:
  uint8_t next_ = 0xf0;
};

TEST(Clients, RedirectUrisMustBeHttpsLoopbackHttpOrAnAppsOwnScheme) {
  for (const char* ok : {"https://app.example/cb", "https://app.example:8443/cb?x=1", "http://127.0.0.1/cb",
                         "http://[::1]:8080/cb", "http://localhost/cb", "com.example.app:/oauth2redirect",
                         "com.example.app:cb"}) {
    EXPECT_TRUE(IsRegistrableRedirectUri(ok)) << ok;
  }
  for (const char* bad : {"", "http://app.example/cb", "http://127.0.0.1.evil.example/cb",
                          "https://app.example/cb#x", "https://user:pw@app.example/", "https:///cb",
                          "javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "myapp:/cb",
                          "com.example.app:", "/cb", "https://app.example/c b", "https://app.example/\\cb",
                          "1com.example:/cb"}) {
    EXPECT_FALSE(IsRegistrableRedirectUri(bad)) << bad;
  }
  EXPECT_FALSE(IsRegistrableRedirectUri("https://app.example/" + std::string(2000, 'a')));
}

TEST(Clients, AConfidentialClientGetsASecretKeptOnlyAsItsHash) {
  CountingRandom random;
  auto added = MakeClient({.name = "  Wiki ", .redirect_uris = {"https://wiki.example/cb"}, .first_party = true},
                          random, 1000);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->client.client_id, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  EXPECT_EQ(added->client.name, "Wiki");
  EXPECT_EQ(added->secret.size(), 43u);  // 32 bytes, base64url
  EXPECT_EQ(added->client.secret_hash, Sha256Hex(added->secret));
  EXPECT_TRUE(added->client.first_party);
  EXPECT_EQ(added->client.created_at, 1000);
  EXPECT_FALSE(ClientJson(added->client).contains("secret_hash"));

  auto spa = MakeClient({.name = "SPA", .redirect_uris = {"https://spa.example/"}, .is_public = true}, random, 1);
  ASSERT_TRUE(spa.ok());
  EXPECT_TRUE(spa->secret.empty());
  EXPECT_TRUE(spa->client.is_public());
}

TEST(Clients, RegistrationsThatBreakARuleAreRefusedNamingTheField) {
  CountingRandom random;
  auto refused = [&](NewClient c) { return std::string(MakeClient(c, random, 1).status().message()); };
  EXPECT_EQ(refused({.name = " ", .redirect_uris = {"https://a.example/"}}).rfind("name:", 0), 0u);
  EXPECT_EQ(refused({.name = std::string(101, 'x'), .redirect_uris = {"https://a.example/"}}).rfind("name:", 0), 0u);
  EXPECT_EQ(refused({.name = "A"}).rfind("redirect_uris:", 0), 0u);
  EXPECT_EQ(refused({.name = "A", .redirect_uris = std::vector<std::string>(11, "https://a.example/")})
                .rfind("redirect_uris:", 0), 0u);
  EXPECT_EQ(refused({.name = "A", .redirect_uris = {"https://a.example/", "http://a.example/"}})
                .rfind("redirect_uris:", 0), 0u);
  // 100 characters, not bytes.
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "é";
  EXPECT_TRUE(MakeClient({.name = hundred, .redirect_uris = {"https://a.example/"}}, random, 1).ok());
}

}  // namespace
}  // namespace authd
