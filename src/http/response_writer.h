// Writes a Response as HTTP/1.x bytes in one buffer, for one send.
//
// Beast parses every request; answers are written here instead because Beast's serializer
// walked a chain of small buffers field by field and cost about a fifth of a /user_detail/
// request (docs/performance.md). The header set is ours and small: Server,
// X-Content-Type-Options, the handler's headers, then Content-Type and Content-Length (none for
// 204), and Connection when it differs from the version's default.
#pragma once

#include <string>

#include "http/message.h"

namespace authd {

struct WriteOptions {
  unsigned version = 11;   // 10 or 11, as in the request
  bool head_only = false;  // HEAD: GET's length, no body
  bool keep_alive = true;
};

// An answer as bytes to send: `head`, then `tail`. The head holds the status line, the headers
// and an owned body; the tail is a static body (Response::static_body), left where it is.
struct WireAnswer {
  std::string head;
  std::string_view tail;
  size_t size() const { return head.size() + tail.size(); }
};

// A header name or value holding CR, LF or NUL is left out: handlers never build one from raw
// client input, and this keeps a mistake from becoming response splitting.
WireAnswer SerializeResponse(const Response& response, const WriteOptions& options);

}  // namespace authd
