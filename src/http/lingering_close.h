// Closing a connection without destroying the answer just written to it.
//
// Closing a socket whose receive queue still holds unread bytes makes the kernel send a
// reset, and a reset discards whatever the client had not yet read: a client that writes its
// whole request before reading (an oversized body, a pipelined burst) would see a broken pipe
// instead of our 413. So, as RFC 9112 section 9.6 advises and nginx's lingering_close does,
// half-close first, then read and discard what still arrives, for a bounded time and size,
// and only then close.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstddef>

namespace authd {

struct LingerLimits {
  std::chrono::milliseconds total{5000};  // the longest a closing connection is kept
  size_t max_bytes = 64u << 20;           // discarded before closing regardless
};

// Half-closes `stream`, discards until the client closes or a limit is reached, then closes.
boost::asio::awaitable<void> LingeringClose(boost::beast::tcp_stream& stream,
                                            LingerLimits limits = {});

}  // namespace authd
