#include "oidc/token_response.h"

#include "tokens/jws_codec.h"
#include "util/strings.h"

namespace authd {

StatusOr<TokenResponse> ParseTokenResponse(int status, std::string_view text) {
  auto doc = ParseJsonObjectStrict(text);
  auto str = [&](std::string_view name) -> std::string {
    const boost::json::value* v = doc ? doc->if_contains(name) : nullptr;
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (status != 200) {
    const std::string error = str("error");
    if (error.empty()) return InvalidArgument("the token endpoint answered " + std::to_string(status));
    // The error code is an ASCII token by RFC 6749; kept short in case it is not.
    return Unauthenticated("the provider refused the code: " + error.substr(0, 64));
  }
  if (!doc) return InvalidArgument("the token endpoint's answer is not a JSON object");
  TokenResponse r{.id_token = str("id_token"), .access_token = str("access_token")};
  if (r.id_token.empty()) return InvalidArgument("the token endpoint's answer has no id_token");
  const std::string type = str("token_type");
  if (AsciiLower(type) != "bearer") {
    return InvalidArgument("the token endpoint's token_type is not Bearer");
  }
  return r;
}

}  // namespace authd
