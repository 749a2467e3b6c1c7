// The request and response as handlers see them: plain values, independent of Beast, so the
// API layer can be unit-tested without a socket.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authd {

// A request whose head and body were read in full. The views point into the connection's
// buffers and are valid for the duration of the handler call.
struct Request {
  std::string_view method;        // "GET", "POST", ...
  std::string_view path;          // the target up to '?', as sent
  std::string_view query;         // after '?', without it
  std::string_view content_type;  // empty when absent
  std::string_view authorization; // empty when absent
  std::string_view user_agent;
  std::string_view host;          // the Host header, as sent (untrusted unless AUTHD_ALLOWED_HOSTS)
  std::string_view public_url;    // AUTHD_PUBLIC_URL: the base of links; empty when unset
  std::string_view origin;        // the Origin header (CORS); empty when absent
  std::string_view cors_request_method;  // Access-Control-Request-Method (a preflight)
  std::string_view accept;           // a browser's navigation asks for text/html
  std::string_view accept_encoding;  // for compiled-in files (http/static_asset.h)
  std::string_view if_none_match;
  std::string_view cookie;          // the Cookie header (http/cookies.h reads it)
  std::string_view session_mode;    // X-Authd-Session: "cookie" asks for the browser session
  std::string_view body;
  std::string client_address;     // the client's IP address (X-Forwarded-For from a trusted proxy)
  std::string_view peer_address;  // the socket's peer, whatever any header says
  std::vector<std::pair<std::string, std::string>> path_params;  // from "{name}" route segments

  bool has_authorization = false;
  bool tls = false;  // came over this server's own TLS listener

  // Filled in along the way, for the access log.
  std::string request_id;          // the client's X-Request-ID when acceptable, else ours
  std::string_view route;          // the matched pattern ("/api/admin/users/{id}/"); empty: none
  std::optional<int64_t> user_id;  // the user the request acted as, once known
};

struct Response {
  int status = 200;
  std::string body;  // JSON text, unless content_type says otherwise
  // Instead of `body`: bytes with static storage (compiled into the binary), written from
  // where they are, never copied into the answer.
  std::string_view static_body;
  std::string_view content_type = "application/json";  // static text
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type/Length

  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace authd
