// The audit log as people read it: GET /api/admin/events/ (staff: anyone's, filtered) and
// GET /api/me/events/ (a user's own security history). Newest first, in pages joined by an
// opaque cursor (the last event's id), so a page stays right while new events arrive.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <charconv>

#include "api/authenticator.h"
#include "api/routes.h"
#include "audit/event.h"
#include "http/body_decoder.h"
#include "util/time_format.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr int kPageSize = 50;
constexpr int kMaxPageSize = 200;

std::optional<int64_t> PositiveInt(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 1) return std::nullopt;
  return v;
}

// The filters and cursor of the query string; 400 naming the parameter that is malformed.
Result<AuditQuery, ApiError> ReadQuery(const Request& request, bool any_user) {
  auto query = DecodeQuery(request.query);
  if (!query.ok()) return Err{BadBody(query.error())};
  AuditQuery q{.limit = kPageSize};
  FieldErrors errors;
  auto text = [&](const char* name) -> std::optional<std::string> {
    const json::value* v = query->if_contains(name);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  if (auto v = text("user"); v && any_user) {
    if (!(q.subject_user_id = PositiveInt(*v))) errors.Add("user", "A user id is required.");
  }
  if (auto v = text("type"); v && !v->empty()) q.type = *v;
  if (auto v = text("actor"); v && any_user && !v->empty()) q.actor = *v;
  if (auto v = text("since")) {
    if (!(q.since_us = ParseIsoUtc(*v))) errors.Add("since", "An ISO 8601 date or time is required.");
  }
  if (auto v = text("until")) {
    if (!(q.until_us = ParseIsoUtc(*v))) errors.Add("until", "An ISO 8601 date or time is required.");
  }
  if (auto v = text("cursor")) {
    if (!(q.before_id = PositiveInt(*v))) errors.Add("cursor", "Invalid cursor.");
  }
  if (auto v = text("page_size")) {
    auto n = PositiveInt(*v);
    if (!n) errors.Add("page_size", "A positive whole number is required.");
    else q.limit = static_cast<int>(std::min<int64_t>(*n, kMaxPageSize));
  }
  if (!errors.empty()) return Err{ValidationFailed(errors)};
  return q;
}

// {"results": [...], "next": cursor or null}: a page of `q.limit`, and whether more follow.
asio::awaitable<Response> Page(Services& s, AuditQuery q) {
  q.limit += 1;  // one more than shown tells whether another page follows
  auto events = s.store.audit().List(q);
  if (!events.ok()) co_return ToResponse(FromStatus(events.status()));
  const bool more = static_cast<int>(events->size()) == q.limit;
  if (more) events->pop_back();
  json::array results;
  for (const AuditEvent& e : *events) results.push_back(EventJson(e));
  json::object body{{"results", std::move(results)}, {"next", nullptr}};
  if (more) body["next"] = std::to_string(events->back().id);
  co_return JsonResponse(200, body);
}

// GET /api/admin/events/?user=&type=&actor=&since=&until=&cursor=&page_size=.
asio::awaitable<Response> AdminEvents(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  if (!user.is_staff && !user.is_superuser) co_return ToResponse(PermissionDenied());
  auto q = ReadQuery(request, /*any_user=*/true);
  if (!q.ok()) co_return ToResponse(q.error());
  co_return co_await Page(s, *q);
}

// GET /api/me/events/?type=&since=&until=&cursor=: the caller's own events.
asio::awaitable<Response> MyEvents(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  auto q = ReadQuery(request, /*any_user=*/false);
  if (!q.ok()) co_return ToResponse(q.error());
  q->subject_user_id = std::get<User>(auth).id;
  co_return co_await Page(s, *q);
}

}  // namespace

void AddAuditRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/admin/events/", [&s](Request& r) { return AdminEvents(s, r); });
  router.Add("GET", "/api/me/events/", [&s](Request& r) { return MyEvents(s, r); });
}

}  // namespace authd
