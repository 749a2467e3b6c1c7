// Second factors: TOTP enrolment and removal, recovery codes, the account's summary, and
// POST /api/token/mfa/, the second step of a sign-in that /api/token/ began.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/passkey_check.h"
#include "api/second_factor.h"
#include "api/signed_in.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "http/address_group.h"
#include "mail/link_token.h"
#include "mfa/qr_svg.h"
#include "mfa/recovery_codes.h"
#include "mfa/totp.h"
#include "util/sha256.h"
#include "webauthn/options.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

json::array CodesJson(const std::vector<std::string>& codes) {
  json::array a;
  for (const auto& c : codes) a.emplace_back(c);
  return a;
}

ApiError MfaTokenInvalid() {
  return AuthenticationFailed("The MFA token is invalid or has expired.", "mfa_token_invalid");
}

// GET /api/mfa/.
asio::awaitable<Response> GetMfa(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  auto summary = MfaSummary(s, std::get<User>(auth).id);
  if (!summary.ok()) co_return ToResponse(FromStatus(summary.status()));
  co_return JsonResponse(200, *summary);
}

// POST /api/mfa/totp/: a pending secret, to be proven with a code.
asio::awaitable<Response> BeginTotp(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  auto auth = EnrollingUser(s, request, *data);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  const std::string secret = s.random.Bytes(20);  // 160 bits, RFC 4226's recommendation
  const std::string sealed = s.secret_box.Seal(secret, s.random);
  auto stored = co_await s.store_pool.Run(
      [&] { return s.store.mfa().SetPendingTotp(user.id, sealed, s.clock.NowSeconds()); });
  if (!stored) co_return ToResponse(Unavailable(1));
  if (stored->code() == StatusCode::kFailedPrecondition) {
    co_return ToResponse(Detail(400, "TOTP is already on; turn it off first."));
  }
  if (!stored->ok()) co_return ToResponse(FromStatus(*stored));
  const std::string url = OtpauthUrl(s.settings.site_name, user.username, secret);
  Response r = JsonResponse(200, json::object{{"secret", Base32Encode(secret)},
                                              {"otpauth_url", url},
                                              {"qr_svg", QrSvg(url)}});
  r.AddHeader("Cache-Control", "no-store");
  co_return r;
}

// POST /api/mfa/totp/confirm/ {code}: TOTP is on, and the recovery codes are shown once.
asio::awaitable<Response> ConfirmTotp(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  auto auth = EnrollingUser(s, request, *data);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  FieldErrors errors;
  auto code = ReadCharField(*data, "code", {.max_length = 64}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  auto totp = s.store.mfa().FindTotp(user.id);
  if (!totp.ok()) co_return ToResponse(FromStatus(totp.status()));
  if (!totp->has_value() || (*totp)->confirmed) {
    co_return ToResponse(Detail(400, "No TOTP enrolment is pending."));
  }
  auto secret = s.secret_box.Open((*totp)->sealed_secret);
  if (!secret.ok()) co_return ToResponse(FromStatus(secret.status()));
  auto step = MatchTotp(*secret, *code, s.clock.NowSeconds());
  if (!step) co_return ToResponse(ValidationFailed("code", "Invalid code."));
  const std::vector<std::string> codes = NewRecoveryCodes(s.random);
  const std::vector<AuditEvent> events = {RequestEvent(s.clock, request, "mfa.totp_enabled", user.id)};
  auto confirmed = co_await s.store_pool.Run(
      [&] { return s.store.mfa().ConfirmTotp(user.id, *step, RecoveryCodeHashes(codes), events); });
  if (!confirmed) co_return ToResponse(Unavailable(1));
  if (confirmed->code() == StatusCode::kFailedPrecondition) {
    co_return ToResponse(Detail(400, "No TOTP enrolment is pending."));
  }
  if (!confirmed->ok()) co_return ToResponse(FromStatus(*confirmed));
  Logged(events);
  Response r = JsonResponse(200, json::object{{"recovery_codes", CodesJson(codes)}});
  r.AddHeader("Cache-Control", "no-store");
  co_return r;
}

// The body's proof for turning a factor off or renewing codes: {"code"} (a current TOTP or
// recovery code) or {"password"}. nullopt when it holds; else the answer.
asio::awaitable<std::optional<ApiError>> Prove(Services& s, const Request& request,
                                               const User& user, const json::object& data) {
  FieldErrors errors;
  if (data.contains("password") && !data.contains("code")) {
    auto password = ReadCharField(data, "password", {.max_bytes = s.settings.max_password_bytes}, errors);
    if (!errors.empty()) co_return ValidationFailed(errors);
    co_return co_await ConfirmPassword(s, user, *password);
  }
  auto code = ReadCharField(data, "code", {.max_length = 64}, errors);
  if (!errors.empty()) co_return ValidationFailed(errors);
  auto ok = co_await s.store_pool.Run([&] { return CheckSecondFactor(s, request, user.id, *code); });
  if (!ok) co_return Unavailable(1);
  if (!ok->ok()) co_return FromStatus(ok->status());
  if (**ok == CodeKind::kNone) co_return ValidationFailed("code", "Invalid code.");
  co_return std::nullopt;
}

// DELETE /api/mfa/totp/ {code} or {password}.
asio::awaitable<Response> RemoveTotp(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  if (auto refused = co_await Prove(s, request, user, *data)) co_return ToResponse(*refused);
  auto removed = co_await s.store_pool.Run([&] {
    const std::vector<AuditEvent> events = {RequestEvent(s.clock, request, "mfa.totp_disabled", user.id)};
    AUTHD_RETURN_IF_ERROR(s.store.mfa().DeleteTotp(user.id, events));
    Logged(events);
    return DropRecoveryCodesIfNoFactor(s, user.id);
  });
  if (!removed) co_return ToResponse(Unavailable(1));
  if (!removed->ok()) co_return ToResponse(FromStatus(*removed));
  co_return NoContent();
}

// POST /api/mfa/recovery-codes/ {code}: ten new codes; the old ones stop working.
asio::awaitable<Response> RenewCodes(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  json::object code_only;
  if (const json::value* c = data->if_contains("code")) code_only["code"] = *c;
  if (auto refused = co_await Prove(s, request, user, code_only)) co_return ToResponse(*refused);
  const std::vector<std::string> codes = NewRecoveryCodes(s.random);
  const std::vector<AuditEvent> events = {
      RequestEvent(s.clock, request, "mfa.recovery_codes_regenerated", user.id)};
  auto stored = co_await s.store_pool.Run(
      [&] { return s.store.mfa().ReplaceRecoveryCodes(user.id, RecoveryCodeHashes(codes), events); });
  if (!stored) co_return ToResponse(Unavailable(1));
  if (!stored->ok()) co_return ToResponse(FromStatus(*stored));
  Logged(events);
  Response r = JsonResponse(200, json::object{{"recovery_codes", CodesJson(codes)}});
  r.AddHeader("Cache-Control", "no-store");
  co_return r;
}

// What the body of POST /api/token/mfa/ offers as the second factor.
struct Proof {
  std::optional<std::string> code;
  std::optional<AuthenticationResponse> credential;
};

// The outcome of checking it: an empty refusal when it held.
struct ProofCheck {
  std::string refusal;
  const char* amr = "otp";     // RFC 8176: a one-time password, or "hwk" for a passkey
  const char* second = "totp";  // as login.succeeded records it, after the first factor
};

// POST /api/token/mfa/ {mfa_token, code} or {mfa_token, credential}: the pair, after the
// second factor.
asio::awaitable<Response> CompleteSignIn(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto mfa_token = ReadCharField(*data, "mfa_token", {.max_length = 256}, errors);
  Proof proof;
  if (const json::value* credential = data->if_contains("credential")) {
    auto parsed = ParseAuthenticationResponse(*credential);
    if (parsed.ok()) {
      proof.credential = std::move(parsed).value();
    } else {
      errors.Add("credential", std::string(parsed.status().message()));
    }
  } else {
    proof.code = ReadCharField(*data, "code", {.max_length = 64}, errors);
  }
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  if (proof.credential && !s.settings.passkeys_enabled()) co_return ToResponse(PasskeysNotConfigured());
  const std::string hash = Sha256Hex(*mfa_token);
  std::string first_factor;
  auto found = MfaTokenUser(s, *data, &first_factor);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  const User& user = std::get<User>(found);
  // Wrong codes count with wrong passwords: the same counters, the same waits.
  const std::string address = AddressGroup(request.client_address);
  auto attempt = s.login_throttle.Begin(user.username, address);
  if (!attempt.ok()) co_return ToResponse(FromStatus(attempt.status()));
  if (attempt->blocked()) {
    s.metrics.Throttled("login");
    co_return ToResponse(Throttled(attempt->wait_seconds()));
  }
  const ClientInfo client{.user_agent = request.user_agent, .address = request.client_address};
  ProofCheck check;
  std::vector<AuditEvent> signed_in;
  auto outcome = co_await s.store_pool.Run([&]() -> StatusOr<std::optional<IssuedPair>> {
    if (proof.credential) {
      auto passkey = CheckAssertion(s, *proof.credential, "mfa", user.id);
      if (!passkey.ok()) return passkey.status();
      check = {passkey->refusal, "hwk", "passkey"};
    } else {
      auto kind = CheckSecondFactor(s, request, user.id, *proof.code);
      if (!kind.ok()) return kind.status();
      if (*kind == CodeKind::kNone) check.refusal = "Invalid code.";
      if (*kind == CodeKind::kRecoveryCode) check.second = "recovery_code";
    }
    if (!check.refusal.empty()) {
      AUTHD_RETURN_IF_ERROR(s.store.mfa().ChallengeFailed(hash, kMfaTokenAttempts).status());
      AUTHD_RETURN_IF_ERROR(s.login_throttle.RecordFailure(user.username, address));
      AUTHD_RETURN_IF_ERROR(Record(s, Failed(s, request, user.id, "mfa_failed")));
      return std::optional<IssuedPair>();
    }
    auto spent = s.store.mfa().SpendChallenge(hash);
    if (!spent.ok()) return spent.status();
    if (!*spent) return FailedPrecondition("spent");
    if (attempt->had_failures()) {
      AUTHD_RETURN_IF_ERROR(s.login_throttle.RecordSuccess(user.username, address));
    }
    if (s.settings.update_last_login) {
      AUTHD_RETURN_IF_ERROR(s.store.users().SetLastLogin(user.id, s.clock.NowMicros()));
    }
    // "password+totp", "oidc+passkey", ...: the first factor, then the second.
    const std::string method = first_factor + "+" + check.second;
    signed_in = {RequestEvent(s.clock, request, "mfa.challenge_passed", user.id,
                              json::object{{"method", method}}),
                 SignedInEvent(s, request, user.id, method.c_str())};
    // RFC 8176: a password ("pwd"; RFC 8176 has no value for a provider's sign-in, so none is
    // claimed for one), and a one-time password (TOTP or a recovery code) or a key.
    json::array amr;
    if (first_factor == "password") amr.emplace_back("pwd");
    amr.emplace_back(check.amr);
    auto pair = s.sessions.Login(user.id, client, json::object{{"amr", std::move(amr)}}, signed_in);
    if (!pair.ok()) return pair.status();
    return std::optional<IssuedPair>(std::move(pair).value());
  });
  if (!outcome) co_return ToResponse(Unavailable(1));
  if (!outcome->ok()) {
    if (outcome->status().code() == StatusCode::kFailedPrecondition) co_return ToResponse(MfaTokenInvalid());
    co_return ToResponse(FromStatus(outcome->status()));
  }
  if (!outcome->value()) {
    s.metrics.LoginFailed();
    if (proof.credential) {
      co_return ToResponse(AuthenticationFailed("The passkey was not accepted: " + check.refusal + ".",
                                                "mfa_invalid"));
    }
    co_return ToResponse(AuthenticationFailed("Invalid code.", "mfa_invalid"));
  }
  Logged(signed_in);
  co_return SignedIn(s, request, user.id, *outcome->value());
}

// POST /api/token/mfa/webauthn/options/ {mfa_token}: the request options for the user's
// passkeys, to answer with POST /api/token/mfa/ {mfa_token, credential}.
asio::awaitable<Response> PasskeyOptions(Services& s, Request& request) {
  if (!s.settings.passkeys_enabled()) co_return ToResponse(PasskeysNotConfigured());
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  auto found = MfaTokenUser(s, *data);
  if (auto* error = std::get_if<ApiError>(&found)) co_return ToResponse(*error);
  const User& user = std::get<User>(found);
  auto options = co_await s.store_pool.Run([&]() -> StatusOr<json::object> {
    auto passkeys = s.store.passkeys().List(user.id);
    if (!passkeys.ok()) return passkeys.status();
    AssertionRequest ask{.rp_id = s.settings.webauthn_rp_id};
    for (const Passkey& p : *passkeys) {
      if (!p.flagged) ask.allow.push_back(p.credential_id);
    }
    if (ask.allow.empty()) return FailedPrecondition("no passkey");
    auto challenge = NewCeremony(s, "mfa", user.id);
    if (!challenge.ok()) return challenge.status();
    ask.challenge = *challenge;
    return RequestOptions(ask);
  });
  if (!options) co_return ToResponse(Unavailable(1));
  if (options->status().code() == StatusCode::kFailedPrecondition) {
    co_return ToResponse(Detail(400, "No passkey is registered for this account."));
  }
  if (!options->ok()) co_return ToResponse(FromStatus(options->status()));
  Response r = JsonResponse(200, options->value());
  r.AddHeader("Cache-Control", "no-store");
  co_return r;
}

}  // namespace

StatusOr<Factors> FactorsOf(Services& s, int64_t user_id) {
  Factors f;
  auto totp = s.store.mfa().FindTotp(user_id);
  if (!totp.ok()) return totp.status();
  f.totp = totp->has_value() && (*totp)->confirmed;
  auto passkeys = s.store.passkeys().Count(user_id);
  if (!passkeys.ok()) return passkeys.status();
  f.passkeys = *passkeys;
  auto left = s.store.mfa().RecoveryCodesLeft(user_id);
  if (!left.ok()) return left.status();
  f.recovery_codes_left = *left;
  return f;
}

Status DropRecoveryCodesIfNoFactor(Services& s, int64_t user_id) {
  auto f = FactorsOf(s, user_id);
  if (!f.ok()) return f.status();
  if (f->any() || f->recovery_codes_left == 0) return Status::Ok();
  return s.store.mfa().ReplaceRecoveryCodes(user_id, {}, {});
}

StatusOr<json::object> MfaSummary(Services& s, int64_t user_id) {
  auto f = FactorsOf(s, user_id);
  if (!f.ok()) return f.status();
  return json::object{{"totp", f->totp},
                      {"passkeys", f->passkeys},
                      {"recovery_codes_left", f->recovery_codes_left}};
}

std::optional<ApiError> RequireSecondFactor(Services& s, const User& user, std::string_view first_factor) {
  auto f = FactorsOf(s, user.id);
  if (!f.ok()) return FromStatus(f.status());
  const bool must_enrol =
      !f->any() && s.settings.mfa_required_for_staff && (user.is_staff || user.is_superuser);
  if (!f->any() && !must_enrol) return std::nullopt;
  const std::string token = NewLinkToken(s.random);
  Status stored = s.store.mfa().InsertChallenge(MfaChallenge{
      .hash = Sha256Hex(token), .user_id = user.id,
      .expires_at = s.clock.NowSeconds() + kMfaTokenSeconds, .first_factor = std::string(first_factor)});
  if (!stored.ok()) return FromStatus(stored);
  if (must_enrol) {
    // No tokens at all, not even limited ones (a service that verifies authd's tokens would
    // not know the limit): the mfa_token opens enrolment (TOTP or a passkey), and nothing else.
    ApiError e = AuthenticationFailed("A second factor is required for staff accounts; enrol one.",
                                      "mfa_enrollment_required");
    e.body["mfa_token"] = token;
    return e;
  }
  ApiError e = AuthenticationFailed("Multi-factor authentication required.", "mfa_required");
  e.body["mfa_token"] = token;
  json::array methods;
  if (f->totp) methods.emplace_back("totp");
  if (f->recovery_codes_left > 0) methods.emplace_back("recovery_code");
  if (f->passkeys > 0) methods.emplace_back("webauthn");
  e.body["methods"] = std::move(methods);
  return e;
}

std::variant<User, ApiError> MfaTokenUser(Services& s, const json::object& data, std::string* first_factor) {
  FieldErrors errors;
  auto token = ReadCharField(data, "mfa_token", {.max_length = 256}, errors);
  if (!errors.empty()) return ValidationFailed(errors);
  auto challenge = s.store.mfa().FindChallenge(Sha256Hex(*token), s.clock.NowSeconds());
  if (!challenge.ok()) {
    if (challenge.status().code() == StatusCode::kNotFound) return MfaTokenInvalid();
    return FromStatus(challenge.status());
  }
  auto user = s.store.users().FindById(challenge->user_id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) return MfaTokenInvalid();
    return FromStatus(user.status());
  }
  if (!user->is_active) return MfaTokenInvalid();
  if (first_factor != nullptr) *first_factor = challenge->first_factor;
  return std::move(user).value();
}

std::variant<User, ApiError> EnrollingUser(Services& s, Request& request, const json::object& data) {
  if (request.has_authorization || !data.contains("mfa_token")) return AuthenticateBearer(request, s);
  auto user = MfaTokenUser(s, data);
  if (auto* error = std::get_if<ApiError>(&user)) return *error;
  const User& u = std::get<User>(user);
  auto f = FactorsOf(s, u.id);
  if (!f.ok()) return FromStatus(f.status());
  const bool enrolling = s.settings.mfa_required_for_staff && (u.is_staff || u.is_superuser) && !f->any();
  if (!enrolling) return MfaTokenInvalid();
  request.user_id = u.id;
  return user;
}

StatusOr<CodeKind> CheckSecondFactor(Services& s, const Request& request, int64_t user_id,
                                     std::string_view code) {
  const int64_t now = s.clock.NowSeconds();
  auto totp = s.store.mfa().FindTotp(user_id);
  if (!totp.ok()) return totp.status();
  if (totp->has_value() && (*totp)->confirmed) {
    auto secret = s.secret_box.Open((*totp)->sealed_secret);
    if (!secret.ok()) return secret.status();
    if (auto step = MatchTotp(*secret, code, now)) {
      auto accepted = s.store.mfa().AcceptTotpStep(user_id, *step);  // false: a replayed code
      if (!accepted.ok()) return accepted.status();
      return *accepted ? CodeKind::kTotp : CodeKind::kNone;
    }
  }
  const std::vector<AuditEvent> events = {
      RequestEvent(s.clock, request, "mfa.recovery_code_used", user_id)};
  auto spent = s.store.mfa().SpendRecoveryCode(user_id, RecoveryCodeHash(code), now, events);
  if (!spent.ok()) return spent.status();
  if (!*spent) return CodeKind::kNone;
  Logged(events);
  return CodeKind::kRecoveryCode;
}

void AddMfaRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/mfa/", [&s](Request& r) { return GetMfa(s, r); });
  router.Add("POST", "/api/mfa/totp/", [&s](Request& r) { return BeginTotp(s, r); });
  router.Add("DELETE", "/api/mfa/totp/", [&s](Request& r) { return RemoveTotp(s, r); });
  router.Add("POST", "/api/mfa/totp/confirm/", [&s](Request& r) { return ConfirmTotp(s, r); });
  router.Add("POST", "/api/mfa/recovery-codes/", [&s](Request& r) { return RenewCodes(s, r); });
  router.Add("POST", "/api/token/mfa/", [&s](Request& r) { return CompleteSignIn(s, r); });
  router.Add("POST", "/api/token/mfa/webauthn/options/",
             [&s](Request& r) { return PasskeyOptions(s, r); });
}

}  // namespace authd
