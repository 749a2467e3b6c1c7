// The token endpoint's answer to a code exchange (OpenID Connect Core 3.1.3.3): an ID token
// and an access token of type Bearer; an error answer's code and description otherwise.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

struct TokenResponse {
  std::string id_token;
  std::string access_token;  // for the userinfo endpoint
};

// `status` is the HTTP status the endpoint answered with. A refusal (RFC 6749 5.2) becomes
// Unauthenticated naming its error code; anything malformed, InvalidArgument.
StatusOr<TokenResponse> ParseTokenResponse(int status, std::string_view text);

}  // namespace authd
