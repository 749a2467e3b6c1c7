// Outbound HTTP POSTs for webhook deliveries, through libcurl: a batch is sent at once (curl's
// multi interface), so one slow receiver costs the batch its timeout once, not once per
// delivery. Redirects are never followed and only http(s) URLs are spoken to: a delivery goes
// to the URL configured, nowhere else.
// Thread-safety: PostAll may be called from several threads at once (each call has its own
// handles).
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace authd {

struct PostRequest {
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // application/json
};

struct PostResult {
  int status = 0;     // the HTTP status answered; 0 when none came
  std::string error;  // why none came (refused, timed out, ...); empty when one did
};

// Posts every request, at most `timeout` each (connecting included); one result per request,
// in order. Response bodies are read and dropped.
std::vector<PostResult> PostAll(const std::vector<PostRequest>& requests,
                                std::chrono::milliseconds timeout);

}  // namespace authd
