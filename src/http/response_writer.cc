#include "http/response_writer.h"

#include <ostream>  // boost/beast/http/status.hpp uses it without including it

#include <boost/beast/http/status.hpp>

#include <charconv>

namespace authd {
namespace {

bool SafeHeaderText(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

void AppendNumber(std::string& out, size_t n) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, end);
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

WireAnswer SerializeResponse(const Response& r, const WriteOptions& o) {
  // No Content and Not Modified: no body, type or length (RFC 9110 8.6, 15.4.5).
  const bool has_body = r.status != 204 && r.status != 304;
  const bool is_static = !r.static_body.empty();
  const size_t body_size = is_static ? r.static_body.size() : r.body.size();
  WireAnswer wire;
  std::string& out = wire.head;
  out.reserve(192 + r.headers.size() * 48 +
              (has_body && !o.head_only && !is_static ? r.body.size() : 0));

  out.append(o.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendNumber(out, static_cast<size_t>(r.status));
  out.push_back(' ');
  out.append(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(r.status)));
  out.append("\r\n");
  AppendHeader(out, "Server", "authd");
  AppendHeader(out, "X-Content-Type-Options", "nosniff");
  for (const auto& [name, value] : r.headers) {
    if (SafeHeaderText(name) && SafeHeaderText(value)) AppendHeader(out, name, value);
  }
  if (has_body) {
    AppendHeader(out, "Content-Type", r.content_type);
    out.append("Content-Length: ");
    AppendNumber(out, body_size);
    out.append("\r\n");
  }
  // HTTP/1.1 keeps the connection unless told; HTTP/1.0 closes it unless told (RFC 9112 9.3).
  if (o.version == 10 && o.keep_alive) AppendHeader(out, "Connection", "keep-alive");
  if (o.version != 10 && !o.keep_alive) AppendHeader(out, "Connection", "close");
  out.append("\r\n");
  if (has_body && !o.head_only) {
    if (is_static) {
      wire.tail = r.static_body;
    } else {
      out.append(r.body);
    }
  }
  return wire;
}

}  // namespace authd
