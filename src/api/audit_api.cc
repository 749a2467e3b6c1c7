// The audit log as people read it: GET /api/admin/events/ (staff: anyone's, filtered) and
// GET /api/me/events/ (a user's own security history). Newest first, in pages joined by an
// opaque cursor (the last event's id), so a page stays right while new events arrive.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/authenticator.h"
#include "api/fields.h"
#include "api/pagination.h"
#include "api/routes.h"
#include "audit/event.h"
#include "http/body_decoder.h"
#include "util/time_format.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// The filters and cursor of the query string; 400 naming the parameter that is malformed.
Result<AuditQuery, ApiError> ReadQuery(const Request& request, bool any_user) {
  auto query = DecodeQuery(request.query);
  if (!query.ok()) return Err{BadBody(query.error())};
  FieldErrors errors;
  const CursorPage page = ReadCursorPage(*query, errors);
  AuditQuery q{.before_id = page.before_id, .limit = page.limit};
  auto text = [&](const char* name) { return QueryText(*query, name); };
  if (auto v = text("user"); v && any_user) {
    if (!(q.subject_user_id = ParsePositiveId(*v))) errors.Add("user", "A user id is required.");
  }
  if (auto v = text("type"); v && !v->empty()) q.type = *v;
  if (auto v = text("actor"); v && any_user && !v->empty()) q.actor = *v;
  if (auto v = text("since")) {
    if (!(q.since_us = ParseIsoUtc(*v))) errors.Add("since", "An ISO 8601 date or time is required.");
  }
  if (auto v = text("until")) {
    if (!(q.until_us = ParseIsoUtc(*v))) errors.Add("until", "An ISO 8601 date or time is required.");
  }
  if (!errors.empty()) return Err{ValidationFailed(errors)};
  return q;
}

// {"results": [...], "next": cursor or null}: a page of `q.limit`, and whether more follow.
asio::awaitable<Response> Page(Services& s, AuditQuery q) {
  const CursorPage page{.before_id = q.before_id, .limit = q.limit};
  q.limit += 1;
  auto events = s.store.audit().List(q);
  if (!events.ok()) co_return ToResponse(FromStatus(events.status()));
  co_return JsonResponse(200, CursorPageBody(std::move(events).value(), page, EventJson));
}

// GET /api/admin/events/?user=&type=&actor=&since=&until=&cursor=&page_size=.
asio::awaitable<Response> AdminEvents(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
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
