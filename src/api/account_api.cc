// POST /register/ and GET /user_detail/: the original service's own views.
#include <boost/json/serialize.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/email_uniqueness.h"
#include "api/fields.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "api/user_json.h"
#include "http/address_group.h"
#include "mail/templates.h"
#include "users/user_rules.h"
#include "util/unicode.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<Response> Register(Services& s, Request& request) {
  // Every request counts against the address's rate, as DRF's throttles count them, and is
  // refused before anything is read, looked up or hashed.
  if (s.registration_limiter != nullptr) {
    auto wait = co_await s.store_pool.Run(
        [&] { return s.registration_limiter->Take(request.client_address); });
    if (!wait) co_return ToResponse(Unavailable(1));
    if (!wait->ok()) co_return ToResponse(FromStatus(wait->status()));
    if (**wait > 0) {
      s.metrics.Throttled("register");
      co_return ToResponse(Throttled(**wait));
    }
  }
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());

  // Fields in the order DRF's serializer declares (and reports) them.
  FieldErrors errors;
  auto username = ReadCharField(*data, "username", {.max_length = 150}, errors);
  if (username) {
    // Django's normalize_username: the account is made (and checked) under the NFKC form.
    username = NormalizeNfkc(*username);
    if (auto bad = CheckUsername(*username)) errors.Add("username", *bad);
  }
  auto password =
      ReadCharField(*data, "password", {.max_bytes = s.settings.max_password_bytes}, errors);
  auto email = ReadCharField(*data, "email", {.required = false, .allow_blank = true}, errors);
  if (email && !email->empty()) {
    if (auto bad = CheckEmail(*email)) errors.Add("email", *bad);
  }
  const CharFieldSpec name_spec{.required = false, .allow_blank = true, .max_length = 150};
  auto first_name = ReadCharField(*data, "first_name", name_spec, errors);
  auto last_name = ReadCharField(*data, "last_name", name_spec, errors);
  // Unlike the original system, a form that omits is_active makes an active user.
  auto is_active = ReadBoolField(*data, "is_active", true, errors);

  if (username && !errors.Has("username")) {
    auto existing = s.store.users().FindByUsername(*username);
    if (existing.ok()) {
      errors.Add("username", "A user with that username already exists.");
    } else if (existing.status().code() != StatusCode::kNotFound) {
      co_return ToResponse(FromStatus(existing.status()));
    }
  }
  if (password) {
    errors.AddAll("password",
                  s.policy.Validate(*password, {.username = username.value_or(""),
                                                .first_name = first_name.value_or(""),
                                                .last_name = last_name.value_or(""),
                                                .email = email.value_or("")}));
  }
  if (s.settings.login_by_email && email && !email->empty() && !errors.Has("email")) {
    auto clash = VerifiedElsewhere(s, *email, 0);
    if (!clash.ok()) co_return ToResponse(FromStatus(clash.status()));
    if (*clash) errors.Add("email", "A user with that email already exists.");
  }
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));

  // As for logins: one address cannot take the whole hashing pool.
  auto share = s.hashing_per_address.Acquire(AddressGroup(request.client_address));
  if (!share.acquired()) {
    s.metrics.Throttled("hashing");
    co_return ToResponse(Throttled(1));
  }
  auto hash = co_await s.hash_pool.Run([&] { return s.hasher.Hash(*password); });
  if (!hash) co_return ToResponse(Unavailable(1));

  NewUser nu{.username = *username,
             .password_hash = std::move(*hash),
             .email = email.value_or(""),
             .first_name = first_name.value_or(""),
             .last_name = last_name.value_or(""),
             .is_active = *is_active,
             .date_joined_us = s.clock.NowMicros()};
  // An address is verified by a link mailed in the same transaction as the account is made.
  std::vector<OutboxMessage> mail;
  if (s.mailer != nullptr && !nu.email.empty()) {
    mail.push_back(OutboxMessage{.kind = kMailVerifyEmail,
                                 .recipient = nu.email,
                                 .data = json::serialize(json::object{{"email", nu.email}}),
                                 .created_at = nu.date_joined_us});
  }
  // user.* events carry who the user is: the audit log outlives the account.
  Effects effects{.mail = mail};
  effects.events.push_back(RequestEvent(
      s.clock, request, "user.registered", std::nullopt,
      json::object{{"username", nu.username}, {"email", nu.email}, {"is_active", nu.is_active}}));
  auto pooled = co_await s.store_pool.Run([&] { return s.store.users().Create(nu, effects); });
  if (!pooled) co_return ToResponse(Unavailable(1));
  auto& created = *pooled;
  if (!created.ok()) {
    if (created.status().code() == StatusCode::kAlreadyExists) {
      // Lost a race with a concurrent registration of the same name.
      co_return ToResponse(ValidationFailed("username", "A user with that username already exists."));
    }
    co_return ToResponse(FromStatus(created.status()));
  }

  request.user_id = created->id;
  effects.events.front().subject_user_id = created->id;
  Logged(effects.events);
  if (!mail.empty()) s.mailer->sender().Wake();
  co_return JsonResponse(201, RegisteredUserToJson(*created));
}

asio::awaitable<Response> UserDetail(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  co_return JsonResponse(200, UserToJson(std::get<User>(auth)));
}

}  // namespace

void AddAccountRoutes(Router& router, Services& s) {
  router.Add("POST", "/register/", [&s](Request& r) { return Register(s, r); });
  router.Add("GET", "/user_detail/", [&s](Request& r) { return UserDetail(s, r); });
}

}  // namespace authd
