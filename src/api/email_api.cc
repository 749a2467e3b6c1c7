// The signed-in user's own account (GET/PATCH /api/me/) and email addresses: verification
// links, a resend, and a change of address that takes effect only once the new address
// proves itself.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/email_uniqueness.h"
#include "api/fields.h"
#include "api/mail_requests.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "api/user_json.h"
#include "mail/templates.h"
#include "users/user_rules.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

ApiError VerifyLinkInvalid() {
  return ValidationFailed("token", "This verification link is invalid or has expired.");
}

OutboxMessage VerifyMail(Services& s, int64_t user_id, const std::string& email) {
  json::object data{{"email", email}};
  return OutboxMessage{.kind = kMailVerifyEmail,
                       .user_id = user_id,
                       .recipient = email,
                       .data = json::serialize(data),
                       .created_at = s.clock.NowMicros()};
}

// POST /api/email/verify/ {token}: the link's address becomes the account's, verified. When
// it replaces another address, the old one is told.
asio::awaitable<Response> Verify(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto token = ReadCharField(*data, "token", {.max_length = 256}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  auto link = FindLink(s, *token, kVerifyEmailPurpose, VerifyLinkInvalid());
  if (auto* error = std::get_if<ApiError>(&link)) co_return ToResponse(*error);
  const OneTimeToken* found = &std::get<LinkHolder>(link).token;
  const User* user = &std::get<LinkHolder>(link).user;
  if (s.settings.login_by_email) {
    auto clash = VerifiedElsewhere(s, found->email, user->id);
    if (!clash.ok()) co_return ToResponse(FromStatus(clash.status()));
    if (*clash) co_return ToResponse(EmailTaken());
  }
  UserUpdate update{.email = found->email, .email_verified = true, .spend_token = found->hash};
  const bool replaced = !user->email.empty() && user->email != found->email;
  update.events.push_back(RequestEvent(s.clock, request, "email.verified", user->id,
                                       json::object{{"email", found->email}}));
  if (replaced) {
    update.events.push_back(RequestEvent(s.clock, request, "email.changed", user->id,
                                         json::object{{"old_email", user->email},
                                                      {"new_email", found->email}}));
  }
  if (replaced && s.mailer != nullptr) {
    update.mail.push_back(OutboxMessage{
        .kind = kMailEmailChanged,
        .user_id = user->id,
        .recipient = user->email,
        .data = json::serialize(json::object{{"new_email", found->email}}),
        .created_at = s.clock.NowMicros()});
  }
  auto changed = co_await s.store_pool.Run([&] { return s.store.users().Update(user->id, update); });
  if (!changed) co_return ToResponse(Unavailable(1));
  if (!changed->ok()) {
    if (changed->status().code() == StatusCode::kFailedPrecondition) {
      co_return ToResponse(VerifyLinkInvalid());
    }
    co_return ToResponse(FromStatus(changed->status()));
  }
  request.user_id = user->id;
  Logged(update.events);
  if (!update.mail.empty()) s.mailer->sender().Wake();
  co_return JsonResponse(200, json::object{{"detail", "Email verified."}});
}

// POST /api/email/verify/resend/ (Bearer): a new link for the account's address.
asio::awaitable<Response> Resend(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  if (s.mailer == nullptr) co_return ToResponse(EmailNotConfigured());
  if (user.email.empty()) co_return ToResponse(ValidationFailed("email", "The account has no email address."));
  if (user.email_verified) {
    co_return JsonResponse(200, json::object{{"detail", "Email is already verified."}});
  }
  auto queued = co_await s.store_pool.Run([&]() -> StatusOr<int64_t> {
    auto wait = QueueOncePerMinute(s, "verify:" + std::to_string(user.id), VerifyMail(s, user.id, user.email));
    if (!wait.ok() || *wait > 0) return wait;
    AUTHD_RETURN_IF_ERROR(Record(s, RequestEvent(s.clock, request, "email.verification_sent", user.id,
                                                 json::object{{"email", user.email}})));
    return wait;
  });
  if (!queued) co_return ToResponse(Unavailable(1));
  if (!queued->ok()) co_return ToResponse(FromStatus(queued->status()));
  if (**queued > 0) {
    s.metrics.Throttled("email_verify");
    co_return ToResponse(Throttled(**queued));
  }
  s.mailer->sender().Wake();
  co_return JsonResponse(200, json::object{{"detail", "Verification email sent."}});
}

// POST /api/email/change/ {new_email, password} (Bearer).
asio::awaitable<Response> Change(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User user = std::get<User>(auth);
  if (s.mailer == nullptr) co_return ToResponse(EmailNotConfigured());
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto new_email = ReadCharField(*data, "new_email", {.max_length = 254}, errors);
  if (new_email) {
    if (auto bad = CheckEmail(*new_email)) errors.Add("new_email", *bad);
  }
  auto password =
      ReadCharField(*data, "password", {.max_bytes = s.settings.max_password_bytes}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  if (auto refused = co_await ConfirmPassword(s, user, *password)) co_return ToResponse(*refused);
  if (s.settings.login_by_email) {
    auto clash = VerifiedElsewhere(s, *new_email, user.id);
    if (!clash.ok()) co_return ToResponse(FromStatus(clash.status()));
    if (*clash) co_return ToResponse(EmailTaken());
  }
  auto queued = co_await s.store_pool.Run([&]() -> StatusOr<int64_t> {
    auto wait = QueueOncePerMinute(s, "change:" + std::to_string(user.id), VerifyMail(s, user.id, *new_email));
    if (!wait.ok() || *wait > 0) return wait;
    AUTHD_RETURN_IF_ERROR(Record(s, RequestEvent(s.clock, request, "email.verification_sent", user.id,
                                                 json::object{{"email", *new_email}, {"change", true}})));
    return wait;
  });
  if (!queued) co_return ToResponse(Unavailable(1));
  if (!queued->ok()) co_return ToResponse(FromStatus(queued->status()));
  if (**queued > 0) {
    s.metrics.Throttled("email_change");
    co_return ToResponse(Throttled(**queued));
  }
  s.mailer->sender().Wake();
  co_return JsonResponse(
      200, json::object{{"detail", "A verification link has been sent to the new address."}});
}

asio::awaitable<Response> GetMe(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  co_return JsonResponse(200, MeToJson(std::get<User>(auth)));
}

// PATCH /api/me/: the names; every other field is read-only here (DRF ignores them).
asio::awaitable<Response> PatchMe(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  const CharFieldSpec name_spec{.required = false, .allow_blank = true, .max_length = 150};
  UserUpdate update;
  update.first_name = ReadCharField(*data, "first_name", name_spec, errors);
  update.last_name = ReadCharField(*data, "last_name", name_spec, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  if (!update.first_name && !update.last_name) co_return JsonResponse(200, MeToJson(user));
  auto changed = co_await s.store_pool.Run([&] { return s.store.users().Update(user.id, update); });
  if (!changed) co_return ToResponse(Unavailable(1));
  if (!changed->ok()) co_return ToResponse(FromStatus(changed->status()));
  co_return JsonResponse(200, MeToJson(**changed));
}

}  // namespace

ApiError EmailTaken() { return ValidationFailed("email", "A user with that email already exists."); }

StatusOr<bool> VerifiedElsewhere(Services& s, std::string_view email, int64_t user_id) {
  auto holders = s.store.users().FindByEmail(email);
  if (!holders.ok()) return holders.status();
  for (const User& u : *holders) {
    if (u.email_verified && u.id != user_id) return true;
  }
  return false;
}

void AddEmailRoutes(Router& router, Services& s) {
  router.Add("POST", "/api/email/verify/", [&s](Request& r) { return Verify(s, r); });
  router.Add("POST", "/api/email/verify/resend/", [&s](Request& r) { return Resend(s, r); });
  router.Add("POST", "/api/email/change/", [&s](Request& r) { return Change(s, r); });
  router.Add("GET", "/api/me/", [&s](Request& r) { return GetMe(s, r); });
  router.Add("PATCH", "/api/me/", [&s](Request& r) { return PatchMe(s, r); });
}

}  // namespace authd
