// The signed-in user's own sessions and password: list and end sessions ("log out
// everywhere"), change the password (which ends every session).
#include <boost/json/array.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "api/user_json.h"
#include "mail/templates.h"
#include "util/time_format.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// GET /api/sessions/[?current=JTI]: the user's live refresh tokens, newest first. The client
// names its own refresh token's jti to have it marked "current".
asio::awaitable<Response> ListSessions(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  auto query = DecodeQuery(request.query);
  if (!query.ok()) co_return ToResponse(BadBody(query.error()));
  std::string current;
  if (const json::value* v = query->if_contains("current")) current = v->as_string();

  auto sessions = s.sessions.List(user.id);
  if (!sessions.ok()) co_return ToResponse(FromStatus(sessions.status()));
  json::array out;
  for (const auto& r : *sessions) out.push_back(SessionToJson(r, current));
  co_return JsonResponse(200, out);
}

// DELETE /api/sessions/{jti}/: ends that session (its whole rotation family).
asio::awaitable<Response> EndSession(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const std::string& jti = request.path_params.at(0).second;
  const int64_t user_id = std::get<User>(auth).id;
  const std::vector<AuditEvent> events = {RequestEvent(s.clock, request, "session.revoked", user_id)};
  Status st = s.sessions.End(user_id, jti, events);
  if (st.code() == StatusCode::kNotFound) co_return ToResponse(NotFoundError());
  if (!st.ok()) co_return ToResponse(FromStatus(st));
  Logged(events);
  co_return NoContent();
}

// POST /api/sessions/revoke_all/: log out everywhere.
asio::awaitable<Response> EndAllSessions(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const int64_t user_id = std::get<User>(auth).id;
  const std::vector<AuditEvent> events = {RequestEvent(s.clock, request, "session.revoked_all", user_id)};
  auto revoked = s.sessions.EndAll(user_id, "revoke_all", events);
  if (!revoked.ok()) co_return ToResponse(FromStatus(revoked.status()));
  Logged(events);
  co_return JsonResponse(200, json::object{{"revoked", *revoked}});
}

// POST /api/password/change/ with old_password and new_password.
asio::awaitable<Response> ChangePassword(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());

  FieldErrors errors;
  const CharFieldSpec spec{.max_bytes = s.settings.max_password_bytes};
  auto old_password = ReadCharField(*data, "old_password", spec, errors);
  auto new_password = ReadCharField(*data, "new_password", spec, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));

  auto matches = co_await s.hash_pool.Run(
      [&] { return s.hasher.Verify(user.password_hash, *old_password); });
  if (!matches) co_return ToResponse(Unavailable(1));
  if (!*matches) {
    // Django's PasswordChangeForm message.
    errors.Add("old_password", "Your old password was entered incorrectly. Please enter it again.");
  }
  errors.AddAll("new_password",
                s.policy.Validate(*new_password, {.username = user.username,
                                                  .first_name = user.first_name,
                                                  .last_name = user.last_name,
                                                  .email = user.email}));
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));

  auto hash = co_await s.hash_pool.Run([&] { return s.hasher.Hash(*new_password); });
  if (!hash) co_return ToResponse(Unavailable(1));
  // The owner is told, in the change's own transaction (when mail is configured).
  UserUpdate update{.password_hash = std::move(*hash)};
  if (s.mailer != nullptr) {
    update.mail.push_back(OutboxMessage{
        .kind = kMailPasswordChanged, .user_id = user.id, .created_at = s.clock.NowMicros()});
  }
  update.events.push_back(RequestEvent(s.clock, request, "password.changed", user.id));
  if (auto changed = s.store.users().Update(user.id, update); !changed.ok()) {
    co_return ToResponse(FromStatus(changed.status()));
  }
  Logged(update.events);
  if (s.mailer != nullptr) s.mailer->sender().Wake();
  // Whoever knew the old password may hold a session: all of them end.
  auto revoked = s.sessions.EndAll(user.id, "password_changed");
  if (!revoked.ok()) co_return ToResponse(FromStatus(revoked.status()));
  co_return JsonResponse(200, json::object{{"detail", "New password has been saved."}});
}

}  // namespace

void AddSessionRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/sessions/", [&s](Request& r) { return ListSessions(s, r); });
  // Before "{jti}", so this literal path is never taken for a jti.
  router.Add("POST", "/api/sessions/revoke_all/", [&s](Request& r) { return EndAllSessions(s, r); });
  router.Add("DELETE", "/api/sessions/{jti}/", [&s](Request& r) { return EndSession(s, r); });
  router.Add("POST", "/api/password/change/", [&s](Request& r) { return ChangePassword(s, r); });
}

}  // namespace authd
