// Audit events as the rest of authd makes and shows them: one built from the request it
// records (when, from where, which request), its JSON form for the admin and account APIs,
// and its log line ("event": "audit") for log shippers. Storage is store/audit_store.h's.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "http/message.h"
#include "store/audit_store.h"
#include "util/clock.h"

namespace authd {

// An event of `type` about `subject` (nullopt: nobody known), made by the request's user when
// it has one, else by the subject acting on themselves (a sign-in), else "anonymous". Details
// are a JSON object; never a password, token, code, secret or hash.
AuditEvent RequestEvent(const Clock& clock, const Request& request, std::string type,
                        std::optional<int64_t> subject, boost::json::object details = {});

// An event made by `actor` ("cli", "system") outside any request.
AuditEvent ActorEvent(const Clock& clock, std::string actor, std::string type,
                      std::optional<int64_t> subject, boost::json::object details = {});

// As GET /api/admin/events/ shows it.
boost::json::object EventJson(const AuditEvent& event);

// One log line for a recorded event, at info level, in the log's format.
void LogEvent(const AuditEvent& event);

}  // namespace authd
