// The HTTP/1.1 server: Boost.Beast over Asio with C++20 coroutines.
//
// One io_context and thread per I/O worker; one acceptor hands each new connection to the
// next worker, and the connection stays on that thread for life (no locks on the request path).
// Limits, each with a JSON answer: head over 8 KiB -> 431, body over the limit -> 413 before it is
// read (and a connection never buffers more than head + body + a small margin for chunked
// framing, whatever the framing), malformed or ambiguously framed (Content-Length together
// with Transfer-Encoding) or naming a host that is not allowed -> 400; each closes the connection, lingering so the client reads
// the answer (lingering_close.h). Over the connection cap a new connection gets 503, over
// the cap per client address 429, and is closed. A head or body that is not received within
// the header timeout, a new connection that sends no request within it, and an idle
// keep-alive connection, are closed without an answer (as nginx does).
//
// Stop() (or SIGTERM/SIGINT after HandleSignals()) stops accepting, closes idle connections,
// lets in-flight requests finish and be answered, and returns from Run() once all are done
// or the grace period has passed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/allowed_hosts.h"
#include "http/cors.h"
#include "http/router.h"
#include "http/trusted_proxies.h"
#include "util/status.h"

namespace authd {

class TlsCertificates;  // http/tls_context.h

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8000;  // 0 picks a free port; see Server::port()
  int io_threads = 1;
  int max_connections = 16384;
  int max_connections_per_ip = 0;  // per client address (AddressGroup); 0: no cap
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds keepalive_timeout{60};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds shutdown_grace{10};
  size_t max_header_bytes = 8192;
  size_t max_body_bytes = 1 << 20;
  // Answers over 16 KiB waiting for slow clients to read them may hold this much in total;
  // past it a request gets 503 (compiled-in files are sent from the binary and never count).
  size_t max_unsent_bytes = 64 << 20;
  // SO_SNDBUF of each connection (the kernel doubles it); 0: the kernel's autotuning.
  int socket_send_buffer = 64 << 10;
  TrustedProxies trusted_proxies;  // whose X-Forwarded-For names the client
  Cors cors;                       // off unless origins are listed
  AllowedHosts allowed_hosts;      // other Host headers get 400; every host by default
  std::string public_url;          // the base of links handed out; empty: from the Host header
  // Called with every dispatched request and its answer (for metrics), on the I/O thread.
  std::function<void(const Request&, const Response&, std::chrono::microseconds)> on_answer;
  bool access_log = true;  // one log line per request (the metrics listener has none)
  // HTTPS with these certificates (reloaded on SIGHUP once HandleSignals() ran); null: HTTP.
  std::shared_ptr<TlsCertificates> tls;
  int64_t hsts_max_age = 0;  // over TLS, Strict-Transport-Security: max-age=N when N > 0
  // A plain listener that only sends clients to HTTPS: 308 to https://{host}{:port}{target}
  // for every request but the health checks (/healthz, /readyz). 0: not such a listener.
  uint16_t redirect_to_https_port = 0;
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Opens the listening socket. Unavailable (with the reason) when it cannot.
  Status Bind();
  // The bound port (useful after binding port 0).
  uint16_t port() const;
  // Stops on SIGTERM or SIGINT.
  void HandleSignals();
  // Serves until stopped and drained. REQUIRES: Bind() succeeded.
  void Run();
  // Begins a graceful stop. Safe from any thread, more than once.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace authd
