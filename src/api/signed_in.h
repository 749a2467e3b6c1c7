// The answer to a sign-in that ended with a new token pair, whichever way it went (a password,
// a password and a second factor, a passkey alone): counted, noted for the access log, never
// cached. A browser session's sign-in (api/browser_session.h) gets its refresh token as an
// HttpOnly cookie instead of in the body.
#pragma once

#include <boost/json/object.hpp>

#include "api/api_error.h"
#include "api/browser_session.h"
#include "api/services.h"
#include "http/message.h"

namespace authd {

inline Response SignedIn(Services& s, Request& request, int64_t user_id, const IssuedPair& pair) {
  request.user_id = user_id;
  s.metrics.LoginSucceeded();
  s.metrics.TokenIssued("access");
  s.metrics.TokenIssued("refresh");
  const bool browser = WantsBrowserSession(request);
  boost::json::object body;
  if (!browser) body["refresh"] = pair.refresh;
  body["access"] = pair.access;
  // The session's id (its refresh token's jti, not a secret), which the page cannot read
  // from the cookie: GET /api/sessions/?current= marks this device with it.
  if (browser) body["session"] = pair.refresh_claims.jti;
  Response r = JsonResponse(200, body);
  r.AddHeader("Cache-Control", "no-store");  // RFC 6749 section 5.1
  if (browser) r.AddHeader("Set-Cookie", SessionCookie(s, request, pair.refresh));
  return r;
}

}  // namespace authd
