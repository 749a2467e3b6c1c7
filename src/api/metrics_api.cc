// GET /metrics: Prometheus' text exposition of Metrics (metrics/metrics.h).
#include "api/routes.h"

namespace authd {

void AddMetricsRoute(Router& router, const Metrics& metrics) {
  router.Add("GET", "/metrics", [&metrics](Request&) -> boost::asio::awaitable<Response> {
    Response r;
    r.body = metrics.Render();
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.AddHeader("Cache-Control", "no-store");
    co_return r;
  });
}

}  // namespace authd
