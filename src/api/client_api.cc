// The applications that sign users in through authd, for staff: /api/admin/clients/ (what
// `authd clients` does from the command line; both go through oauth/clients.h).
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/audit_trail.h"
#include "api/authenticator.h"
#include "api/fields.h"
#include "api/request_data.h"
#include "api/routes.h"
#include "oauth/clients.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

// GET /api/admin/clients/: every client, oldest first (never a secret or its hash).
asio::awaitable<Response> ListClients(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  auto clients = s.store.clients().List();
  if (!clients.ok()) co_return ToResponse(FromStatus(clients.status()));
  json::array out;
  for (const OAuthClient& c : *clients) out.push_back(ClientJson(c));
  co_return JsonResponse(200, out);
}

// redirect_uris: a JSON array of strings, or one string (a form field).
std::vector<std::string> ReadUris(const json::object& data, FieldErrors& errors) {
  std::vector<std::string> uris;
  const json::value* v = data.if_contains("redirect_uris");
  if (v == nullptr) {
    errors.Add("redirect_uris", "This field is required.");
  } else if (v->is_string()) {
    uris.emplace_back(v->as_string());
  } else if (v->is_array()) {
    for (const json::value& u : v->as_array()) {
      if (!u.is_string()) {
        errors.Add("redirect_uris", "Each must be a string.");
        return {};
      }
      uris.emplace_back(u.as_string());
    }
  } else {
    errors.Add("redirect_uris", "A list of URIs is required.");
  }
  return uris;
}

// POST /api/admin/clients/ {name, redirect_uris, public, first_party}: 201 with the client and,
// for a confidential one, its client_secret (shown only now).
asio::awaitable<Response> AddClient(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  auto data = RequestData(request);
  if (!data.ok()) co_return ToResponse(data.error());
  FieldErrors errors;
  auto name = ReadCharField(*data, "name", {.max_length = 100}, errors);
  std::vector<std::string> uris = ReadUris(*data, errors);
  auto is_public = ReadBoolField(*data, "public", false, errors);
  auto first_party = ReadBoolField(*data, "first_party", false, errors);
  if (!errors.empty()) co_return ToResponse(ValidationFailed(errors));
  auto added = MakeClient({.name = *name, .redirect_uris = std::move(uris), .is_public = *is_public,
                           .first_party = *first_party},
                          s.random, s.clock.NowSeconds());
  if (!added.ok()) {
    // MakeClient names the field first: "redirect_uris: ...".
    const std::string message(added.status().message());
    const size_t colon = message.find(':');
    co_return ToResponse(ValidationFailed(message.substr(0, colon), message.substr(colon + 2)));
  }
  const std::vector<AuditEvent> events = {RequestEvent(
      s.clock, request, "client.added", std::nullopt,
      json::object{{"client_id", added->client.client_id}, {"name", added->client.name}})};
  auto stored = co_await s.store_pool.Run([&] { return s.store.clients().Insert(added->client, events); });
  if (!stored) co_return ToResponse(Unavailable(1));
  if (!stored->ok()) co_return ToResponse(FromStatus(*stored));
  Logged(events);
  json::object out = ClientJson(added->client);
  if (!added->secret.empty()) out["client_secret"] = added->secret;
  Response r = JsonResponse(201, out);
  r.AddHeader("Cache-Control", "no-store");
  co_return r;
}

// DELETE /api/admin/clients/{client_id}/.
asio::awaitable<Response> RemoveClient(Services& s, Request& request) {
  auto admin = RequireStaff(request, s);
  if (auto* error = std::get_if<ApiError>(&admin)) co_return ToResponse(*error);
  const std::string& client_id = request.path_params.at(0).second;
  const std::vector<AuditEvent> events = {RequestEvent(s.clock, request, "client.removed", std::nullopt,
                                                       json::object{{"client_id", client_id}})};
  auto removed = co_await s.store_pool.Run([&] { return s.store.clients().Delete(client_id, events); });
  if (!removed) co_return ToResponse(Unavailable(1));
  if (!removed->ok()) co_return ToResponse(FromStatus(removed->status()));
  if (!**removed) co_return ToResponse(NotFoundError());
  Logged(events);
  co_return NoContent();
}

}  // namespace

void AddClientRoutes(Router& router, Services& s) {
  router.Add("GET", "/api/admin/clients/", [&s](Request& r) { return ListClients(s, r); });
  router.Add("POST", "/api/admin/clients/", [&s](Request& r) { return AddClient(s, r); });
  router.Add("DELETE", "/api/admin/clients/{client_id}/", [&s](Request& r) { return RemoveClient(s, r); });
}

}  // namespace authd
