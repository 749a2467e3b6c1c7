// GET /healthz and GET /readyz: for load balancers and orchestrators.
// /healthz says the process serves HTTP at all (it touches nothing else), so a database outage
// does not get healthy instances restarted. /readyz says whether this instance can do its job
// now: the store answers and its schema is the one this authd writes. A balancer sends
// traffic elsewhere while it is 503.
#include <boost/json/object.hpp>

#include "api/api_error.h"
#include "api/routes.h"
#include "http/tls_context.h"
#include "util/time_format.h"

namespace authd {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;

asio::awaitable<Response> Health(Request&) {
  co_return JsonResponse(200, json::object{{"status", "ok"}});
}

asio::awaitable<Response> Ready(Services& s, Request&) {
  auto version = s.store.SchemaVersion();
  json::object body;
  if (!version.ok()) {
    body["status"] = "not ready";
    body["detail"] = "The database is unavailable.";
  } else if (*version != kSchemaVersion) {
    body["status"] = "not ready";
    body["detail"] = "The database schema is at version " + std::to_string(*version) +
                     ", not " + std::to_string(kSchemaVersion) + ".";
  } else {
    body["status"] = "ready";
    body["schema_version"] = *version;
    if (s.tls != nullptr) body["tls_certificate_expires_at"] = FormatIsoUtc(s.tls->not_after() * 1'000'000);
    co_return JsonResponse(200, body);
  }
  Response r = JsonResponse(503, body);
  r.AddHeader("Retry-After", "1");
  r.AddHeader("Cache-Control", "no-store");
  co_return r;
}

}  // namespace

void AddReadinessRoute(Router& router, Services& s) {
  router.Add("GET", "/readyz", [&s](Request& r) { return Ready(s, r); });
}

void AddLivenessRoute(Router& router) {
  router.Add("GET", "/healthz", [](Request& r) { return Health(r); });
}

}  // namespace authd
