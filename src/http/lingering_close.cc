#include "http/lingering_close.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>

namespace authd {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<void> LingeringClose(boost::beast::tcp_stream& stream, LingerLimits limits) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (!ec) {
    // One timer for the whole linger: a client trickling bytes cannot extend it.
    stream.expires_after(limits.total);
    std::array<char, 16384> sink;
    size_t discarded = 0;
    while (discarded < limits.max_bytes) {
      auto [read_ec, n] =
          co_await stream.async_read_some(asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
      if (read_ec) break;  // the client closed, the timer closed the socket, or a reset
      discarded += n;
    }
  }
  stream.socket().close(ec);
}

}  // namespace authd
