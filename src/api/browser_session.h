// The browser session: a refresh token kept where page scripts cannot read it. A sign-in sent
// with the header `X-Authd-Session: cookie` (/api/token/, /api/token/mfa/, /api/webauthn/login/,
// /api/oidc/exchange/)
// answers only {"access"}, and sets the refresh token as the cookie `authd_session`:
// HttpOnly, SameSite=Strict, Path=/api/browser/, Secure over TLS or when AUTHD_PUBLIC_URL is
// https. The page keeps the access token in memory and renews it with
// POST /api/browser/refresh/; POST /api/browser/logout/ ends the session server side.
//
// CSRF: every request carrying X-Authd-Session must come from this site itself: its Origin
// header must be present and equal this service's origin (AUTHD_PUBLIC_URL's, else the one the
// request was addressed to). A custom header cannot be sent across origins without a CORS
// preflight, which authd never grants for it; the Origin check holds even if one were.
#pragma once

#include <optional>
#include <string>

#include "api/api_error.h"
#include "api/services.h"
#include "http/message.h"
#include "http/router.h"

namespace authd {

inline constexpr std::string_view kSessionCookie = "authd_session";
inline constexpr std::string_view kSessionCookiePath = "/api/browser/";

// scheme://host[:port] of AUTHD_PUBLIC_URL, else of the address the request was sent to.
std::string SiteOrigin(const Request& request);
// Whether cookies must be Secure: the request came over TLS, or AUTHD_PUBLIC_URL is https.
bool SecureSite(const Request& request);

// Whether the request asked for the browser session (X-Authd-Session: cookie).
bool WantsBrowserSession(const Request& request);

// 400 for an X-Authd-Session other than "cookie", 403 when its origin is not this site's;
// nullopt for a request without the header, or one that passes.
std::optional<ApiError> CheckBrowserRequest(const Request& request);

// The Set-Cookie value that starts (or, after a rotation, continues) the session.
std::string SessionCookie(const Services& s, const Request& request, const std::string& refresh);

// The CSRF rule above, in front of every route; then /api/browser/refresh/ and
// /api/browser/logout/. Call after every route is added and before the offload wrapping.
void AddBrowserSessionRoutes(Router& router, Services& services);

}  // namespace authd
