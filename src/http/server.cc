#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "http/address_group.h"
#include "http/exchange.h"
#include "http/lingering_close.h"
#include "http/request_id.h"
#include "http/tls_context.h"
#include "logging/logging.h"
#include "runtime/byte_budget.h"
#include "runtime/concurrency_limiter.h"
#include "util/time_format.h"
#include "http/response_writer.h"

namespace authd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// Room for chunked framing beyond head and body: chunk-size lines, extensions and trailers.
constexpr size_t kFramingMargin = 16 * 1024;
// Answers up to this size are bounded by the connection cap alone (max_connections x 16 KiB);
// larger ones draw on ServerOptions::max_unsent_bytes.
constexpr size_t kUnbudgetedAnswerBytes = 16 * 1024;

// A refusal for want of room (a cap or the budget): the client may try again in a second.
Response RetryLater(int status, std::string_view detail) {
  Response r = ErrorAnswer(status, detail);
  r.AddHeader("Retry-After", "1");
  return r;
}

// The 308 a redirecting listener answers: the same target on the HTTPS port of the same host.
Response RedirectToHttps(const Request& request, std::string_view target, uint16_t port) {
  std::string host(request.host.substr(0, request.host.rfind(':')));
  if (request.host.starts_with('[')) host = request.host.substr(0, request.host.find(']') + 1);
  Response r = ErrorAnswer(308, "Use HTTPS.");
  r.AddHeader("Location", "https://" + host + (port == 443 ? "" : ":" + std::to_string(port)) +
                              std::string(target));
  return r;
}

}  // namespace

struct Server::Impl {
  // Per-connection state that the stop broadcast may touch (on the worker's own thread only).
  struct Connection {
    beast::tcp_stream* stream;
    bool idle;
  };

  struct Worker {
    asio::io_context ctx{1};
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::unordered_set<Connection*> connections;  // touched only on this worker's thread
    std::thread thread;
  };

  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        slots(options.max_connections_per_ip),
        unsent(options.max_unsent_bytes) {
    for (int i = 0; i < std::max(1, options.io_threads); ++i) {
      workers.push_back(std::make_unique<Worker>());
    }
  }

  asio::io_context& main_ctx() { return workers[0]->ctx; }

  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> Serve(Worker& w, tcp::socket socket, std::string client,
                              ConcurrencyLimiter::Slot slot);
  // The requests of one connection, plain (beast::tcp_stream) or TLS (TlsStream).
  template <typename Stream>
  asio::awaitable<void> ServeRequests(Worker& w, Stream& stream, const std::string& client);
  // Answers `status` to a connection over a cap, then closes it.
  asio::awaitable<void> RefuseConnection(tcp::socket socket, int status, std::string_view detail);
  void BeginStop();

  ServerOptions options;
  const Router& router;
  std::vector<std::unique_ptr<Worker>> workers;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::optional<asio::signal_set> hangups;  // SIGHUP: reload the TLS certificates
  void AwaitHangup();
  std::atomic<bool> stopping{false};
  // Connections per client address, counted by the socket's peer (X-Forwarded-For arrives
  // only after the connection is taken); trusted proxies carry many clients and are exempt.
  ConcurrencyLimiter slots;
  ByteBudget unsent;  // bytes of large answers written but not yet read by their clients
  std::atomic<int> connections{0};
  uint16_t bound_port = 0;

  std::mutex mu;
  std::condition_variable cv;
  bool stop_requested = false;  // GUARDED_BY(mu)
  int workers_done = 0;         // GUARDED_BY(mu)
};

asio::awaitable<void> Server::Impl::AcceptLoop() {
  size_t next = 0;
  asio::steady_timer backoff(main_ctx());
  while (!stopping) {
    Worker& w = *workers[next++ % workers.size()];
    auto [ec, socket] = co_await acceptor->async_accept(w.ctx, kAsTuple);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) co_return;
      // Out of file descriptors or similar: pause instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kAsTuple);
      continue;
    }
    beast::error_code peer_ec;
    std::string peer = socket.remote_endpoint(peer_ec).address().to_string();
    if (connections.fetch_add(1) >= options.max_connections) {
      connections.fetch_sub(1);
      asio::co_spawn(w.ctx, RefuseConnection(std::move(socket), 503, "Service temporarily unavailable."),
                     asio::detached);
      continue;
    }
    auto slot = options.trusted_proxies.Trusts(peer) ? ConcurrencyLimiter::Unlimited()
                                                     : slots.Acquire(AddressGroup(peer));
    if (!slot.acquired()) {
      connections.fetch_sub(1);
      asio::co_spawn(w.ctx,
                     RefuseConnection(std::move(socket), 429,
                                      "Too many connections from this address."),
                     asio::detached);
      continue;
    }
    asio::co_spawn(w.ctx, Serve(w, std::move(socket), std::move(peer), std::move(slot)),
                   asio::detached);
  }
}

asio::awaitable<void> Server::Impl::RefuseConnection(tcp::socket socket, int status,
                                                     std::string_view detail) {
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(std::chrono::seconds(1));
  const WireAnswer wire = SerializeResponse(RetryLater(status, detail), {.keep_alive = false});
  co_await asio::async_write(stream, asio::buffer(wire.head), kAsTuple);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

// `slot` is the connection's place under the per-address cap, held for the connection's life.
asio::awaitable<void> Server::Impl::Serve(Worker& w, tcp::socket socket, std::string client,
                                          [[maybe_unused]] ConcurrencyLimiter::Slot slot) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  // The kernel would grow each send buffer to 4 MiB for a client that does not read (Linux's
  // tcp_wmem); a few hundred such clients pushed the whole host into TCP memory pressure and
  // every other connection stalled. A fixed buffer stops the growth.
  if (options.socket_send_buffer > 0) {
    socket.set_option(asio::socket_base::send_buffer_size(options.socket_send_buffer), ec);
  }
  struct Leave {
    Impl* impl;
    ~Leave() { impl->connections.fetch_sub(1); }
  } leave{this};
  if (!options.tls) {
    beast::tcp_stream stream(std::move(socket));
    co_await ServeRequests(w, stream, client);
    co_return;
  }
  // The context current now serves this connection for life, whatever reloads come.
  const std::shared_ptr<asio::ssl::context> context = options.tls->current();
  TlsStream stream(beast::tcp_stream(std::move(socket)), *context);
  beast::get_lowest_layer(stream).expires_after(options.header_timeout);
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAsTuple);
  if (handshake_ec) {
    beast::get_lowest_layer(stream).socket().close(ec);
    co_return;
  }
  co_await ServeRequests(w, stream, client);
}

template <typename Stream>
asio::awaitable<void> Server::Impl::ServeRequests(Worker& w, Stream& stream,
                                                  const std::string& client) {
  constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  beast::tcp_stream& transport = beast::get_lowest_layer(stream);
  beast::error_code ec;
  // Everything one request may make this connection buffer: its head, its body and the
  // framing around them (chunk sizes, extensions, trailers), which Beast bounds by neither
  // limit. Past this the read fails with buffer_overflow instead of growing without end.
  beast::flat_buffer buffer(options.max_header_bytes + options.max_body_bytes + kFramingMargin);

  Connection self{&transport, true};
  w.connections.insert(&self);
  struct Leave {
    Worker& w;
    Connection* self;
    ~Leave() { w.connections.erase(self); }
  } leave{w, &self};

  // Whether a last answer was written: the close then lingers so the client can read it.
  bool answered = false;
  // Writes a last answer (a transport-level refusal); the connection then closes.
  auto refuse = [&](Response answer) -> asio::awaitable<void> {  // by value: kept in its frame
    const WireAnswer wire = SerializeResponse(answer, {.keep_alive = false});  // no static body
    transport.expires_after(options.write_timeout);
    auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(wire.head), kAsTuple);
    answered = !write_ec;
  };
  auto fail = [&](int status, std::string_view detail) { return refuse(ErrorAnswer(status, detail)); };

  std::array<char, 1024> first_bytes;  // a request's first read, while no buffer is held
  try {
    bool first_request = true;
    while (!stopping) {
      if (buffer.size() == 0) {
        // Waiting for a request. Until the first one is complete the header timeout applies,
        // so sockets that never send anything are not held for the keep-alive timeout. An
        // idle connection holds no read buffer (10,000 idle keep-alive connections held 8 KiB
        // each): the first bytes land in the coroutine's frame and are moved over.
        if (buffer.capacity() > 0) buffer.shrink_to_fit();
        self.idle = true;
        transport.expires_after(first_request ? options.header_timeout : options.keepalive_timeout);
        auto [read_ec, n] = co_await stream.async_read_some(asio::buffer(first_bytes), kAsTuple);
        self.idle = false;
        if (read_ec) break;
        buffer.commit(asio::buffer_copy(buffer.prepare(n), asio::buffer(first_bytes.data(), n)));
      }

      http::request_parser<http::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
      parser.body_limit(options.max_body_bytes);
      transport.expires_after(options.header_timeout);
      auto [head_ec, head_n] = co_await http::async_read_header(stream, buffer, parser, kAsTuple);
      if (head_ec) {
        if (head_ec == http::error::header_limit || head_ec == http::error::buffer_overflow) {
          co_await fail(431, "Request header fields too large.");
        } else if (head_ec == beast::error::timeout) {
          // tcp_stream has already closed the socket; like nginx, a slow client gets no answer.
        } else if (head_ec == http::error::body_limit) {
          co_await fail(413, "Request body too large.");
        } else if (head_ec != http::error::end_of_stream && head_ec != asio::error::eof &&
                   head_ec != asio::error::operation_aborted) {
          co_await fail(400, "Malformed request.");
        }
        break;
      }

      auto& req = parser.get();
      if (auto refused = RefuseFraming(req)) {
        co_await refuse(*refused);
        break;
      }
      if (parser.content_length() && *parser.content_length() > options.max_body_bytes) {
        co_await fail(413, "Request body too large.");
        break;
      }
      if (!parser.is_done()) {
        if (beast::iequals(req[http::field::expect], "100-continue")) {
          http::response<http::empty_body> cont{http::status::continue_, 11};
          co_await http::async_write(stream, cont, kAsTuple);
        }
        auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser, kAsTuple);
        if (body_ec) {
          if (body_ec == http::error::body_limit || body_ec == http::error::buffer_overflow) {
            co_await fail(413, "Request body too large.");
          } else if (body_ec != beast::error::timeout &&
                     body_ec != asio::error::operation_aborted) {
            co_await fail(400, "Malformed request.");
          }
          break;
        }
      }
      first_request = false;
      transport.expires_never();  // the handler may wait on the hashing pool

      const auto started = std::chrono::steady_clock::now();
      Request request = ViewRequest(req, client, options.trusted_proxies);
      request.request_id = AcceptOrMakeRequestId(req["X-Request-ID"]);
      request.public_url = options.public_url;
      request.tls = kTls;
      Response response;
      if (!options.allowed_hosts.Allows(request.host)) {
        response = ErrorAnswer(400, "Invalid Host header.");
      } else if (options.redirect_to_https_port != 0 && request.path != "/healthz" &&
                 request.path != "/readyz") {
        response = RedirectToHttps(request, req.target(), options.redirect_to_https_port);
      } else {
        response = co_await Dispatch(router, request);
      }
      options.cors.Decorate(request, response);
      if (kTls && options.hsts_max_age > 0) {
        response.AddHeader("Strict-Transport-Security",
                           "max-age=" + std::to_string(options.hsts_max_age));
      }
      response.AddHeader("X-Request-ID", request.request_id);
      const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - started);
      if (options.on_answer) options.on_answer(request, response, elapsed);
      if (options.access_log) {
        LogAccess({.request_id = request.request_id,
                   .method = request.method,
                   .route = request.route,
                   .status = response.status,
                   .duration = elapsed,
                   .user_id = request.user_id,
                   .client = request.client_address});
      }

      bool keep_alive = req.keep_alive() && !stopping;
      const WriteOptions how{.version = req.version() == 10 ? 10u : 11u,
                             .head_only = req.method() == http::verb::head,
                             .keep_alive = keep_alive};
      WireAnswer wire = SerializeResponse(response, how);
      // A large answer the client does not read stays in memory until the write times out:
      // past a small size it must fit in the budget all connections share, or the client gets
      // 503 instead (static bodies are not in the head: they stay in the binary, unpinned).
      auto held = wire.head.size() > kUnbudgetedAnswerBytes ? unsent.Reserve(wire.head.size())
                                                            : ByteBudget::Reservation::None();
      if (!held.ok()) {
        Response busy = RetryLater(503, "Service temporarily unavailable.");
        busy.AddHeader("X-Request-ID", request.request_id);
        wire = SerializeResponse(busy, {.version = how.version, .keep_alive = false});
        keep_alive = false;
      }
      transport.expires_after(options.write_timeout);
      const std::array<asio::const_buffer, 2> bytes{asio::buffer(wire.head), asio::buffer(wire.tail)};
      auto [write_ec, written] = co_await asio::async_write(stream, bytes, kAsTuple);
      if (write_ec) break;
      if (!keep_alive) {
        answered = true;
        break;
      }
    }
  } catch (const std::exception& e) {
    spdlog::error("connection from {} failed: {}", client, e.what());
  }
  if constexpr (kTls) {
    // close_notify, so the client knows the answer is whole; a client gone quiet gets a second.
    self.idle = true;
    transport.expires_after(std::chrono::seconds(1));
    co_await stream.async_shutdown(kAsTuple);
  }
  if (answered) {
    // Stop() may cancel it like an idle connection: nothing of ours is left to deliver.
    self.idle = true;
    co_await LingeringClose(transport);
  } else {
    transport.socket().shutdown(tcp::socket::shutdown_send, ec);
    transport.socket().close(ec);
  }
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() {
  Stop();
  for (auto& w : impl_->workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

Status Server::Bind() {
  auto& o = impl_->options;
  beast::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) return InvalidArgument("AUTHD_LISTEN: '" + o.host + "' is not an IP address");
  tcp::endpoint endpoint(address, o.port);
  tcp::acceptor acceptor(impl_->main_ctx());
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                       ec.message());
  }
  impl_->bound_port = acceptor.local_endpoint().port();
  impl_->acceptor.emplace(std::move(acceptor));
  return Status::Ok();
}

uint16_t Server::port() const { return impl_->bound_port; }

void Server::HandleSignals() {
  impl_->signals.emplace(impl_->main_ctx(), SIGINT, SIGTERM);
  impl_->signals->async_wait([this](const beast::error_code& ec, int signo) {
    if (ec) return;
    spdlog::info("received signal {}, shutting down", signo);
    Stop();
  });
  if (impl_->options.tls) {
    impl_->hangups.emplace(impl_->main_ctx(), SIGHUP);
    impl_->AwaitHangup();
  }
}

void Server::Impl::AwaitHangup() {
  hangups->async_wait([this](const beast::error_code& ec, int) {
    if (ec) return;
    // A certificate that does not load leaves the one in use serving: a renewal gone wrong
    // must not take HTTPS down.
    if (Status st = options.tls->Reload(); st.ok()) {
      spdlog::info("TLS: certificate reloaded; it expires at {}",
                   FormatIsoUtc(options.tls->not_after() * 1'000'000));
    } else {
      spdlog::error("TLS: reload refused, the certificate in use stays: {}", st.message());
    }
    AwaitHangup();
  });
}

void Server::Impl::BeginStop() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  if (acceptor) acceptor->close(ec);
  if (signals) signals->cancel(ec);
  if (hangups) hangups->cancel(ec);
  for (auto& w : workers) {
    asio::post(w->ctx, [worker = w.get()] {
      for (Connection* c : worker->connections) {
        if (c->idle) {
          beast::error_code ignored;
          c->stream->socket().cancel(ignored);
        }
      }
      worker->guard.reset();  // the worker's run() returns once its connections are done
    });
  }
}

void Server::Run() {
  Impl& impl = *impl_;
  for (auto& w : impl.workers) w->guard.emplace(w->ctx.get_executor());
  asio::co_spawn(impl.main_ctx(), impl.AcceptLoop(), asio::detached);
  for (auto& w : impl.workers) {
    w->thread = std::thread([&impl, worker = w.get()] {
      worker->ctx.run();
      std::lock_guard lock(impl.mu);
      ++impl.workers_done;
      impl.cv.notify_all();
    });
  }
  {
    std::unique_lock lock(impl.mu);
    impl.cv.wait(lock, [&] { return impl.stop_requested; });
    const bool drained = impl.cv.wait_for(lock, impl.options.shutdown_grace, [&] {
      return impl.workers_done == static_cast<int>(impl.workers.size());
    });
    if (!drained) {
      spdlog::warn("shutdown grace period over; closing remaining connections");
      for (auto& w : impl.workers) w->ctx.stop();
    }
  }
  for (auto& w : impl.workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void Server::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stop_requested) return;
    impl_->stop_requested = true;
  }
  asio::post(impl_->main_ctx(), [impl = impl_.get()] { impl->BeginStop(); });
  impl_->cv.notify_all();
}

}  // namespace authd
