// The identities (OpenID providers' accounts) linked to a user: the user's own list and its
// removals, and staff's view of anyone's. Linking is a sign-in flow (api/oidc_api.cc).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/routes.h"
#include "util/time_format.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

std::string ProviderName(const Services& s, const std::string& id) {
  if (s.oidc != nullptr) {
    if (const Provider* p = s.oidc->Find(id)) return p->setting().name;
  }
  return id;  // a provider no longer configured: its identities stay until unlinked
}

json::object IdentityJson(const Services& s, const OidcIdentity& i) {
  json::object o{{"id", i.id},
                 {"provider", i.provider},
                 {"provider_name", ProviderName(s, i.provider)},
                 {"email", i.email},
                 {"created_at", FormatIsoUtc(i.created_at * 1'000'000)},
                 {"last_used_at", nullptr}};
  if (i.last_used_at) o["last_used_at"] = FormatIsoUtc(*i.last_used_at * 1'000'000);
  return o;
}

Response ListOf(const Services& s, const StatusOr<std::vector<OidcIdentity>>& identities) {
  if (!identities.ok()) return ToResponse(FromStatus(identities.status()));
  json::array out;
  for (const OidcIdentity& i : *identities) out.push_back(IdentityJson(s, i));
  return JsonResponse(200, out);
}

std::optional<int64_t> PathId(const Request& request) {
  if (request.path_params.empty()) return std::nullopt;
  return ParsePositiveId(request.path_params.front().second);
}

// GET /api/me/identities/.
asio::awaitable<Response> ListMine(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  co_return ListOf(s, s.store.oidc().List(std::get<User>(auth).id));
}

// DELETE /api/me/identities/{id}/: refused when it is the account's last way in (no usable
// password, no other identity, no passkey): the user would be locked out for good.
asio::awaitable<Response> Unlink(Services& s, Request& request) {
  auto auth = AuthenticateBearer(request, s);
  if (auto* error = std::get_if<ApiError>(&auth)) co_return ToResponse(*error);
  const User& user = std::get<User>(auth);
  const auto id = PathId(request);
  if (!id) co_return ToResponse(NotFoundError());
  auto done = co_await s.store_pool.Run([&]() -> std::variant<bool, ApiError> {
    auto identities = s.store.oidc().List(user.id);
    if (!identities.ok()) return FromStatus(identities.status());
    const OidcIdentity* target = nullptr;
    for (const OidcIdentity& i : *identities) {
      if (i.id == *id) target = &i;
    }
    if (target == nullptr) return NotFoundError();
    const bool password = !user.password_hash.empty() && user.password_hash.front() != '!';
    bool passkey = false;
    if (!password && identities->size() == 1 && s.settings.passkeys_enabled()) {
      auto passkeys = s.store.passkeys().List(user.id);
      if (!passkeys.ok()) return FromStatus(passkeys.status());
      passkey = !passkeys->empty();
    }
    if (!password && identities->size() == 1 && !passkey) {
      return Coded(409,
                   "This is the only way to sign in to this account. Set a password (reset it "
                   "by email) or add a passkey first.",
                   "last_sign_in_method");
    }
    const std::vector<AuditEvent> events = {RequestEvent(
        s.clock, request, "oidc.identity_unlinked", user.id, json::object{{"provider", target->provider}})};
    auto unlinked = s.store.oidc().Unlink(user.id, *id, events);
    if (!unlinked.ok()) return FromStatus(unlinked.status());
    if (!*unlinked) return NotFoundError();
    Logged(events);
    return true;
  });
  if (!done) co_return ToResponse(Unavailable(1));
  if (auto* error = std::get_if<ApiError>(&*done)) co_return ToResponse(*error);
  co_return NoContent();
}

// GET /api/admin/users/{id}/identities/ (staff).
asio::awaitable<Response> ListUsers(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  const auto id = PathId(request);
  if (!id) co_return ToResponse(NotFoundError());
  auto user = s.store.users().FindById(*id);
  if (!user.ok()) {
    co_return ToResponse(user.status().code() == StatusCode::kNotFound ? NotFoundError() : FromStatus(user.status()));
  }
  co_return ListOf(s, s.store.oidc().List(*id));
}

}  // namespace

void AddIdentityRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/me/identities/", [&s](Request& r) { return ListMine(s, r); });
  router.Add("DELETE", "/api/me/identities/{id}/", [&s](Request& r) { return Unlink(s, r); });
  router.Add("GET", "/api/admin/users/{id}/identities/", [&s](Request& r) { return ListUsers(s, r); });
}

}  // namespace authd
