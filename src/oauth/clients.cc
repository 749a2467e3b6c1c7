#include "oauth/clients.h"

#include <boost/json/array.hpp>

#include "util/base64url.h"
#include "util/sha256.h"
#include "util/strings.h"
#include "util/time_format.h"
#include "util/url.h"
#include "util/utf8.h"

namespace authd {
namespace {

constexpr size_t kMaxUriBytes = 2000;
constexpr size_t kMaxUris = 10;
constexpr size_t kMaxNameChars = 100;

// RFC 3986's scheme: a letter, then letters, digits, "+", "-", ".".
bool IsScheme(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsRegistrableRedirectUri(std::string_view uri) {
  if (uri.empty() || uri.size() > kMaxUriBytes || !IsValidUtf8(uri)) return false;
  for (unsigned char c : uri) {
    if (c <= 0x20 || c == 0x7f || c == '\\' || c == '#') return false;
  }
  const size_t colon = uri.find(':');
  if (colon == std::string_view::npos || !IsScheme(uri.substr(0, colon))) return false;
  const std::string scheme = AsciiLower(uri.substr(0, colon));
  if (scheme == "https") return !UrlHost(uri).empty();
  if (scheme == "http") return IsLoopbackHttpUrl(uri);
  // A private-use scheme must be a reversed domain name of the app's (RFC 8252 7.1), which
  // also keeps out javascript:, data:, file: and the like.
  return scheme.find('.') != std::string::npos && colon + 1 < uri.size();
}

StatusOr<AddedClient> MakeClient(const NewClient& request, Random& random, int64_t now_seconds) {
  const std::string name(StripAsciiWhitespace(request.name));
  if (name.empty() || !IsValidUtf8(name) || CodePointCount(name) > kMaxNameChars) {
    return InvalidArgument("name: 1 to 100 characters are required");
  }
  if (request.redirect_uris.empty() || request.redirect_uris.size() > kMaxUris) {
    return InvalidArgument("redirect_uris: 1 to 10 are required");
  }
  for (const std::string& uri : request.redirect_uris) {
    if (!IsRegistrableRedirectUri(uri)) {
      return InvalidArgument("redirect_uris: '" + uri.substr(0, 200) +
                             "' is not https, http on loopback, or a private-use scheme "
                             "(com.example.app:/...), or carries a fragment");
    }
  }
  AddedClient added;
  // Hex, not base64url: an id that begins with "-" would read as an option on command lines.
  added.client = OAuthClient{.client_id = random.Hex(16),
                             .name = name,
                             .redirect_uris = request.redirect_uris,
                             .first_party = request.first_party,
                             .created_at = now_seconds};
  if (!request.is_public) {
    added.secret = Base64UrlEncode(random.Bytes(32));
    added.client.secret_hash = Sha256Hex(added.secret);
  }
  return added;
}

boost::json::object ClientJson(const OAuthClient& client) {
  boost::json::array uris;
  for (const std::string& u : client.redirect_uris) uris.emplace_back(u);
  return {{"client_id", client.client_id},
          {"name", client.name},
          {"public", client.is_public()},
          {"first_party", client.first_party},
          {"redirect_uris", std::move(uris)},
          {"created_at", FormatIsoUtc(client.created_at * 1'000'000)}};
}

}  // namespace authd
