#include "api/offload.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>

#include "api/api_error.h"

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

}  // namespace authd
