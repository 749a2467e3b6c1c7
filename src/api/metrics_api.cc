// GET /metrics: Prometheus' text exposition of Metrics (metrics/metrics.h).
#include "api/routes.h"
#include "http/exchange.h"

namespace authd {

void AddMetricsRoute(Router& router, const Metrics& metrics, const TrustedProxies* allowed) {
  router.Add("GET", "/metrics", [&metrics, allowed](Request& request) -> boost::asio::awaitable<Response> {
    if (allowed != nullptr && (!allowed->Trusts(request.peer_address) ||
                               !allowed->Trusts(request.client_address))) {
      co_return ErrorAnswer(404, "Not found.");
    }
    Response r;
    r.body = metrics.Render();
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.AddHeader("Cache-Control", "no-store");
    co_return r;
  });
}

}  // namespace authd
