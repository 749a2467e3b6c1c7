// Sign-in with OpenID Connect providers, as configured: [[oidc_providers]] tables in the TOML
// file (AUTHD_OIDC_PROVIDERS, a JSON list, in the environment) and the exact redirect URLs API
// and mobile clients may ask a sign-in to end at (AUTHD_OIDC_CLIENT_REDIRECTS).
#pragma once

#include <string>
#include <vector>

#include "util/status.h"

namespace authd {

struct OidcProviderSetting {
  std::string id;      // [a-z0-9_-], 1 to 32: in {public_url}/api/oidc/{id}/callback/
  std::string name;    // shown on the sign-in page's button
  std::string issuer;  // https://..., or http:// to a loopback address (development, tests)
  std::string client_id;
  std::string client_secret;  // given, or read from client_secret_file at start
  std::vector<std::string> scopes = {"openid", "email", "profile"};
  std::vector<std::string> allowed_email_domains;  // empty: any
  bool link_by_verified_email = false;
  bool create_users = true;
};

// AUTHD_OIDC_PROVIDERS's JSON (empty: none). InvalidArgument naming the variable and the
// provider for anything malformed; secrets are never quoted.
StatusOr<std::vector<OidcProviderSetting>> ParseOidcProviders(const std::string& json_text);

// As `authd config` shows it: secrets masked, and read back to the same providers.
std::string DescribeOidcProviders(const std::vector<OidcProviderSetting>& providers);

}  // namespace authd
