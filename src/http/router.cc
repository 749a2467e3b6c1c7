#include "http/router.h"

#include "util/strings.h"

namespace authd {
namespace {

std::vector<std::string> SplitPath(std::string_view path) {
  const auto parts = SplitView(path, '/');
  return {parts.begin(), parts.end()};
}

bool IsPlaceholder(std::string_view s) {
  return s.size() > 2 && s.front() == '{' && s.back() == '}';
}

}  // namespace

void Router::Add(std::string_view method, std::string pattern, Handler handler) {
  Route* route = nullptr;
  for (auto& r : routes_) {
    if (r.pattern == pattern) route = &r;
  }
  if (route == nullptr) {
    routes_.push_back(Route{pattern, SplitPath(pattern), {}, {}});
    route = &routes_.back();
  }
  route->methods.emplace_back(std::string(method), std::move(handler));
  // DRF's Allow header: the view's methods, HEAD after GET, then OPTIONS.
  route->allow.clear();
  for (const auto& [m, h] : route->methods) {
    route->allow += m + ", ";
    if (m == "GET") route->allow += "HEAD, ";
  }
  route->allow += "OPTIONS";
}

std::vector<std::pair<std::string, std::string>> Router::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& route : routes_) {
    for (const auto& [method, handler] : route.methods) out.emplace_back(method, route.pattern);
  }
  return out;
}

void Router::WrapAll(const Wrapper& wrap) {
  for (auto& route : routes_) {
    for (auto& [method, handler] : route.methods) {
      handler = wrap(method, route.pattern, std::move(handler));
    }
  }
}

bool Router::MatchPath(const Route& r, std::string_view path,
                       std::vector<std::pair<std::string, std::string>>* params) {
  size_t start = 0;
  for (size_t i = 0; i < r.segments.size(); ++i) {
    if (start > path.size()) return false;
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const bool last = i + 1 == r.segments.size();
    if (last != (end == path.size())) return false;
    std::string_view seg = path.substr(start, end - start);
    const std::string& want = r.segments[i];
    if (IsPlaceholder(want)) {
      if (seg.empty()) return false;
      if (params) params->emplace_back(want.substr(1, want.size() - 2), std::string(seg));
    } else if (seg != want) {
      return false;
    }
    start = end + 1;
  }
  return true;
}

Router::Match Router::Find(Request& request) const {
  Match m;
  for (const auto& r : routes_) {
    request.path_params.clear();
    if (!MatchPath(r, request.path, &request.path_params)) continue;
    m.allow = r.allow;
    request.route = r.pattern;
    std::string_view method = request.method == "HEAD" ? "GET" : request.method;
    for (const auto& [name, handler] : r.methods) {
      if (name == method) {
        m.kind = Match::Kind::kFound;
        m.handler = &handler;
        return m;
      }
    }
    if (request.method == "OPTIONS") {
      m.kind = Match::Kind::kFound;
      m.is_options = true;
      return m;
    }
    m.kind = Match::Kind::kMethodNotAllowed;
    return m;
  }
  request.path_params.clear();
  if (!request.path.empty() && request.path.back() != '/') {
    std::string with_slash = std::string(request.path) + "/";
    for (const auto& r : routes_) {
      if (MatchPath(r, with_slash, nullptr)) {
        m.kind = Match::Kind::kRedirect;
        m.location = with_slash;
        if (!request.query.empty()) m.location += "?" + std::string(request.query);
        return m;
      }
    }
  }
  m.kind = Match::Kind::kNotFound;
  return m;
}

}  // namespace authd
