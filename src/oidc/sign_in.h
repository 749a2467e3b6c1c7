// A sign-in with an OpenID provider, from authd's side as a client (OpenID Connect Core 1.0,
// section 3.1, the authorization code flow, with PKCE, RFC 7636): the authorization request
// the browser is sent with, then, at the callback, the code exchanged for an ID token, which
// is verified, and the claims it lacks read from the userinfo endpoint. What happens with the
// identity afterwards (an authd user found, linked or created) is the API's (api/oidc_api.cc).
// Blocking (the provider's endpoints are fetched): call from a pool thread.
#pragma once

#include <string>
#include <string_view>

#include "oidc/id_token.h"
#include "oidc/provider.h"
#include "util/random.h"
#include "util/status.h"

namespace authd {

// The secrets of one authorization request: `state` goes to the provider and comes back (only
// its hash is stored), `nonce` comes back inside the ID token, and `code_verifier` stays here
// until the code is exchanged (the provider saw only its S256 challenge).
struct AuthorizationRequest {
  std::string state;
  std::string nonce;
  std::string code_verifier;
  std::string url;  // where the browser goes: the provider's authorization endpoint
};

AuthorizationRequest NewAuthorizationRequest(const ProviderMetadata& metadata,
                                             const OidcProviderSetting& setting,
                                             std::string_view redirect_uri, Random& random);

struct CodeExchange {
  std::string code;
  std::string code_verifier;
  std::string nonce;
  std::string redirect_uri;  // the one the authorization request named
  int64_t now_seconds = 0;
};

// The identity the provider vouches for. Unavailable when it cannot be reached (or its keys
// or metadata cannot be had); InvalidArgument for an answer that is not what the
// specification says (garbage, a token response without an ID token); Unauthenticated when the
// provider refuses the code or the ID token fails a check (each naming what failed).
StatusOr<IdentityClaims> ExchangeCode(Provider& provider, const CodeExchange& exchange);

}  // namespace authd
