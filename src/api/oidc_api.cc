// Signing in with an OpenID provider (api/routes.h AddOidcRoutes): the browser goes to
// /api/oidc/{id}/authorize/, on to the provider, back to /api/oidc/{id}/callback/, and leaves
// with a one-time code that POST /api/oidc/exchange/ turns into tokens (or the browser
// session), so tokens never travel in a URL. The provider's side is oidc/sign_in.h's; which
// account signs in is api/oidc_account.h's.
//
// A flow is bound to the browser that started it by a cookie (authd_oidc: HttpOnly,
// SameSite=Lax so the provider's redirect back carries it, Path=/api/oidc/); only its hash is
// kept with the flow, so a callback URL opened in another browser is refused (login CSRF,
// RFC 6749 section 10.12), and a browser's code is exchanged only by that browser.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/browser_session.h"
#include "api/fields.h"
#include "api/oidc_account.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "api/second_factor.h"
#include "api/signed_in.h"
#include "http/cookies.h"
#include "oidc/sign_in.h"
#include "util/base64url.h"
#include "util/html.h"
#include "util/sha256.h"
#include "util/url.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr std::string_view kBindingCookie = "authd_oidc";
constexpr std::string_view kBindingPath = "/api/oidc/";
constexpr int64_t kFlowSeconds = 600;  // to sign in at the provider
constexpr int64_t kCodeSeconds = 60;   // to exchange the code
constexpr std::string_view kDefaultNext = "/account/";
// Where a browser's sign-in lands with its code: the hosted page that exchanges it.
constexpr std::string_view kBrowserLanding = "/account/oidc/";

// A path of this site: "/x", never "//host" or "/\host" (browsers read both as another
// host), nor a backslash or control character anywhere.
bool IsSitePath(std::string_view next) {
  if (next.empty() || next.size() > 2048 || next.front() != '/') return false;
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return false;
  for (unsigned char c : next) {
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  }
  return true;
}

bool IsClientRedirect(const Services& s, std::string_view next) {
  for (const std::string& url : s.settings.oidc_client_redirects) {
    if (url == next) return true;
  }
  return false;
}

std::string WithParameters(std::string_view url, std::string_view parameters) {
  return std::string(url) + (url.find('?') == std::string_view::npos ? "?" : "&") +
         std::string(parameters);
}

// The redirect URI registered with every provider: {AUTHD_PUBLIC_URL}/api/oidc/{id}/callback/.
std::string CallbackUrl(const Request& request, std::string_view id) {
  std::string base(request.public_url);
  while (base.ends_with('/')) base.pop_back();
  if (base.empty()) base = SiteOrigin(request);
  return base + "/api/oidc/" + std::string(id) + "/callback/";
}

Provider* ProviderOf(Services& s, const Request& request) {
  if (s.oidc == nullptr || request.path_params.empty()) return nullptr;
  return s.oidc->Find(request.path_params.front().second);
}

ApiError UnknownProvider() { return Coded(404, "No such sign-in provider.", "oidc_unknown_provider"); }

ApiError ProviderUnavailable(const Provider& p) {
  ApiError e = Coded(503, p.setting().name + " cannot be reached. Try again later.", "oidc_unavailable");
  e.retry_after = 30;
  return e;
}

// What a refusal of ExchangeCode's becomes.
ApiError FromExchange(const Provider& p, const Status& status) {
  switch (status.code()) {
    case StatusCode::kUnavailable: return ProviderUnavailable(p);
    case StatusCode::kUnauthenticated:
      return Coded(401, "The sign-in with " + p.setting().name + " was refused: " + status.message() + ".",
                   "oidc_refused");
    default:
      return Coded(502, p.setting().name + " answered with something that is not OpenID Connect.",
                   "oidc_provider_error");
  }
}

Response NoStore(Response r) {
  r.AddHeader("Cache-Control", "no-store");
  r.AddHeader("Referrer-Policy", "no-referrer");  // the URLs carry codes and states
  return r;
}

Response Redirect(std::string location) {
  Response r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.AddHeader("Location", std::move(location));
  return NoStore(std::move(r));
}

// A refusal where a browser arrives (the callback): a short page when it asks for HTML, the
// JSON answer otherwise.
Response ErrorAnswer(const Request& request, const ApiError& e) {
  if (request.accept.find("text/html") == std::string_view::npos) return NoStore(ToResponse(e));
  Response r = ToResponse(e);
  const json::value* detail = e.body.if_contains("detail");
  const std::string text = detail != nullptr && detail->is_string() ? std::string(detail->as_string()) : "";
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>Sign-in failed</title><main><h1>Sign-in failed</h1><p role=\"alert\">" +
           EscapeHtml(text) + "</p><p><a href=\"/account/\">Back to sign in</a></p></main></html>\n";
  r.AddHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  r.AddHeader("X-Frame-Options", "DENY");
  return NoStore(std::move(r));
}

// Once the flow is known: an API client's refusal goes back to its redirect, as OAuth 2.0
// returns errors (RFC 6749 4.1.2.1), with authd's code beside the standard one.
Response FlowError(const Services& s, const Request& request, const OidcFlow& flow, const ApiError& e) {
  if (!IsClientRedirect(s, flow.next)) return ErrorAnswer(request, e);
  const char* error = e.status == 503 ? "temporarily_unavailable"
                      : e.status >= 500 ? "server_error" : "access_denied";
  std::string parameters = std::string("error=") + error;
  if (const json::value* d = e.body.if_contains("detail"); d != nullptr && d->is_string()) {
    parameters += "&error_description=" + FormEncode(d->as_string());
  }
  if (const json::value* c = e.body.if_contains("code"); c != nullptr && c->is_string()) {
    parameters += "&authd_error=" + FormEncode(c->as_string());
  }
  return Redirect(WithParameters(flow.next, parameters));
}

std::string QueryString(const json::object& query, std::string_view name) {
  const json::value* v = query.if_contains(name);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The browser's binding: the value it holds already (another tab's sign-in), else a new one.
std::string BindingValue(Services& s, const Request& request) {
  if (auto held = CookieValue(request.cookie, kBindingCookie); held && held->size() == 64 &&
      held->find_first_not_of("0123456789abcdef") == std::string_view::npos) {
    return std::string(*held);
  }
  return s.random.Hex(32);
}

bool SameBrowser(const Request& request, std::string_view browser_hash) {
  const auto held = CookieValue(request.cookie, kBindingCookie);
  return held && !held->empty() && Sha256Hex(*held) == browser_hash;
}

// Starts a flow: the provider's metadata, the flow stored, the binding cookie set; then a 302
// to the provider (a browser's navigation) or its URL as JSON (linking, from a page's script).
asio::awaitable<Response> Start(Services& s, Request& request, Provider& p, std::string next,
                                std::optional<int64_t> link_user_id) {
  auto metadata = co_await s.oidc->pool().Run([&] { return p.Metadata(); });
  if (!metadata || !metadata->ok()) co_return ToResponse(ProviderUnavailable(p));
  const AuthorizationRequest authorization = NewAuthorizationRequest(
      **metadata, p.setting(), CallbackUrl(request, p.setting().id), s.random);
  const std::string binding = BindingValue(s, request);
  const OidcFlow flow{.state_hash = Sha256Hex(authorization.state),
                      .provider = p.setting().id,
                      .nonce = authorization.nonce,
                      .code_verifier = authorization.code_verifier,
                      .browser_hash = Sha256Hex(binding),
                      .next = std::move(next),
                      .link_user_id = link_user_id,
                      .expires_at = s.clock.NowSeconds() + kFlowSeconds};
  auto stored = co_await s.store_pool.Run([&] { return s.store.oidc().InsertFlow(flow); });
  if (!stored) co_return ToResponse(Unavailable(1));
  if (!stored->ok()) co_return ToResponse(FromStatus(*stored));
  Response r = link_user_id ? NoStore(JsonResponse(200, json::object{{"authorization_url", authorization.url}}))
                            : Redirect(authorization.url);
  r.AddHeader("Set-Cookie", HttpOnlyCookie(kBindingCookie, binding,
                                           {.path = kBindingPath,
                                            .max_age_seconds = kFlowSeconds,
                                            .secure = SecureSite(request),
                                            .same_site = "Lax"}));
  co_return r;
}

// GET /api/oidc/providers/: who the sign-in page offers (public: ids and names only).
asio::awaitable<Response> ListProviders(Services& s, Request&) {
  json::array out;
  if (s.oidc != nullptr) {
    for (const auto& p : s.oidc->all()) {
      out.push_back(json::object{{"id", p->setting().id}, {"name", p->setting().name}});
    }
  }
  co_return JsonResponse(200, out);
}

// GET /api/oidc/{id}/authorize/?next=: a browser's sign-in begins.
asio::awaitable<Response> Authorize(Services& s, Request& request) {
  Provider* p = ProviderOf(s, request);
  if (p == nullptr) co_return ErrorAnswer(request, UnknownProvider());
  auto query = DecodeQuery(request.query);
  if (!query.ok()) co_return ToResponse(BadBody(query.error()));
  std::string next = QueryString(*query, "next");
  if (next.empty()) next = kDefaultNext;
  if (!IsSitePath(next) && !IsClientRedirect(s, next)) {
    co_return ErrorAnswer(request, ValidationFailed("next", "Must be a path of this site or a registered client redirect."));
  }
  co_return co_await Start(s, request, *p, std::move(next), std::nullopt);
}

// POST /api/oidc/{id}/link/ {"next"}: the signed-in user links another provider; the page
// sends the browser to the URL answered.
asio::awaitable<Response> StartLink(Services& s, Request& request) {
  Provider* p = ProviderOf(s, request);
  if (p == nullptr) co_return ToResponse(UnknownProvider());
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  std::string next = QueryString(*data, "next");
  if (next.empty()) next = "/account/security/";
  if (!IsSitePath(next)) co_return ToResponse(ValidationFailed("next", "Must be a path of this site."));
  co_return co_await Start(s, request, *p, std::move(next), std::get<User>(auth).id);
}

// GET /api/oidc/{id}/callback/?code=&state=[&iss=] (or ?error=&state=): the provider's answer.
asio::awaitable<Response> Callback(Services& s, Request& request) {
  Provider* p = ProviderOf(s, request);
  if (p == nullptr) co_return ErrorAnswer(request, UnknownProvider());
  const OidcProviderSetting& setting = p->setting();
  auto query = DecodeQuery(request.query);
  if (!query.ok()) co_return ErrorAnswer(request, BadBody(query.error()));
  const std::string state = QueryString(*query, "state");
  const ApiError no_flow = Coded(400,
                                 "This sign-in is not under way: it expired, was finished "
                                 "already, or is not this site's. Start again.",
                                 "oidc_state_invalid");
  if (state.empty()) co_return ErrorAnswer(request, no_flow);
  const int64_t now = s.clock.NowSeconds();
  auto taken = co_await s.store_pool.Run([&] { return s.store.oidc().TakeFlow(Sha256Hex(state), now); });
  if (!taken) co_return ToResponse(Unavailable(1));
  if (!taken->ok()) {
    if (taken->status().code() != StatusCode::kNotFound) co_return ErrorAnswer(request, FromStatus(taken->status()));
    co_return ErrorAnswer(request, no_flow);
  }
  const OidcFlow flow = std::move(*taken).value();
  if (flow.provider != setting.id) co_return ErrorAnswer(request, no_flow);
  // Not this browser's: somebody else's callback URL, opened here (login CSRF).
  if (!SameBrowser(request, flow.browser_hash)) {
    co_return ErrorAnswer(request, Coded(403, "This sign-in was started in another browser. Start again here.",
                                         "oidc_browser_mismatch"));
  }
  if (const std::string error = QueryString(*query, "error"); !error.empty()) {
    const bool plain = error.size() <= 64 && error.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
    co_return FlowError(s, request, flow,
                        Coded(403, setting.name + " did not sign you in (" + (plain ? error : "error") + ").",
                              "oidc_denied"));
  }
  auto metadata = co_await s.oidc->pool().Run([&] { return p->Metadata(); });
  if (!metadata || !metadata->ok()) co_return FlowError(s, request, flow, ProviderUnavailable(*p));
  // RFC 9207: the answer names its issuer, which must be this provider's (a mix-up attack
  // sends one provider's code to another's callback).
  const std::string iss = QueryString(*query, "iss");
  if ((!iss.empty() || (*metadata)->iss_parameter) && iss != setting.issuer) {
    co_return FlowError(s, request, flow,
                        Coded(400, "The answer did not come from " + setting.name + ".", "oidc_issuer_mismatch"));
  }
  const std::string code = QueryString(*query, "code");
  if (code.empty()) {
    co_return FlowError(s, request, flow, Coded(400, "The answer carries no code.", "oidc_code_missing"));
  }
  const CodeExchange exchange{.code = code,
                              .code_verifier = flow.code_verifier,
                              .nonce = flow.nonce,
                              .redirect_uri = CallbackUrl(request, setting.id),
                              .now_seconds = now};
  auto claims = co_await s.oidc->pool().Run([&] { return ExchangeCode(*p, exchange); });
  if (!claims) co_return FlowError(s, request, flow, ProviderUnavailable(*p));
  if (!claims->ok()) {
    const ApiError refused = FromExchange(*p, claims->status());
    if (refused.status == 401) {
      (void)co_await s.store_pool.Run([&] { return Record(s, Failed(s, request, std::nullopt, "oidc_refused")); });
    }
    co_return FlowError(s, request, flow, refused);
  }
  auto account = co_await s.store_pool.Run([&] {
    return AccountFor(s, request, setting, claims->value(), flow.link_user_id);
  });
  if (!account) co_return FlowError(s, request, flow, Unavailable(1));
  if (auto* error = std::get_if<ApiError>(&*account)) co_return FlowError(s, request, flow, *error);
  const OidcAccount& signed_in = std::get<OidcAccount>(*account);
  if (!signed_in.user.is_active) {
    (void)co_await s.store_pool.Run([&] { return Record(s, Failed(s, request, signed_in.user.id, "inactive")); });
    co_return FlowError(s, request, flow, Coded(403, "This account is inactive.", "user_inactive"));
  }
  const std::string one_time = Base64UrlEncode(s.random.Bytes(32));
  const bool client = IsClientRedirect(s, flow.next);
  auto stored = co_await s.store_pool.Run([&]() -> Status {
    AUTHD_RETURN_IF_ERROR(s.store.oidc().Touch(signed_in.identity_id, now));
    if (flow.link_user_id) return Status::Ok();  // linked: the user is signed in already
    return s.store.oidc().InsertCode({.code_hash = Sha256Hex(one_time),
                                      .user_id = signed_in.user.id,
                                      .provider = setting.id,
                                      .browser_hash = client ? "" : flow.browser_hash,
                                      .expires_at = now + kCodeSeconds});
  });
  if (!stored) co_return FlowError(s, request, flow, Unavailable(1));
  if (!stored->ok()) co_return FlowError(s, request, flow, FromStatus(*stored));
  request.user_id = signed_in.user.id;
  if (flow.link_user_id) co_return Redirect(WithParameters(flow.next, "linked=" + FormEncode(setting.id)));
  if (client) co_return Redirect(WithParameters(flow.next, "code=" + one_time));
  co_return Redirect(std::string(kBrowserLanding) + "?code=" + one_time + "&next=" + FormEncode(flow.next));
}

// POST /api/oidc/exchange/ {"code"}: the one-time code for {"refresh", "access"} (or, with
// X-Authd-Session: cookie, the browser session), or the second factor's mfa_required.
asio::awaitable<Response> Exchange(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto code = ReadCharField(*data, "code", {}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  const ApiError invalid = Coded(400, "The code is not valid: it was used already, or it expired.",
                                 "oidc_code_invalid");
  const int64_t now = s.clock.NowSeconds();
  auto taken = co_await s.store_pool.Run([&] { return s.store.oidc().TakeCode(Sha256Hex(*code), now); });
  if (!taken) co_return ToResponse(Unavailable(1));
  if (!taken->ok()) {
    co_return ToResponse(taken->status().code() == StatusCode::kNotFound ? invalid : FromStatus(taken->status()));
  }
  const OidcCode granted = std::move(*taken).value();
  // A browser's code is good only in the browser that signed in.
  if (!granted.browser_hash.empty() && !SameBrowser(request, granted.browser_hash)) co_return ToResponse(invalid);
  auto user = co_await s.store_pool.Run([&] { return s.store.users().FindById(granted.user_id); });
  if (!user) co_return ToResponse(Unavailable(1));
  if (!user->ok()) co_return ToResponse(user->status().code() == StatusCode::kNotFound ? invalid : FromStatus(user->status()));
  if (!(*user)->is_active) co_return ToResponse(Coded(403, "This account is inactive.", "user_inactive"));
  // AUTHD_REQUIRE_VERIFIED_EMAIL holds whichever way the person signed in (staff exempt, as
  // at /api/token/).
  if (s.settings.require_verified_email && !(*user)->email_verified && !(*user)->is_staff &&
      !(*user)->is_superuser) {
    co_return ToResponse(AuthenticationFailed("Email address is not verified.", "email_not_verified"));
  }
  auto second = co_await s.store_pool.Run([&] { return RequireSecondFactor(s, **user, "oidc"); });
  if (!second) co_return ToResponse(Unavailable(1));
  if (*second) co_return ToResponse(**second);
  // login.succeeded, as SignedInEvent records it, and with which provider.
  const std::vector<AuditEvent> events = {
      RequestEvent(s.clock, request, "login.succeeded", (*user)->id,
                   json::object{{"method", "oidc"}, {"provider", granted.provider}})};
  const ClientInfo client{.user_agent = request.user_agent, .address = request.client_address};
  auto pair = co_await s.store_pool.Run([&]() -> StatusOr<IssuedPair> {
    if (s.settings.update_last_login) {
      AUTHD_RETURN_IF_ERROR(s.store.users().SetLastLogin((*user)->id, s.clock.NowMicros()));
    }
    return s.sessions.Login((*user)->id, client, {}, events);
  });
  if (!pair) co_return ToResponse(Unavailable(1));
  if (!pair->ok()) co_return ToResponse(FromStatus(pair->status()));
  Logged(events);
  co_return SignedIn(s, request, (*user)->id, pair->value());
}

}  // namespace

void AddOidcRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/oidc/providers/", [&s](Request& r) { return ListProviders(s, r); });
  router.Add("POST", "/api/oidc/exchange/", [&s](Request& r) { return Exchange(s, r); });
  router.Add("GET", "/api/oidc/{provider}/authorize/", [&s](Request& r) { return Authorize(s, r); });
  router.Add("GET", "/api/oidc/{provider}/callback/", [&s](Request& r) { return Callback(s, r); });
  router.Add("POST", "/api/oidc/{provider}/link/", [&s](Request& r) { return StartLink(s, r); });
}

}  // namespace authd
