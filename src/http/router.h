// Maps (method, path) to a handler. Patterns are exact paths whose segments may be "{name}"
// placeholders. A path that matches with a trailing slash added is redirected, as Django's
// APPEND_SLASH does; a known path with another method gets 405 and its Allow header.
// Thread-safety: build once, then Match from any thread.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace authd {

using Handler = std::function<boost::asio::awaitable<Response>(Request&)>;

class Router {
 public:
  // `methods` per route, e.g. {"POST"}. GET routes also answer HEAD; every route answers OPTIONS.
  void Add(std::string_view method, std::string pattern, Handler handler);

  struct Match {
    enum class Kind { kFound, kNotFound, kMethodNotAllowed, kRedirect } kind = Kind::kNotFound;
    const Handler* handler = nullptr;
    std::string_view allow;  // "GET, HEAD, OPTIONS" for the matched path; lives in the Router
    std::string location;    // for kRedirect
    bool is_options = false;
  };

  // Replaces every handler added so far by wrap(method, pattern, handler): for what applies to
  // every route alike, such as where handlers run.
  using Wrapper = std::function<Handler(std::string_view method, std::string_view pattern, Handler)>;
  void WrapAll(const Wrapper& wrap);

  // Fills request.path_params when a placeholder matched.
  Match Find(Request& request) const;

  // Every (method, pattern) added, in the order added; the implied HEAD and OPTIONS are not
  // listed. For `authd routes`, and the test that the OpenAPI document describes them all.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  struct Route {
    std::string pattern;
    std::vector<std::string> segments;
    std::vector<std::pair<std::string, Handler>> methods;
    std::string allow;
  };
  static bool MatchPath(const Route& r, std::string_view path,
                        std::vector<std::pair<std::string, std::string>>* params);

  std::vector<Route> routes_;
};

}  // namespace authd
