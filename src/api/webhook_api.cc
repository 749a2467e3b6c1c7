// Webhook deliveries for staff: GET /api/admin/webhooks/deliveries/?status= lists them newest
// first (cursor pages, as the audit log's), and POST .../{id}/retry/ sends a delivered or
// failed one again, with a fresh 24 hours of retries. Delivery itself is webhooks/'s.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/authenticator.h"
#include "api/fields.h"
#include "api/pagination.h"
#include "api/routes.h"
#include "audit/event.h"
#include "http/body_decoder.h"
#include "util/time_format.h"
#include "webhooks/dispatcher.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::value TimeOrNull(int64_t us) {
  if (us == 0) return nullptr;
  return json::value(FormatIsoUtc(us));
}

json::object DeliveryJson(const WebhookDelivery& d) {
  json::object o{{"id", d.id},
                 // A receiver's URL may carry a token in its query: staff see it without.
                 {"url", RedactedUrl(d.url)},
                 {"event_id", d.event_id},
                 {"event_type", d.event_type},
                 {"user_id", nullptr},
                 {"status", d.status},
                 {"attempts", d.attempts},
                 {"created_at", FormatIsoUtc(d.created_at)},
                 {"last_attempt_at", TimeOrNull(d.last_attempt_at)},
                 {"next_attempt_at", nullptr},
                 {"last_response", nullptr},
                 {"last_error", d.last_error}};
  if (d.subject_user_id) o["user_id"] = *d.subject_user_id;
  if (d.status == kDeliveryPending) o["next_attempt_at"] = FormatIsoUtc(d.next_attempt_at);
  if (d.last_response != 0) o["last_response"] = d.last_response;
  return o;
}

// GET /api/admin/webhooks/deliveries/?status=&cursor=&page_size=.
asio::awaitable<Response> ListDeliveries(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  auto query = DecodeQuery(request.query);
  if (!query.ok()) co_return ToResponse(BadBody(query.error()));
  std::optional<std::string> status;
  FieldErrors errors;
  const CursorPage page = ReadCursorPage(*query, errors);
  if (auto v = QueryText(*query, "status"); v && !v->empty()) {
    if (*v != kDeliveryPending && *v != kDeliveryDelivered && *v != kDeliveryFailed) {
      errors.Add("status", "One of pending, delivered, failed.");
    }
    status = *v;
  }
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  auto deliveries = s.store.webhooks().List(status, page.before_id, page.limit + 1);
  if (!deliveries.ok()) co_return ToResponse(FromStatus(deliveries.status()));
  co_return JsonResponse(200, CursorPageBody(std::move(deliveries).value(), page, DeliveryJson));
}

// POST /api/admin/webhooks/deliveries/{id}/retry/: 200 with the delivery, pending again.
asio::awaitable<Response> RetryDelivery(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  auto id = ParsePositiveId(request.path_params.at(0).second);
  if (!id) co_return ToResponse(NotFoundError());
  auto requeued = s.store.webhooks().Requeue(*id, s.clock.NowMicros());
  if (!requeued.ok()) {
    if (requeued.status().code() == StatusCode::kNotFound) co_return ToResponse(NotFoundError());
    if (requeued.status().code() == StatusCode::kFailedPrecondition) {
      co_return ToResponse(Detail(409, "The delivery is still pending."));
    }
    co_return ToResponse(FromStatus(requeued.status()));
  }
  co_return JsonResponse(200, DeliveryJson(*requeued));
}

}  // namespace

void AddWebhookRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/admin/webhooks/deliveries/",
             [&s](Request& r) { return ListDeliveries(s, r); });
  router.Add("POST", "/api/admin/webhooks/deliveries/{id}/retry/",
             [&s](Request& r) { return RetryDelivery(s, r); });
}

}  // namespace authd
