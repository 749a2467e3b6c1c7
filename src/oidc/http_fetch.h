// Requests to an OpenID provider (its metadata, keys, token and userinfo endpoints) through
// libcurl: http and https only, certificates verified, no redirects followed, a deadline, and
// a bound on the answer's size, so a slow or hostile provider costs a sign-in, never the server.
// Blocking: call from a pool thread, never an I/O thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

struct FetchRequest {
  std::string url;
  std::string form_body;  // POST application/x-www-form-urlencoded when not empty, else GET
  std::string basic_user, basic_password;  // HTTP Basic when basic_user is not empty
  std::string bearer;                      // Authorization: Bearer when not empty
  std::chrono::milliseconds timeout{5000};
  size_t max_bytes = 1 << 20;
};

struct FetchAnswer {
  long status = 0;
  std::string body;
  std::string cache_control;  // the Cache-Control header, if any
};

// Unavailable for a connection failure, a timeout or an answer over max_bytes.
StatusOr<FetchAnswer> Fetch(const FetchRequest& request);

// How long an answer may be kept by its Cache-Control: max-age, clamped to [min, max];
// `fallback` when it says nothing (or no-store / no-cache: then `min`).
int64_t CacheSeconds(std::string_view cache_control, int64_t fallback, int64_t min, int64_t max);

}  // namespace authd
