// One request and its answer without the socket: what the server does between reading a
// request and writing the response. Kept apart from server.cc so the fuzzer drives exactly the
// code the server runs (Beast's parse, our framing checks, the router and every handler).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"
#include "http/router.h"
#include "http/trusted_proxies.h"

namespace authd {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

// A JSON {"detail": ...} answer for failures of the transport itself (bad framing, 404, 405).
Response ErrorAnswer(int status, std::string_view detail);

// Ambiguous framing is how requests are smuggled past proxies: the answer that refuses it
// (and ends the connection), or nullopt when the head is unambiguous.
std::optional<Response> RefuseFraming(const BeastRequest& req);

// The handlers' view of a parsed request. Its string views point into `req`. The client
// address is `peer`, or what a trusted proxy's X-Forwarded-For says.
Request ViewRequest(const BeastRequest& req, const std::string& peer,
                    const TrustedProxies& trusted);

// Routes the request and runs its handler: 404, 405 with Allow, Django's slash redirect,
// OPTIONS. A handler that throws is answered 500 and logged.
boost::asio::awaitable<Response> Dispatch(const Router& router, Request& request);

}  // namespace authd
