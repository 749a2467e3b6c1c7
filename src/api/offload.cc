#include "api/offload.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>
#include <optional>

#include "api/api_error.h"
#include "store/memory_only.h"

namespace authd {

namespace asio = boost::asio;

Handler OffloadToStorePool(Services& s, Handler handler,
                           std::shared_ptr<std::atomic<int>> in_flight, bool memory_first) {
  return [&s, handler = std::move(handler), in_flight,
          memory_first](Request& r) -> asio::awaitable<Response> {
    if (memory_first) {
      std::optional<Response> answer;
      {
        MemoryOnly scope;
        // The handler never suspends (see routes.cc), so this runs to its end right here and
        // no other coroutine of this thread runs inside the scope.
        answer = co_await handler(r);
        if (scope.missed()) answer.reset();
      }
      if (answer) co_return std::move(*answer);
    }
    if (in_flight->fetch_add(1) >= s.settings.store_queue) {
      in_flight->fetch_sub(1);
      co_return ToResponse(Unavailable(1));
    }
    struct Leave {
      std::atomic<int>& n;
      ~Leave() { n.fetch_sub(1); }
    } leave{*in_flight};
    if (!memory_first) {
      co_return co_await asio::co_spawn(s.store_pool.executor(), handler(r), asio::use_awaitable);
    }
    // What the pool's thread reads goes into its part of the cache; replayed here, so the next
    // request on this I/O thread finds it in memory.
    std::vector<std::function<void()>> fills;
    Response answer = co_await asio::co_spawn(
        s.store_pool.executor(),
        [&]() -> asio::awaitable<Response> {
          CacheFills scope;  // the handler never suspends: one thread throughout
          Response out = co_await handler(r);
          fills = scope.Take();
          co_return out;
        },
        asio::use_awaitable);
    for (const auto& fill : fills) fill();
    co_return answer;
  };
}

}  // namespace authd
