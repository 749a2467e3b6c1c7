// simplejwt's views: obtain a pair, refresh, verify any token, blacklist (logout). The token
// lifecycle itself (records, rotation, reuse detection) is SessionService's.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <mutex>

#include "api/audit_trail.h"
#include "audit/sampler.h"
#include "api/fields.h"
#include "api/login_name.h"
#include "api/second_factor.h"
#include "api/signed_in.h"
#include "api/token_flows.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "http/address_group.h"
#include "util/random.h"
#include "util/unicode.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// A hash to verify against when the username is unknown, so that answering "no such user"
// takes as long as answering "wrong password" (no user enumeration by timing).
class DummyHash {
 public:
  const std::string& Get(const PasswordHasher& hasher) {
    std::call_once(once_, [&] {
      OsRandom random;
      hash_ = hasher.Hash(random.Hex(16));
    });
    return hash_;
  }

 private:
  std::once_flag once_;
  std::string hash_;
};

ClientInfo ClientOf(const Request& request) {
  return {.user_agent = request.user_agent, .address = request.client_address};
}

// The refresh token of a request body: simplejwt reads "refresh"; the original README sent
// "refresh_token". Either is read under simplejwt's name (so errors name "refresh").
std::optional<std::string> ReadRefreshField(const json::object& data, FieldErrors& errors) {
  json::object fields;
  if (const json::value* v = data.if_contains("refresh")) {
    fields["refresh"] = *v;
  } else if (const json::value* alias = data.if_contains("refresh_token")) {
    fields["refresh"] = *alias;
  }
  return ReadCharField(fields, "refresh", {}, errors);
}

// token.reuse_detected, when a refusal was one: a stolen token, or a client that kept one.
Status RecordReuse(Services& s, const Request& request, const SessionFailure& failure) {
  if (failure.reused_by == 0) return Status::Ok();
  AuditEvent e = RequestEvent(s.clock, request, "token.reuse_detected", failure.reused_by,
                              json::object{{"revoked", failure.revoked}});
  e.outcome = "failure";
  e.actor = "anonymous";  // whoever presented it
  return Record(s, e);
}

Response TokenResponse(const json::object& body) {
  Response r = JsonResponse(200, body);
  r.AddHeader("Cache-Control", "no-store");  // RFC 6749 section 5.1
  return r;
}

asio::awaitable<Response> ObtainPair(Services& s, DummyHash& dummy, EventSampler& throttled,
                                     Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto typed = ReadCharField(*data, "username", {}, errors);
  auto password =
      ReadCharField(*data, "password", {.max_bytes = s.settings.max_password_bytes}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  // Counters are kept under the normal form, so "ａｄｍｉｎ" and "admin" share them.
  const std::string username = NormalizeNfkc(*typed);

  // Brute-force protection comes before the account is even looked up, and long before any
  // hashing: a throttled guess costs one indexed read. Addresses count as groups (an IPv6
  // client's /64), since one subscriber may hold a whole /64.
  const std::string address = AddressGroup(request.client_address);
  auto attempt = s.login_throttle.Begin(username, address);
  if (!attempt.ok()) co_return ToResponse(FromStatus(attempt.status()));
  if (attempt->blocked()) {
    s.metrics.Throttled("login");
    // Who was asked for is not looked up (a throttled guess costs one read): no subject.
    // One record per address a minute, so recording does not become a flood's cost.
    if (throttled.Take(address, s.clock.NowSeconds())) {
      (void)co_await s.store_pool.Run([&] {
        return Record(s, Failed(s, request, std::nullopt, "throttled"));
      });
    }
    co_return ToResponse(Throttled(attempt->wait_seconds()));
  }
  // One address may have only so many hashing jobs under way, so it cannot deny logins to
  // everyone else by filling the pool (random unknown names are never throttled per account).
  auto share = s.hashing_per_address.Acquire(address);
  if (!share.acquired()) {
    s.metrics.Throttled("hashing");
    co_return ToResponse(Throttled(1));
  }

  auto found = FindByLoginName(s.store.users(), *typed, s.settings.login_by_email);
  if (!found.ok() && found.status().code() != StatusCode::kNotFound) {
    co_return ToResponse(FromStatus(found.status()));
  }
  std::optional<User> user;
  if (found.ok()) user = std::move(found).value();

  struct Check {
    bool valid = false;
    std::string rehashed;  // a new hash when the stored one used weaker parameters
    std::chrono::microseconds cost{0};  // of the verification alone
  };
  auto check = co_await s.hash_pool.Run([&] {
    Check c;
    const auto started = std::chrono::steady_clock::now();
    // No user, or one whose password can never match (Django's unusable "!..." passwords):
    // verify against the dummy hash, so the work done is a real verification's.
    if (!user || user->password_hash.empty() || user->password_hash.front() == '!') {
      (void)s.hasher.Verify(dummy.Get(s.hasher), *password);
    } else {
      c.valid = s.hasher.Verify(user->password_hash, *password);
    }
    c.cost = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (c.valid && s.hasher.NeedsRehash(user->password_hash)) c.rehashed = s.hasher.Hash(*password);
    return c;
  });
  if (!check) co_return ToResponse(Unavailable(1));
  s.failure_floor.Observe(check->cost);
  // An inactive user is refused after the password check, so timing does not tell them apart.
  // An inactive account counts as a failure too: the throttle must not reveal that a password
  // was right.
  if (!check->valid || !user->is_active) {
    // Recorded against the account only when the password was right for it or it exists
    // (never a typed username: it may be a password typed in the wrong field).
    std::optional<int64_t> subject;
    if (user) subject = user->id;
    const char* reason = check->valid ? "inactive" : "bad_credentials";
    auto counted = co_await s.store_pool.Run([&]() -> Status {
      AUTHD_RETURN_IF_ERROR(s.login_throttle.RecordFailure(username, address));
      return Record(s, Failed(s, request, subject, reason));
    });
    if (!counted) co_return ToResponse(Unavailable(1));
    if (!counted->ok()) co_return ToResponse(FromStatus(*counted));
    // Every failure takes as long as the slowest verification seen (an imported legacy hash
    // costs more than the dummy): a timer, not more hashing.
    if (const auto pad = s.failure_floor.floor() - check->cost; pad.count() > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor, pad);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    s.metrics.LoginFailed();
    co_return ToResponse(
        AuthenticationFailed("No active account found with the given credentials", std::nullopt));
  }
  // AUTHD_REQUIRE_VERIFIED_EMAIL: the right password, but the address is not proven yet. Staff
  // and superusers are exempt: `authd createsuperuser` makes them without a mail round.
  if (s.settings.require_verified_email && !user->email_verified && !user->is_staff &&
      !user->is_superuser) {
    (void)co_await s.store_pool.Run(
        [&] { return Record(s, Failed(s, request, user->id, "email_not_verified")); });
    co_return ToResponse(
        AuthenticationFailed("Email address is not verified.", "email_not_verified"));
  }
  // A second factor: no tokens on the password alone, an mfa_token for /api/token/mfa/.
  auto second = co_await s.store_pool.Run([&] {
    auto required = RequireSecondFactor(s, *user);
    // The password was right: its stronger hash is kept even though no tokens come yet.
    if (required && !check->rehashed.empty()) {
      (void)s.store.users().SetPasswordHash(user->id, check->rehashed);
    }
    return required;
  });
  if (!second) co_return ToResponse(Unavailable(1));
  if (*second) co_return ToResponse(**second);
  // The writes (new hash, last login, the refresh token's record) each wait for a flush; the
  // sign-in's event commits with the record.
  const ClientInfo client = ClientOf(request);
  const std::vector<AuditEvent> signed_in = {SignedInEvent(s, request, user->id, "password")};
  auto pair = co_await s.store_pool.Run([&]() -> StatusOr<IssuedPair> {
    if (attempt->had_failures()) {
      AUTHD_RETURN_IF_ERROR(s.login_throttle.RecordSuccess(username, address));
    }
    if (!check->rehashed.empty()) {
      AUTHD_RETURN_IF_ERROR(s.store.users().SetPasswordHash(user->id, check->rehashed));
    }
    if (s.settings.update_last_login) {
      AUTHD_RETURN_IF_ERROR(s.store.users().SetLastLogin(user->id, s.clock.NowMicros()));
    }
    return s.sessions.Login(user->id, client, {}, signed_in);
  });
  if (!pair) co_return ToResponse(Unavailable(1));
  if (!pair->ok()) co_return ToResponse(FromStatus(pair->status()));
  auto& issued = pair->value();
  Logged(signed_in);
  co_return SignedIn(s, request, user->id, issued);
}

asio::awaitable<Response> Refresh(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto token = ReadRefreshField(*data, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  co_return co_await RefreshWith(s, request, *token);
}

}  // namespace

asio::awaitable<Response> RefreshWith(Services& s, Request& request, const std::string& token) {
  const ClientInfo client = ClientOf(request);
  auto refresh = [&] { return s.sessions.Refresh(token, client); };
  // Without rotation a refresh only reads (last use is written once a minute), so it stays
  // on the I/O thread. A rotation waits for a flush: it goes to the store pool, where
  // concurrent rotations share one commit.
  // (Not a ?: with co_await in one arm: built by GCC 12, that crashed with "free(): invalid
  // pointer" on the first refresh.)
  std::optional<decltype(refresh())> pooled;
  if (s.settings.rotate_refresh_tokens) {
    pooled = co_await s.store_pool.Run(refresh);
    if (!pooled) co_return ToResponse(Unavailable(1));
  } else {
    pooled.emplace(refresh());
  }
  auto& answer = *pooled;
  if (!answer.ok()) {
    CountRefusal(s, answer.error());
    if (Status st = RecordReuse(s, request, answer.error()); !st.ok()) co_return ToResponse(FromStatus(st));
    co_return ToResponse(FromSessionFailure(answer.error()));
  }
  s.metrics.TokenIssued("access");
  if (answer->refresh) s.metrics.TokenIssued("refresh");
  json::object body;
  body["access"] = answer->access;
  if (answer->refresh) body["refresh"] = *answer->refresh;
  co_return TokenResponse(body);
}

namespace {

asio::awaitable<Response> Verify(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto token = ReadCharField(*data, "token", {}, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  auto claims = s.sessions.Verify(*token);
  if (!claims.ok()) {
    CountRefusal(s, claims.error());
    co_return ToResponse(FromSessionFailure(claims.error()));
  }
  co_return JsonResponse(200, json::object{});
}

asio::awaitable<Response> Blacklist(Services& s, Request& request) {
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto token = ReadRefreshField(*data, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  co_return co_await BlacklistWith(s, request, *token);
}

}  // namespace

asio::awaitable<Response> BlacklistWith(Services& s, Request& request, const std::string& token) {
  // Recorded with the logout, about whoever the token names.
  const AuditEvent logout = RequestEvent(s.clock, request, "logout", std::nullopt);
  auto done = s.sessions.Blacklist(token, logout);
  if (!done.ok()) {
    CountRefusal(s, done.error());
    if (Status st = RecordReuse(s, request, done.error()); !st.ok()) co_return ToResponse(FromStatus(st));
    co_return ToResponse(FromSessionFailure(done.error()));
  }
  if (const std::optional<int64_t> user_id = *done) {
    request.user_id = *user_id;
    AuditEvent logged = logout;
    logged.subject_user_id = *user_id;
    logged.actor = std::to_string(*user_id);
    LogEvent(logged);
  }
  co_return JsonResponse(200, json::object{});
}

namespace {

// GET /.well-known/jwks.json: the public keys that verify our tokens (none for HS256).
// The keys change only on restart, so the answer is built once and may be cached briefly:
// after a key rotation, verifiers see the new key within max-age.
Response Jwks(const std::string& body) {
  Response r;
  r.body = body;
  r.AddHeader("Cache-Control", "public, max-age=300");
  return r;
}

}  // namespace

void AddTokenRoutes(Router& router, Services& s) {
  auto jwks = std::make_shared<const std::string>(json::serialize(s.tokens.Jwks()));
  router.Add("GET", "/.well-known/jwks.json", [jwks](Request&) -> asio::awaitable<Response> {
    co_return Jwks(*jwks);
  });
  auto dummy = std::make_shared<DummyHash>();
  auto throttled = std::make_shared<EventSampler>(60, 100'000);
  router.Add("POST", "/api/token/", [&s, dummy, throttled](Request& r) {
    return ObtainPair(s, *dummy, *throttled, r);
  });
  router.Add("POST", "/api/token/refresh/", [&s](Request& r) { return Refresh(s, r); });
  router.Add("POST", "/api/token/verify/", [&s](Request& r) { return Verify(s, r); });
  router.Add("POST", "/api/token/blacklist/", [&s](Request& r) { return Blacklist(s, r); });
}

}  // namespace authd
