// The token decoder and verifier: every check a presented token goes through.
//
// Input byte 0 picks the mode, by its remainder modulo 3:
//   0: the rest is a token, verified as an access token, a refresh token and untyped
//      (simplejwt's verify view);
//   1: the rest is "header JSON \n payload JSON", signed here with the verifier's own key
//      first, so the fuzzer reaches the header and claim checks behind the signature, which
//      it could never forge;
//   2: the rest is a JWK, as another issuer publishes its keys (PkeyKey::FromJwk), then used
//      to check a signature.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "tokens/hmac_key.h"
#include "tokens/jws_codec.h"
#include "tokens/pkey_key.h"
#include "tokens/token_service.h"
#include "util/base64url.h"
#include "util/clock.h"
#include "util/random.h"

namespace {

constexpr std::string_view kKey = "fuzz-signing-key-0123456789abcdef0123456789";

struct Verifier {
  authd::ManualClock clock{1'800'000'000'000'000};  // 2027; the corpus's tokens expire in 2100
  authd::OsRandom random;
  authd::TokenService tokens{authd::JwsCodec(std::make_shared<authd::HmacKey>(std::string(kKey))),
                             authd::TokenLifetimes{}, clock, random};
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Verifier* v = new Verifier;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string token(rest);
  if (data[0] % 3 == 2) {
    if (auto jwk = authd::ParseJsonObjectStrict(rest)) {
      if (auto key = authd::PkeyKey::FromJwk(*jwk); key.ok()) {
        (void)(*key)->Verify("header.payload", std::string(256, 'x'));
      }
    }
    return 0;
  }
  if (data[0] % 3 == 1) {
    const size_t newline = rest.find('\n');
    if (newline == std::string_view::npos) return 0;
    std::string input = authd::Base64UrlEncode(rest.substr(0, newline)) + "." +
                        authd::Base64UrlEncode(rest.substr(newline + 1));
    authd::HmacKey key{std::string(kKey)};
    token = input + "." + authd::Base64UrlEncode(key.Sign(input));
  }
  (void)v->tokens.Verify(token, "access");
  (void)v->tokens.Verify(token, "refresh");
  (void)v->tokens.Verify(token, std::nullopt);
  return 0;
}
