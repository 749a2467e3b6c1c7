#include "oidc/discovery.h"

#include <boost/json/array.hpp>

#include "tokens/jws_codec.h"
#include "util/url.h"

namespace authd {
namespace {

namespace json = boost::json;

bool ListContains(const json::object& doc, std::string_view name, std::string_view value,
                  bool if_absent) {
  const json::value* v = doc.if_contains(name);
  if (v == nullptr) return if_absent;
  if (!v->is_array()) return false;
  for (const json::value& item : v->as_array()) {
    if (item.is_string() && item.as_string() == value) return true;
  }
  return false;
}

}  // namespace

bool IsAllowedProviderUrl(std::string_view url, bool allow_loopback_http) {
  if (url.size() > 2048 || url.find('#') != std::string_view::npos) return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  if (UrlHost(url).empty()) return false;
  if (url.starts_with("https://")) return true;
  return allow_loopback_http && IsLoopbackHttpUrl(url);
}

StatusOr<ProviderMetadata> ParseDiscovery(std::string_view text, std::string_view issuer) {
  auto doc = ParseJsonObjectStrict(text);
  if (!doc) return InvalidArgument("the provider's metadata is not a JSON object");
  auto str = [&](std::string_view name) -> std::string {
    const json::value* v = doc->if_contains(name);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  ProviderMetadata m;
  m.issuer = str("issuer");
  if (m.issuer != issuer) {
    return InvalidArgument("the provider's metadata names another issuer: '" + m.issuer.substr(0, 200) + "'");
  }
  const bool loopback = IsLoopbackHttpUrl(issuer);
  m.authorization_endpoint = str("authorization_endpoint");
  m.token_endpoint = str("token_endpoint");
  m.jwks_uri = str("jwks_uri");
  m.userinfo_endpoint = str("userinfo_endpoint");
  for (auto [name, value] : {std::pair<const char*, const std::string*>{"authorization_endpoint", &m.authorization_endpoint},
                             {"token_endpoint", &m.token_endpoint},
                             {"jwks_uri", &m.jwks_uri}}) {
    if (!IsAllowedProviderUrl(*value, loopback)) {
      return InvalidArgument(std::string("the provider's ") + name + " is missing or not an https URL");
    }
  }
  if (!m.userinfo_endpoint.empty() && !IsAllowedProviderUrl(m.userinfo_endpoint, loopback)) {
    return InvalidArgument("the provider's userinfo_endpoint is not an https URL");
  }
  if (!ListContains(*doc, "response_types_supported", "code", /*if_absent=*/true)) {
    return InvalidArgument("the provider does not support the authorization code flow");
  }
  if (!ListContains(*doc, "code_challenge_methods_supported", "S256", /*if_absent=*/true)) {
    return InvalidArgument("the provider does not support PKCE with S256");
  }
  const bool basic = ListContains(*doc, "token_endpoint_auth_methods_supported", "client_secret_basic", true);
  const bool post = ListContains(*doc, "token_endpoint_auth_methods_supported", "client_secret_post", false);
  if (!basic && !post) {
    return InvalidArgument("the provider supports neither client_secret_basic nor client_secret_post");
  }
  m.client_secret_post = !basic;
  const json::value* iss = doc->if_contains("authorization_response_iss_parameter_supported");
  m.iss_parameter = iss != nullptr && iss->is_bool() && iss->as_bool();
  return m;
}

}  // namespace authd
