#include "oidc/sign_in.h"

#include "oidc/token_response.h"
#include "tokens/jws_codec.h"
#include "util/base64url.h"
#include "util/sha256.h"
#include "util/url.h"

namespace authd {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

// The claims userinfo adds to the ID token's: those it lacks, never a different subject
// (Core 5.3.2: a userinfo answer for another sub must not be used at all).
Status MergeUserinfo(Provider& provider, const ProviderMetadata& metadata,
                     const std::string& access_token, IdentityClaims& claims) {
  auto answer = provider.Fetch({.url = metadata.userinfo_endpoint, .bearer = access_token});
  if (!answer.ok()) return answer.status();
  if (answer->status != 200) {
    return InvalidArgument("the userinfo endpoint answered " + std::to_string(answer->status));
  }
  auto doc = ParseJsonObjectStrict(answer->body);
  if (!doc) return InvalidArgument("the userinfo answer is not a JSON object");
  auto info = ReadIdentityClaims(*doc);
  if (!info.ok()) return InvalidArgument("the userinfo answer has no valid sub");
  if (info->subject != claims.subject) {
    return Unauthenticated("the userinfo answer is about another subject");
  }
  if (claims.email.empty()) {
    claims.email = info->email;
    claims.email_verified = info->email_verified;
  }
  if (claims.preferred_username.empty()) claims.preferred_username = info->preferred_username;
  if (claims.name.empty()) claims.name = info->name;
  return Status::Ok();
}

}  // namespace

AuthorizationRequest NewAuthorizationRequest(const ProviderMetadata& metadata,
                                             const OidcProviderSetting& setting,
                                             std::string_view redirect_uri, Random& random) {
  AuthorizationRequest r{.state = Base64UrlEncode(random.Bytes(32)),
                         .nonce = Base64UrlEncode(random.Bytes(32)),
                         .code_verifier = Base64UrlEncode(random.Bytes(32))};
  r.url = metadata.authorization_endpoint;
  r.url += metadata.authorization_endpoint.find('?') == std::string::npos ? '?' : '&';
  r.url += "response_type=code&client_id=" + FormEncode(setting.client_id);
  r.url += "&redirect_uri=" + FormEncode(redirect_uri);
  r.url += "&scope=" + FormEncode(Join(setting.scopes));
  r.url += "&state=" + r.state + "&nonce=" + r.nonce;
  r.url += "&code_challenge=" + Base64UrlEncode(Sha256(r.code_verifier));
  r.url += "&code_challenge_method=S256";
  return r;
}

StatusOr<IdentityClaims> ExchangeCode(Provider& provider, const CodeExchange& exchange) {
  auto metadata = provider.Metadata();
  if (!metadata.ok()) return metadata.status();
  const OidcProviderSetting& setting = provider.setting();
  FetchRequest token{.url = metadata->token_endpoint};
  token.form_body = "grant_type=authorization_code&code=" + FormEncode(exchange.code) +
                    "&redirect_uri=" + FormEncode(exchange.redirect_uri) +
                    "&code_verifier=" + FormEncode(exchange.code_verifier);
  if (metadata->client_secret_post) {
    token.form_body += "&client_id=" + FormEncode(setting.client_id) +
                       "&client_secret=" + FormEncode(setting.client_secret);
  } else {
    // RFC 6749 2.3.1: both are form-encoded before they go into the Basic credentials.
    token.basic_user = FormEncode(setting.client_id);
    token.basic_password = FormEncode(setting.client_secret);
  }
  auto answer = provider.Fetch(token);
  if (!answer.ok()) return answer.status();
  auto tokens = ParseTokenResponse(static_cast<int>(answer->status), answer->body);
  if (!tokens.ok()) return tokens.status();

  auto key = provider.KeyFor(PeekKeyId(tokens->id_token));
  if (!key.ok()) return key.status();
  if (*key == nullptr) return Unauthenticated("the ID token names a key the provider does not publish");
  auto claims = VerifyIdToken(tokens->id_token, *key,
                              {.issuer = setting.issuer,
                               .client_id = setting.client_id,
                               .nonce = exchange.nonce,
                               .now_seconds = exchange.now_seconds});
  if (!claims.ok()) return claims.status();
  // Providers may keep email and preferred_username out of the ID token (Core 5.4).
  if ((claims->email.empty() || claims->preferred_username.empty()) &&
      !metadata->userinfo_endpoint.empty() && !tokens->access_token.empty()) {
    AUTHD_RETURN_IF_ERROR(MergeUserinfo(provider, *metadata, tokens->access_token, *claims));
  }
  return claims;
}

}  // namespace authd
