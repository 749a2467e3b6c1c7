// What an OpenID provider sends authd, which it must never trust to be well formed: its
// metadata, its JWK Set, its token endpoint's answers, and the claims of its ID tokens and
// userinfo answers. Input byte 0 picks the mode by its remainder modulo 4: 0, the rest is a
// JWK Set document; 1, a claims object, checked as an ID token's and read as userinfo's (then
// made a username and held against an allowed domain, as a new user's would be); 2, a
// discovery document; 3, a token endpoint's answer (byte 1 picks its HTTP status).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "oidc/account_hints.h"
#include "oidc/discovery.h"
#include "oidc/id_token.h"
#include "oidc/token_response.h"
#include "oidc/jwks.h"
#include "tokens/jws_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 4 == 2) {
    (void)authd::ParseDiscovery(rest, "https://id.example");
    (void)authd::ParseDiscovery(rest, "http://127.0.0.1:9000");
    return 0;
  }
  if (data[0] % 4 == 3) {
    if (rest.empty()) return 0;
    const int status = rest[0] % 2 == 0 ? 200 : 400;
    (void)authd::ParseTokenResponse(status, rest.substr(1));
    return 0;
  }
  if (data[0] % 4 == 0) {
    if (auto keys = authd::ProviderKeys::Parse(rest); keys.ok()) {
      (void)keys->Find(std::nullopt);
      (void)keys->Find("k1");
    }
    return 0;
  }
  if (auto claims = authd::ParseJsonObjectStrict(rest)) {
    const authd::IdTokenCheck check{.issuer = "https://id.example", .client_id = "authd",
                                    .nonce = "n", .now_seconds = 1'800'000'000};
    (void)authd::CheckIdTokenClaims(*claims, check);
    if (auto identity = authd::ReadIdentityClaims(*claims); identity.ok()) {
      const std::string username = authd::UsernameBase(*identity);
      if (username.empty() || username.size() > 140) __builtin_trap();
      (void)authd::EmailDomainAllowed(identity->email, {"corp.example", "EXAMPLE.com"});
    }
  }
  return 0;
}
