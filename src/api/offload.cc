#include "api/offload.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>

#include "api/api_error.h"
#include "api/routes.h"

namespace authd {

namespace asio = boost::asio;

Handler OffloadToStorePool(Services& s, Handler handler,
                           std::shared_ptr<std::atomic<int>> in_flight) {
  return [&s, handler = std::move(handler), in_flight](Request& r) -> asio::awaitable<Response> {
    if (in_flight->fetch_add(1) >= s.settings.store_queue) {
      in_flight->fetch_sub(1);
      co_return ToResponse(Unavailable(1));
    }
    struct Leave {
      std::atomic<int>& n;
      ~Leave() { n.fetch_sub(1); }
    } leave{*in_flight};
    co_return co_await asio::co_spawn(s.store_pool.executor(), handler(r), asio::use_awaitable);
  };
}

void AddAllRoutes(Router& router, Services& services) {
  AddAccountRoutes(router, services);
  AddTokenRoutes(router, services);
  AddSessionRoutes(router, services);
  AddAdminRoutes(router, services);
  AddReadinessRoute(router, services);
  if (!services.store.local()) {
    auto in_flight = std::make_shared<std::atomic<int>>(0);
    router.WrapAll([&services, in_flight](Handler h) {
      return OffloadToStorePool(services, std::move(h), in_flight);
    });
  }
  AddLivenessRoute(router);  // after the wrapping: never offloaded
  if (services.settings.metrics_listen.empty()) AddMetricsRoute(router, services.metrics);
}

}  // namespace authd
