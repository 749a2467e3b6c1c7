// An OpenID provider's metadata (OpenID Connect Discovery 1.0, its
// /.well-known/openid-configuration): where to send the browser, where to exchange the code,
// where its keys and its userinfo are, and what it supports.
// Thread-safety: a plain value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"
#include "util/url.h"

namespace authd {

struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string userinfo_endpoint;  // empty when the provider has none
  std::string jwks_uri;
  // How authd authenticates to the token endpoint: client_secret_basic when the provider
  // lists it or lists nothing (the default, Discovery section 3), else client_secret_post.
  bool client_secret_post = false;
  // RFC 9207: the provider puts "iss" in its authorization responses, which must then match.
  bool iss_parameter = false;
};

// Whether `url` may be one of a provider's endpoints: https, or http to a loopback address
// (127.0.0.0/8, [::1], localhost) when the configured issuer is itself on loopback (development
// and tests). No credentials, no fragment.
bool IsAllowedProviderUrl(std::string_view url, bool allow_loopback_http);

// The metadata document fetched for the configured `issuer`. Its "issuer" must equal it
// exactly (Discovery section 4.3: a document that names another issuer is an impostor's);
// the endpoints must be allowed URLs; client_secret_basic or client_secret_post must be
// supported, and code flow with PKCE's S256 when the provider says what it supports.
StatusOr<ProviderMetadata> ParseDiscovery(std::string_view text, std::string_view issuer);

}  // namespace authd
