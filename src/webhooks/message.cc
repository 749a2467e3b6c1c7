#include "webhooks/message.h"

#include <boost/json/serialize.hpp>

#include "audit/event.h"
#include "util/time_format.h"
#include "webhooks/signature.h"

namespace authd {

std::string WebhookMessageId(const WebhookDelivery& delivery) {
  return "msg_" + std::to_string(delivery.id);
}

std::string WebhookBody(const AuditEvent& event) {
  return boost::json::serialize(boost::json::object{{"type", event.type},
                                                    {"timestamp", FormatIsoUtc(event.time_us)},
                                                    {"data", EventJson(event)}});
}

PostRequest SignedDelivery(const WebhookDelivery& delivery, std::string_view key,
                           int64_t now_seconds) {
  PostRequest request{.url = delivery.url, .body = WebhookBody(*delivery.event)};
  const std::string id = WebhookMessageId(delivery);
  request.headers = {"webhook-id: " + id,
                     "webhook-timestamp: " + std::to_string(now_seconds),
                     "webhook-signature: " + SignWebhook(key, id, now_seconds, request.body)};
  return request;
}

}  // namespace authd
