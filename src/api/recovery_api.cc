// Account recovery by email: ask for a reset link, set a new password with it, and a staff
// member's "send this user a reset link". The mail itself is built and sent by the outbox
// sender (mail/outbox_sender.h), never while the request waits.
#include <boost/json/object.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/mail_requests.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "mail/templates.h"
#include "users/user_rules.h"
#include "util/strings.h"
#include "util/unicode.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

constexpr const char* kResetSent =
    "If an account with that email exists, a password reset link has been sent.";
constexpr const char* kResetLinkInvalid = "This password reset link is invalid or has expired.";

ApiError ResetLinkInvalid() { return ValidationFailed("token", kResetLinkInvalid); }

// POST /api/password/reset/ {email}. The same answer, and the same work, whether the address
// is unknown, inactive or real: a throttle entry and an outbox entry, written for every
// address alike. Who (if anyone) gets a mail is the sender's business.
asio::awaitable<Response> RequestReset(Services& s, Request& request) {
  if (s.mailer == nullptr) co_return ToResponse(EmailNotConfigured());
  if (s.password_reset_limiter != nullptr) {
    auto wait = co_await s.store_pool.Run(
        [&] { return s.password_reset_limiter->Take(request.client_address); });
    if (!wait) co_return ToResponse(Unavailable(1));
    if (!wait->ok()) co_return ToResponse(FromStatus(wait->status()));
    if (**wait > 0) {
      s.metrics.Throttled("password_reset");
      co_return ToResponse(Throttled(**wait));
    }
  }
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto email = ReadCharField(*data, "email", {.max_length = 254}, errors);
  if (email) {
    if (auto bad = CheckEmail(*email)) errors.Add("email", *bad);
  }
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));

  // At most one reset mail per address a minute (A@x.com and a@X.COM are one address);
  // later requests answer alike, send nothing.
  auto queued = co_await s.store_pool.Run([&]() -> StatusOr<int64_t> {
    auto wait = QueueOncePerMinute(s, "reset:" + AsciiLower(*email),
                                   OutboxMessage{.kind = kMailPasswordReset,
                                                 .recipient = *email,
                                                 .created_at = s.clock.NowMicros()});
    if (!wait.ok()) return wait;
    // Recorded for every request alike (one read, one write), against the account when one
    // active account has the address; the address itself is not kept.
    auto holders = s.store.users().FindByEmail(*email);
    if (!holders.ok()) return holders.status();
    std::optional<int64_t> subject;
    if (holders->size() == 1 && holders->front().is_active) subject = holders->front().id;
    AUTHD_RETURN_IF_ERROR(Record(s, RequestEvent(s.clock, request, "password.reset_requested", subject,
                                                 json::object{{"mailed", *wait == 0}})));
    return wait;
  });
  if (!queued) co_return ToResponse(Unavailable(1));
  if (!queued->ok()) co_return ToResponse(FromStatus(queued->status()));
  if (**queued == 0) s.mailer->sender().Wake();
  co_return JsonResponse(200, json::object{{"detail", kResetSent}});
}

// POST /api/password/reset/confirm/ {token, new_password}.
asio::awaitable<Response> ConfirmReset(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto token = ReadCharField(*data, "token", {.max_length = 256}, errors);
  auto new_password =
      ReadCharField(*data, "new_password", {.max_bytes = s.settings.max_password_bytes}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));

  auto link = FindLink(s, *token, kPasswordResetPurpose, ResetLinkInvalid());
  if (auto* error = std::get_if<ApiError>(&link)) co_return ToResponse(*error);
  const OneTimeToken* found = &std::get<LinkHolder>(link).token;
  const User* user = &std::get<LinkHolder>(link).user;
  // A deactivated account is not reopened by a link mailed before.
  if (!user->is_active || user->email != found->email) co_return ToResponse(ResetLinkInvalid());
  errors.AddAll("new_password",
                s.policy.Validate(*new_password, {.username = user->username,
                                                  .first_name = user->first_name,
                                                  .last_name = user->last_name,
                                                  .email = user->email}));
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  auto new_hash = co_await s.hash_pool.Run([&] { return s.hasher.Hash(*new_password); });
  if (!new_hash) co_return ToResponse(Unavailable(1));

  const AuditEvent reset = RequestEvent(s.clock, request, "password.reset", user->id);
  auto changed = co_await s.store_pool.Run([&]() -> StatusOr<User> {
    // Sessions end first: should the change then fail, nobody was let in, only logged out.
    auto ended = s.sessions.EndAll(user->id, "password_reset");
    if (!ended.ok()) return ended.status();
    UserUpdate update{.password_hash = std::move(*new_hash), .spend_token = found->hash};
    update.events.push_back(reset);
    if (s.mailer != nullptr) {
      update.mail.push_back(OutboxMessage{.kind = kMailPasswordChanged,
                                          .user_id = user->id,
                                          .created_at = s.clock.NowMicros()});
    }
    return s.store.users().Update(user->id, update);
  });
  if (!changed) co_return ToResponse(Unavailable(1));
  if (!changed->ok()) {
    // Spent by a concurrent request a moment ago.
    if (changed->status().code() == StatusCode::kFailedPrecondition) {
      co_return ToResponse(ResetLinkInvalid());
    }
    co_return ToResponse(FromStatus(changed->status()));
  }
  request.user_id = user->id;
  LogEvent(reset);
  if (s.mailer != nullptr) s.mailer->sender().Wake();
  co_return JsonResponse(200, json::object{{"detail", "Password has been reset."}});
}

}  // namespace

void AddRecoveryRoutes(Router& router, Services& s) {
  router.Add("POST", "/api/password/reset/", [&s](Request& r) { return RequestReset(s, r); });
  router.Add("POST", "/api/password/reset/confirm/",
             [&s](Request& r) { return ConfirmReset(s, r); });
}

}  // namespace authd
