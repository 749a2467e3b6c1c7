#include "api/pagination.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>

#include "util/url.h"

namespace authd {
namespace json = boost::json;

namespace {

ApiError InvalidPage() {
  ApiError e;
  e.status = 404;
  e.body["detail"] = "Invalid page.";
  return e;
}

std::optional<int64_t> PositiveInt(const json::value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  std::string_view s = v->get_string();
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size() || n < 1) return std::nullopt;
  return n;
}

// The Host header when it looks like a host name or address with an optional port; it goes
// into links we hand out, so anything else is replaced rather than echoed.
std::string SafeHost(std::string_view host) {
  const bool ok = !host.empty() && host.size() <= 255 &&
                  std::all_of(host.begin(), host.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '.' || c == '-' || c == ':' || c == '[' ||
                           c == ']';
                  });
  return ok ? std::string(host) : "localhost";
}

// This request's URL with ?page replaced (or removed when `page` is nullopt); parameters in
// sorted order, as DRF's replace_query_param writes them.
std::string PageLink(const Request& request, const json::object& query,
                     std::optional<int64_t> page) {
  std::map<std::string, std::string> params;
  for (const auto& [k, v] : query) {
    if (v.is_string()) params[std::string(k)] = std::string(v.get_string());
  }
  params.erase("page");
  if (page) params["page"] = std::to_string(*page);
  std::string url = request.public_url.empty() ? "http://" + SafeHost(request.host)
                                               : std::string(request.public_url);
  url += request.path;
  char sep = '?';
  for (const auto& [k, v] : params) {
    url += sep;
    url += FormEncode(k) + "=" + FormEncode(v);
    sep = '&';
  }
  return url;
}

}  // namespace

Result<PageRequest, ApiError> ReadPageRequest(const json::object& query) {
  PageRequest p;
  if (const json::value* page = query.if_contains("page")) {
    if (page->is_string() && page->get_string() == "last") {
      p.last = true;  // DRF's last_page_strings
    } else {
      auto n = PositiveInt(page);
      if (!n) return Err{InvalidPage()};
      p.page = *n;
    }
  }
  if (auto size = PositiveInt(query.if_contains("page_size"))) {
    p.size = std::min(*size, kMaxPageSize);
  }
  if (p.page > INT64_MAX / p.size) return Err{InvalidPage()};
  return p;
}

int64_t LastPage(int64_t count, int64_t size) {
  return std::max<int64_t>(1, (count + size - 1) / size);
}

Result<json::object, ApiError> PageResponse(const Request& request, const json::object& query,
                                            const PageRequest& page, int64_t count,
                                            json::array results) {
  const int64_t pages = LastPage(count, page.size);
  if (page.page > pages) return Err{InvalidPage()};
  json::object body;
  body["count"] = count;
  body["next"] = page.page < pages ? json::value(PageLink(request, query, page.page + 1)) : nullptr;
  if (page.page == 1) {
    body["previous"] = nullptr;
  } else if (page.page == 2) {
    body["previous"] = PageLink(request, query, std::nullopt);  // DRF drops ?page=1
  } else {
    body["previous"] = PageLink(request, query, page.page - 1);
  }
  body["results"] = std::move(results);
  return body;
}

std::optional<std::string> QueryText(const json::object& query, std::string_view name) {
  const json::value* v = query.if_contains(name);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

CursorPage ReadCursorPage(const json::object& query, FieldErrors& errors) {
  CursorPage page;
  if (auto v = QueryText(query, "cursor")) {
    if (!(page.before_id = ParsePositiveId(*v))) errors.Add("cursor", "Invalid cursor.");
  }
  if (auto v = QueryText(query, "page_size")) {
    if (auto n = ParsePositiveId(*v)) {
      page.limit = static_cast<int>(std::min<int64_t>(*n, kMaxPageSize));
    } else {
      errors.Add("page_size", "A positive whole number is required.");
    }
  }
  return page;
}

}  // namespace authd
