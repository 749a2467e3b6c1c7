// The answer to a sign-in that ended with a new token pair, whichever way it went (a password
// and a second factor, a passkey alone): counted, noted for the access log, never cached.
#pragma once

#include <boost/json/object.hpp>

#include "api/api_error.h"
#include "api/services.h"
#include "http/message.h"

namespace authd {

inline Response SignedIn(Services& s, Request& request, int64_t user_id, const IssuedPair& pair) {
  request.user_id = user_id;
  s.metrics.LoginSucceeded();
  s.metrics.TokenIssued("access");
  s.metrics.TokenIssued("refresh");
  Response r = JsonResponse(200, boost::json::object{{"refresh", pair.refresh}, {"access", pair.access}});
  r.AddHeader("Cache-Control", "no-store");  // RFC 6749 section 5.1
  return r;
}

}  // namespace authd
