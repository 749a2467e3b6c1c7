// simplejwt's refresh and logout once the refresh token is in hand, wherever it came from: a
// request body (api/token_api.cc) or the browser session's cookie (api/browser_session.cc).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <string>

#include "api/services.h"
#include "http/message.h"

namespace authd {

// 200 {"access"[, "refresh" when rotating]}, or simplejwt's refusal.
boost::asio::awaitable<Response> RefreshWith(Services& s, Request& request, const std::string& token);

// Blacklists the token, ending its session; 200 {}.
boost::asio::awaitable<Response> BlacklistWith(Services& s, Request& request,
                                               const std::string& token);

}  // namespace authd
