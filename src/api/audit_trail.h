// Recording audit events from the endpoints. A change's events go into its own transaction
// (UserUpdate::events, Effects, UserStore::Delete) and are logged once it commits (Logged);
// an attempt's event (a failed sign-in) is appended alone (Record). Both blocking: call them
// where store calls may block (the store pool, or an I/O thread on SQLite as elsewhere).
#pragma once

#include <vector>

#include "api/services.h"
#include "audit/event.h"

namespace authd {

// Appends `event` and logs it.
inline Status Record(Services& s, const AuditEvent& event) {
  auto id = s.store.audit().Append(event);
  if (!id.ok()) return id.status();
  LogEvent(event);
  return Status::Ok();
}

// login.failed, with its reason: bad_credentials, inactive, throttled, mfa_failed,
// email_not_verified, passkey_refused.
inline AuditEvent Failed(Services& s, const Request& request, std::optional<int64_t> subject,
                         const char* reason) {
  AuditEvent e = RequestEvent(s.clock, request, "login.failed", subject,
                              boost::json::object{{"reason", reason}});
  e.outcome = "failure";
  e.actor = "anonymous";  // whoever tried: not (yet) the account's owner
  return e;
}

// login.succeeded, and how: "password", "password+totp", "password+recovery_code",
// "password+passkey", "passkey", "oidc" (with the provider), "oidc+totp", ...
inline AuditEvent SignedInEvent(Services& s, const Request& request, int64_t user_id,
                                const char* method) {
  return RequestEvent(s.clock, request, "login.succeeded", user_id,
                      boost::json::object{{"method", method}});
}

// Logs events that were committed with a change.
inline void Logged(const std::vector<AuditEvent>& events) {
  for (const AuditEvent& e : events) LogEvent(e);
}

}  // namespace authd
