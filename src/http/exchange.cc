#include "http/exchange.h"

#include <boost/beast/http/field.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/range/iterator_range.hpp>
#include <spdlog/spdlog.h>

#include "util/utf8.h"

namespace authd {
namespace http = boost::beast::http;

Response ErrorAnswer(int status, std::string_view detail) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(boost::json::object{{"detail", detail}});
  return r;
}

std::optional<Response> RefuseFraming(const BeastRequest& req) {
  if (req.count(http::field::content_length) && req.count(http::field::transfer_encoding)) {
    return ErrorAnswer(400, "Both Content-Length and Transfer-Encoding are present.");
  }
  return std::nullopt;
}

namespace {

// Every X-Forwarded-For header, in order, as one comma-separated list.
std::string ForwardedFor(const BeastRequest& req) {
  std::string forwarded;
  for (const auto& field : boost::make_iterator_range(req.equal_range("X-Forwarded-For"))) {
    if (!forwarded.empty()) forwarded += ',';
    forwarded.append(field.value());
  }
  return forwarded;
}

}  // namespace

Request ViewRequest(const BeastRequest& req, const std::string& peer,
                    const TrustedProxies& trusted) {
  Request request;
  request.method = req.method_string();
  std::string_view target = req.target();
  const size_t q = target.find('?');
  request.path = target.substr(0, q);
  if (q != std::string_view::npos) request.query = target.substr(q + 1);
  request.content_type = req[http::field::content_type];
  if (auto it = req.find(http::field::authorization); it != req.end()) {
    request.authorization = it->value();
    request.has_authorization = true;
  }
  request.user_agent = req[http::field::user_agent];
  request.host = req[http::field::host];
  request.origin = req[http::field::origin];
  request.accept = req[http::field::accept];
  request.accept_encoding = req[http::field::accept_encoding];
  request.if_none_match = req[http::field::if_none_match];
  request.cookie = req[http::field::cookie];
  request.session_mode = req["X-Authd-Session"];
  request.cors_request_method = req[http::field::access_control_request_method];
  request.body = req.body();
  request.peer_address = peer;
  request.client_address = trusted.empty() ? peer : trusted.ClientAddress(peer, ForwardedFor(req));
  return request;
}

boost::asio::awaitable<Response> Dispatch(const Router& router, Request& request) {
  // Path parameters and query values go to stores, and PostgreSQL refuses text that is not
  // UTF-8 with an error: such a target never reaches a handler.
  if (!IsValidUtf8(request.path) || !IsValidUtf8(request.query)) {
    co_return ErrorAnswer(400, "The request target is not valid UTF-8.");
  }
  Router::Match m = router.Find(request);
  switch (m.kind) {
    case Router::Match::Kind::kFound: {
      Response r;
      if (m.is_options) {
        r.body = R"({"renders":["application/json"],"parses":["application/json","application/x-www-form-urlencoded"]})";
      } else {
        try {
          r = co_await (*m.handler)(request);
        } catch (const std::exception& e) {
          spdlog::error("handler for {} {} threw: {}", request.method, request.path, e.what());
          co_return ErrorAnswer(500, "A server error occurred.");
        }
      }
      r.AddHeader("Allow", std::string(m.allow));
      co_return r;
    }
    case Router::Match::Kind::kMethodNotAllowed: {
      Response r = ErrorAnswer(405, "Method \"" + std::string(request.method) + "\" not allowed.");
      r.AddHeader("Allow", std::string(m.allow));
      co_return r;
    }
    case Router::Match::Kind::kRedirect: {
      // Django's APPEND_SLASH answers 301, which clients re-send as a GET without the body:
      // every other method gets 308, which keeps the method and the body (RFC 9110 15.4.9).
      const bool safe = request.method == "GET" || request.method == "HEAD";
      Response r = safe ? ErrorAnswer(301, "Moved permanently.")
                        : ErrorAnswer(308, "Permanent redirect.");
      r.AddHeader("Location", m.location);
      co_return r;
    }
    case Router::Match::Kind::kNotFound:
      break;
  }
  co_return ErrorAnswer(404, "Not found.");
}

}  // namespace authd
