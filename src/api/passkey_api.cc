// Passkeys (WebAuthn): enrolment, the list and its removals (Bearer), and the passwordless
// sign-in. Their use as a second factor is POST /api/token/mfa/'s (api/mfa_api.cc); the
// checks themselves are api/passkey_check.h's and webauthn/'s.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>


#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/passkey_check.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "api/second_factor.h"
#include "api/signed_in.h"
#include "http/address_group.h"
#include "mfa/recovery_codes.h"
#include "util/base64url.h"
#include "util/random.h"
#include "util/time_format.h"
#include "webauthn/options.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::object PasskeyJson(const Passkey& p) {
  json::object o{{"id", p.id},
                 {"name", p.name},
                 {"created_at", FormatIsoUtc(p.created_at * 1'000'000)},
                 {"last_used_at", nullptr},
                 {"flagged", p.flagged}};
  if (p.last_used_at) o["last_used_at"] = FormatIsoUtc(*p.last_used_at * 1'000'000);
  return o;
}

Response NoStore(Response r) {
  r.AddHeader("Cache-Control", "no-store");
  return r;
}

// The enrolling user (Bearer, or a staff member's enrolment mfa_token) when passkeys are on.
std::variant<User, ApiError> Enrolling(Services& s, Request& request, const json::object& data) {
  if (!s.settings.passkeys_enabled()) return PasskeysNotConfigured();
  return EnrollingUser(s, request, data);
}

// POST /api/webauthn/register/options/: creation options with a new challenge.
asio::awaitable<Response> RegisterOptions(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  auto auth = Enrolling(s, request, *data);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  auto options = co_await s.store_pool.Run([&]() -> StatusOr<json::object> {
    auto passkeys = s.store.passkeys().List(user.id);
    if (!passkeys.ok()) return passkeys.status();
    CreationRequest create{.rp_id = s.settings.webauthn_rp_id,
                           .rp_name = s.settings.site_name,
                           .user_name = user.username,
                           .display_name = user.username};
    const std::string full_name = user.first_name.empty() || user.last_name.empty()
                                      ? user.first_name + user.last_name
                                      : user.first_name + " " + user.last_name;
    if (!full_name.empty()) create.display_name = full_name;
    // One user handle per account, so an authenticator replaces its passkey for the account
    // instead of keeping two; random, so it says nothing about the user.
    const std::string handle = passkeys->empty()
                                   ? s.random.Bytes(32)
                                   : Base64UrlDecode(passkeys->front().user_handle).value_or("");
    create.user_handle = handle;
    for (const Passkey& p : *passkeys) create.exclude.push_back(p.credential_id);
    auto challenge = NewCeremony(s, "register", user.id, Base64UrlEncode(handle));
    if (!challenge.ok()) return challenge.status();
    create.challenge = *challenge;
    return CreationOptions(create);
  });
  if (!options) co_return ToResponse(Unavailable(1));
  if (!options->ok()) co_return ToResponse(FromStatus(options->status()));
  co_return NoStore(JsonResponse(200, options->value()));
}

// POST /api/webauthn/register/ {credential, name}: the new passkey. The account's first
// factor comes with recovery codes, shown once, as TOTP's confirmation gives them.
asio::awaitable<Response> Register(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  auto auth = Enrolling(s, request, *data);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  FieldErrors errors;
  auto name = ReadCharField(*data, "name", {.required = false, .max_length = 64}, errors);
  std::optional<RegistrationResponse> credential;
  if (const json::value* c = data->if_contains("credential")) {
    auto parsed = ParseRegistrationResponse(*c);
    if (parsed.ok()) {
      credential = std::move(parsed).value();
    } else {
      errors.Add("credential", std::string(parsed.status().message()));
    }
  } else {
    errors.Add("credential", "This field is required.");
  }
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));

  struct Registered {
    std::optional<Passkey> passkey;
    std::string refusal;
    std::vector<std::string> recovery_codes;
  };
  std::vector<AuditEvent> added;
  auto outcome = co_await s.store_pool.Run([&]() -> StatusOr<Registered> {
    const int64_t now = s.clock.NowSeconds();
    auto spent = SpendCeremony(s, credential->client_data_json, "register", user.id);
    if (!spent.ok()) return spent.status();
    if (!spent->refusal.empty()) return Registered{.refusal = spent->refusal};
    auto made = VerifyRegistration(RelyingPartyOf(s.settings), {.challenge = spent->challenge},
                                   credential->client_data_json, credential->attestation_object);
    if (!made.ok()) return Registered{.refusal = std::string(made.status().message())};
    if (Base64UrlEncode(made->id) != credential->id) {
      return Registered{.refusal = "the id is not the attested credential's"};
    }
    auto before = FactorsOf(s, user.id);
    if (!before.ok()) return before.status();
    Passkey passkey{.user_id = user.id,
                    .credential_id = credential->id,
                    .public_key = Base64UrlEncode(made->public_key),
                    .alg = made->alg,
                    .sign_count = made->sign_count,
                    .user_handle = spent->ceremony.user_handle,
                    .aaguid = ToHex(std::span<const uint8_t>(
                        reinterpret_cast<const uint8_t*>(made->aaguid.data()), made->aaguid.size())),
                    .name = name && !name->empty() ? *name : "Passkey",
                    .created_at = now};
    added = {RequestEvent(s.clock, request, "webauthn.added", user.id,
                          json::object{{"name", passkey.name},
                                       {"aaguid", passkey.aaguid},
                                       {"credential_id", passkey.credential_id}})};
    auto id = s.store.passkeys().Insert(passkey, added);
    if (!id.ok()) {
      if (id.status().code() == StatusCode::kAlreadyExists) {
        return Registered{.refusal = "this passkey is already registered"};
      }
      return id.status();
    }
    passkey.id = *id;
    Registered done{.passkey = std::move(passkey)};
    if (!before->any() && before->recovery_codes_left == 0) {
      done.recovery_codes = NewRecoveryCodes(s.random);
      AUTHD_RETURN_IF_ERROR(s.store.mfa().ReplaceRecoveryCodes(
          user.id, RecoveryCodeHashes(done.recovery_codes), {}));
    }
    return done;
  });
  if (!outcome) co_return ToResponse(Unavailable(1));
  if (!outcome->ok()) co_return ToResponse(FromStatus(outcome->status()));
  if (!(*outcome)->passkey) {
    co_return ToResponse(ValidationFailed("credential", "The passkey was not accepted: " +
                                                            (*outcome)->refusal + "."));
  }
  Logged(added);
  json::object body = PasskeyJson(*(*outcome)->passkey);
  if (!(*outcome)->recovery_codes.empty()) {
    json::array codes;
    for (const auto& c : (*outcome)->recovery_codes) codes.emplace_back(c);
    body["recovery_codes"] = std::move(codes);
  }
  co_return NoStore(JsonResponse(201, body));
}

// GET /api/webauthn/credentials/: the user's passkeys, oldest first.
asio::awaitable<Response> ListPasskeys(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  auto passkeys = s.store.passkeys().List(std::get<User>(auth).id);
  if (!passkeys.ok()) co_return ToResponse(FromStatus(passkeys.status()));
  json::array out;
  for (const Passkey& p : *passkeys) out.push_back(PasskeyJson(p));
  co_return JsonResponse(200, out);
}

// DELETE /api/webauthn/credentials/{id}/.
asio::awaitable<Response> RemovePasskey(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const auto parsed = ParsePositiveId(request.path_params.at(0).second);
  if (!parsed) co_return ToResponse(NotFoundError());
  const int64_t id = *parsed;
  const int64_t user_id = std::get<User>(auth).id;
  auto removed = co_await s.store_pool.Run([&]() -> StatusOr<bool> {
    const std::vector<AuditEvent> events = {RequestEvent(
        s.clock, request, "webauthn.removed", user_id, json::object{{"passkey_id", id}})};
    auto deleted = s.store.passkeys().Delete(user_id, id, events);
    if (!deleted.ok() || !*deleted) return deleted;
    Logged(events);
    AUTHD_RETURN_IF_ERROR(DropRecoveryCodesIfNoFactor(s, user_id));
    return true;
  });
  if (!removed) co_return ToResponse(Unavailable(1));
  if (!removed->ok()) co_return ToResponse(FromStatus(removed->status()));
  if (!**removed) co_return ToResponse(NotFoundError());
  co_return NoContent();
}

// POST /api/webauthn/login/options/ {}: request options for any discoverable passkey.
asio::awaitable<Response> LoginOptions(Services& s, Request& request) {
  if (!s.settings.passkeys_enabled()) co_return ToResponse(PasskeysNotConfigured());
  auto data = RequestData(request);  // nothing is read from it, but it must be well formed
  if (!data.ok()) co_return ToResponse(data.error());
  auto challenge = co_await s.store_pool.Run([&] { return NewCeremony(s, "login", 0); });
  if (!challenge) co_return ToResponse(Unavailable(1));
  if (!challenge->ok()) co_return ToResponse(FromStatus(challenge->status()));
  co_return NoStore(JsonResponse(200, RequestOptions({.rp_id = s.settings.webauthn_rp_id,
                                                      .challenge = challenge->value(),
                                                      .user_verification = true})));
}

ApiError PasskeyRefused(const std::string& why) {
  return AuthenticationFailed("The passkey was not accepted: " + why + ".", "passkey_invalid");
}

// POST /api/webauthn/login/ {credential}: a token pair for the passkey's user, verified.
asio::awaitable<Response> Login(Services& s, Request& request) {
  if (!s.settings.passkeys_enabled()) co_return ToResponse(PasskeysNotConfigured());
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  const json::value* c = data->if_contains("credential");
  if (c == nullptr) co_return ToResponse(ValidationFailed("credential", "This field is required."));
  auto assertion = ParseAuthenticationResponse(*c);
  if (!assertion.ok()) {
    co_return ToResponse(ValidationFailed("credential", std::string(assertion.status().message())));
  }
  // Who signs in is known only from the passkey; a throttled account waits here as it would
  // at /api/token/, and a refused assertion of a known passkey counts as a failure for it.
  auto known = s.store.passkeys().Find(assertion->id);
  std::optional<User> user;
  if (known.ok()) {
    auto u = s.store.users().FindById(known->user_id);
    if (!u.ok() && u.status().code() != StatusCode::kNotFound) co_return ToResponse(FromStatus(u.status()));
    if (u.ok()) user = std::move(u).value();
  } else if (known.status().code() != StatusCode::kNotFound) {
    co_return ToResponse(FromStatus(known.status()));
  }
  const std::string address = AddressGroup(request.client_address);
  std::optional<LoginThrottle::Attempt> attempt;
  if (user) {
    auto begun = s.login_throttle.Begin(user->username, address);
    if (!begun.ok()) co_return ToResponse(FromStatus(begun.status()));
    if (begun->blocked()) {
      s.metrics.Throttled("login");
      co_return ToResponse(Throttled(begun->wait_seconds()));
    }
    attempt.emplace(std::move(begun).value());
  }
  const ClientInfo client{.user_agent = request.user_agent, .address = request.client_address};
  std::string refusal;
  std::vector<AuditEvent> signed_in;
  auto outcome = co_await s.store_pool.Run([&]() -> StatusOr<std::optional<IssuedPair>> {
    auto check = CheckAssertion(s, *assertion, "login", 0);
    if (!check.ok()) return check.status();
    refusal = check->refusal;
    if (refusal.empty() && (!user || user->id != check->passkey->user_id || !user->is_active)) {
      refusal = "no active account has this passkey";
    }
    if (refusal.empty() && s.settings.require_verified_email && !user->email_verified &&
        !user->is_staff && !user->is_superuser) {
      refusal = "the account's email address is not verified";
    }
    if (!refusal.empty()) {
      std::optional<int64_t> subject;
      if (user) {
        AUTHD_RETURN_IF_ERROR(s.login_throttle.RecordFailure(user->username, address));
        subject = user->id;
      }
      AUTHD_RETURN_IF_ERROR(Record(s, Failed(s, request, subject, "passkey_refused")));
      return std::optional<IssuedPair>();
    }
    if (attempt->had_failures()) {
      AUTHD_RETURN_IF_ERROR(s.login_throttle.RecordSuccess(user->username, address));
    }
    if (s.settings.update_last_login) {
      AUTHD_RETURN_IF_ERROR(s.store.users().SetLastLogin(user->id, s.clock.NowMicros()));
    }
    // RFC 8176: a key, and the user verified by the authenticator.
    signed_in = {SignedInEvent(s, request, user->id, "passkey")};
    auto pair = s.sessions.Login(user->id, client, json::object{{"amr", json::array{"hwk", "user"}}},
                                 signed_in);
    if (!pair.ok()) return pair.status();
    return std::optional<IssuedPair>(std::move(pair).value());
  });
  if (!outcome) co_return ToResponse(Unavailable(1));
  if (!outcome->ok()) co_return ToResponse(FromStatus(outcome->status()));
  if (!outcome->value()) {
    s.metrics.LoginFailed();
    co_return ToResponse(PasskeyRefused(refusal));
  }
  Logged(signed_in);
  co_return SignedIn(s, request, user->id, *outcome->value());
}

}  // namespace

void AddPasskeyRoutes(Router& router, Services& s) {
  router.Add("POST", "/api/webauthn/register/options/", [&s](Request& r) { return RegisterOptions(s, r); });
  router.Add("POST", "/api/webauthn/register/", [&s](Request& r) { return Register(s, r); });
  router.Add("GET", "/api/webauthn/credentials/", [&s](Request& r) { return ListPasskeys(s, r); });
  router.Add("DELETE", "/api/webauthn/credentials/{id}/", [&s](Request& r) { return RemovePasskey(s, r); });
  router.Add("POST", "/api/webauthn/login/options/", [&s](Request& r) { return LoginOptions(s, r); });
  router.Add("POST", "/api/webauthn/login/", [&s](Request& r) { return Login(s, r); });
}

}  // namespace authd
