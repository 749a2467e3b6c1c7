#include "api/browser_session.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

#include "api/token_flows.h"
#include "http/cookies.h"
#include "util/strings.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The routes whose answer may start a browser session: a cross-site page must not sign a
// victim's browser in to the attacker's account either (login CSRF).
constexpr std::array<std::string_view, 4> kSignInRoutes = {
    "/api/token/", "/api/token/mfa/", "/api/webauthn/login/", "/api/oidc/exchange/"};

std::string ClearedCookie(const Request& request) {
  return HttpOnlyCookie(kSessionCookie, "",
                        {.path = kSessionCookiePath, .max_age_seconds = 0,
                         .secure = SecureSite(request)});
}

ApiError CsrfRefused(std::string detail) { return Coded(403, std::move(detail), "csrf_failed"); }

// POST /api/browser/refresh/: a new access token from the cookie's refresh token; a rotated
// refresh token replaces the cookie, and a dead one clears it.
asio::awaitable<Response> Refresh(Services& s, Request& request) {
  if (!WantsBrowserSession(request)) {
    co_return ToResponse(CsrfRefused("This endpoint needs the header X-Authd-Session: cookie."));
  }
  const auto token = CookieValue(request.cookie, kSessionCookie);
  if (!token || token->empty()) {
    co_return ToResponse(AuthenticationFailed("No browser session.", "no_session"));
  }
  Response r = co_await RefreshWith(s, request, std::string(*token));
  if (r.status == 200) {
    json::object body = json::parse(r.body).as_object();
    std::string refresh(*token);
    if (const json::value* rotated = body.if_contains("refresh")) {
      refresh = rotated->as_string();
      r.AddHeader("Set-Cookie", SessionCookie(s, request, refresh));
      body.erase("refresh");
    }
    // Verified a moment ago (a cache hit): only for its jti, as a sign-in answers it.
    if (auto claims = s.tokens.Verify(refresh, "refresh"); claims.ok()) {
      body["session"] = claims->jti;
    }
    r.body = json::serialize(body);
  } else if (r.status == 401) {
    r.AddHeader("Set-Cookie", ClearedCookie(request));
  }
  co_return r;
}

// POST /api/browser/logout/: blacklists the cookie's refresh token (ending its session, with
// a logout event) and clears the cookie. A session already ended is signed out all the same.
asio::awaitable<Response> Logout(Services& s, Request& request) {
  if (!WantsBrowserSession(request)) {
    co_return ToResponse(CsrfRefused("This endpoint needs the header X-Authd-Session: cookie."));
  }
  Response r = JsonResponse(200, json::object{});
  if (const auto token = CookieValue(request.cookie, kSessionCookie); token && !token->empty()) {
    Response ended = co_await BlacklistWith(s, request, std::string(*token));
    if (ended.status != 200 && ended.status != 401) co_return ended;  // unavailable: try again
  }
  r.AddHeader("Set-Cookie", ClearedCookie(request));
  co_return r;
}

}  // namespace

std::string SiteOrigin(const Request& request) {
  if (!request.public_url.empty()) {
    const std::string_view url = request.public_url;
    const size_t scheme_end = url.find("://");
    if (scheme_end != std::string_view::npos) {
      return AsciiLower(url.substr(0, url.find('/', scheme_end + 3)));
    }
  }
  return (request.tls ? "https://" : "http://") + AsciiLower(request.host);
}

bool SecureSite(const Request& request) {
  return request.tls || request.public_url.starts_with("https://");
}

bool WantsBrowserSession(const Request& request) { return request.session_mode == "cookie"; }

std::optional<ApiError> CheckBrowserRequest(const Request& request) {
  if (request.session_mode.empty()) return std::nullopt;
  if (!WantsBrowserSession(request)) {
    return Detail(400, "X-Authd-Session must be \"cookie\".");
  }
  if (request.origin.empty()) {
    return CsrfRefused("A browser session needs the request's Origin header.");
  }
  if (AsciiLower(request.origin) != SiteOrigin(request)) {
    return CsrfRefused("Origin is not this site's: a browser session is for this site's own pages.");
  }
  return std::nullopt;
}

std::string SessionCookie(const Services& s, const Request& request, const std::string& refresh) {
  return HttpOnlyCookie(kSessionCookie, refresh,
                        {.path = kSessionCookiePath,
                         .max_age_seconds = s.settings.refresh_token_lifetime,
                         .secure = SecureSite(request)});
}

void AddBrowserSessionRoutes(Router& router, Services& s) {
  router.WrapAll([](std::string_view method, std::string_view pattern, Handler h) -> Handler {
    if (method != "POST" ||
        std::find(kSignInRoutes.begin(), kSignInRoutes.end(), pattern) == kSignInRoutes.end()) {
      return h;  // nothing else starts a session: no cost for them
    }
    return [h = std::move(h)](Request& r) -> asio::awaitable<Response> {
      if (auto refused = CheckBrowserRequest(r)) co_return ToResponse(*refused);
      co_return co_await h(r);
    };
  });
  auto guarded = [&s](auto handler) {
    return [&s, handler](Request& r) -> asio::awaitable<Response> {
      if (auto refused = CheckBrowserRequest(r)) co_return ToResponse(*refused);
      co_return co_await handler(s, r);
    };
  };
  router.Add("POST", "/api/browser/refresh/", guarded(Refresh));
  router.Add("POST", "/api/browser/logout/", guarded(Logout));
}

}  // namespace authd
