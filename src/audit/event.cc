#include "audit/event.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "logging/logging.h"
#include "util/utf8.h"
#include "util/time_format.h"

namespace authd {

namespace json = boost::json;

AuditEvent RequestEvent(const Clock& clock, const Request& request, std::string type,
                        std::optional<int64_t> subject, json::object details) {
  AuditEvent e = ActorEvent(clock, "anonymous", std::move(type), subject, std::move(details));
  if (request.user_id) {
    e.actor = std::to_string(*request.user_id);
  } else if (subject) {
    e.actor = std::to_string(*subject);
  }
  e.client_address = request.client_address;
  // Any bytes may come in a header: stored as valid UTF-8 (PostgreSQL refuses anything else),
  // cut on a character boundary, as session records keep it.
  e.user_agent = SanitizeUtf8(request.user_agent, 512);
  e.request_id = request.request_id;
  return e;
}

AuditEvent ActorEvent(const Clock& clock, std::string actor, std::string type,
                      std::optional<int64_t> subject, json::object details) {
  return AuditEvent{.time_us = clock.NowMicros(),
                    .type = std::move(type),
                    .actor = std::move(actor),
                    .subject_user_id = subject,
                    .details = json::serialize(details)};
}

json::object EventJson(const AuditEvent& e) {
  boost::system::error_code ec;
  json::value details = json::parse(e.details, ec);
  if (ec || !details.is_object()) details = json::object{};
  json::object o{{"id", e.id},
                 {"time", FormatIsoUtc(e.time_us)},
                 {"type", e.type},
                 {"outcome", e.outcome},
                 {"actor", e.actor},
                 {"user_id", nullptr},
                 {"client_address", e.client_address},
                 {"user_agent", e.user_agent},
                 {"request_id", e.request_id},
                 {"details", std::move(details)}};
  if (e.subject_user_id) o["user_id"] = *e.subject_user_id;
  return o;
}

void LogEvent(const AuditEvent& e) {
  json::object fields = EventJson(e);
  fields.erase("id");  // events committed with a change are logged without learning theirs
  LogEventLine("audit", json::serialize(fields));
}

}  // namespace authd
