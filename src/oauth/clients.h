// Registering the applications that sign users in through authd (authd as an OpenID
// provider): the rules a client's registration must meet, and its credentials, made once. The
// command line (`authd clients add`) and the admin API (POST /api/admin/clients/) both come
// here, so they accept and refuse the same.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "store/client_store.h"
#include "util/random.h"
#include "util/status.h"

namespace authd {

struct NewClient {
  std::string name;
  std::vector<std::string> redirect_uris;
  bool is_public = false;    // a browser or mobile app: no secret, PKCE alone
  bool first_party = false;  // this organisation's own: no consent page
};

struct AddedClient {
  OAuthClient client;
  std::string secret;  // shown once; empty for a public client
};

// Whether `uri` may be registered as a redirect URI: https; http only to a loopback address
// (a native app's, RFC 8252 7.3); or a private-use scheme named after a domain, such as
// "com.example.app:/cb" (RFC 8252 7.1). Never a fragment, credentials, or more than 2000 bytes.
bool IsRegistrableRedirectUri(std::string_view uri);

// The client with a new random id and, for a confidential client, a new secret (256 bits,
// kept only as its SHA-256). InvalidArgument naming the problem: a name of 1 to 100
// characters, 1 to 10 redirect URIs, each registrable.
StatusOr<AddedClient> MakeClient(const NewClient& request, Random& random, int64_t now_seconds);

// As GET /api/admin/clients/ and `authd clients list --json` show it (never the hash).
boost::json::object ClientJson(const OAuthClient& client);

}  // namespace authd
