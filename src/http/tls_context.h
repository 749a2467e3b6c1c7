// The server's TLS configuration (OpenSSL through Asio's ssl::context), reloadable while
// serving: each connection takes the context current when it is accepted and keeps it for
// life, so a reload (SIGHUP) changes what new connections get and drops no connection. A new
// certificate that does not load is refused and the old one stays.
//
// Mozilla's "intermediate" profile: TLS 1.2 and 1.3 only; for 1.2 only ECDHE and DHE suites
// with AEAD ciphers (forward secrecy only); no server cipher preference (clients pick, as the
// profile advises now that every suite offered is strong); curves X25519, P-256, P-384; ALPN
// http/1.1; session tickets with rotating keys (ticket_keys.h); OCSP stapling from a DER response file when one is given.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "http/ticket_keys.h"
#include "util/status.h"

namespace authd {

struct TlsFiles {
  std::string cert_file;  // PEM: the certificate, then any intermediates (fullchain.pem)
  std::string key_file;   // PEM: its private key (privkey.pem)
  std::string ocsp_file;  // DER OCSP response to staple; empty: no stapling
};

class TlsCertificates {
 public:
  // Loads the files; InvalidArgument naming what is wrong with them. Session tickets are
  // sealed with `tickets`' keys, in this context and every one a reload builds.
  static StatusOr<std::unique_ptr<TlsCertificates>> Load(TlsFiles files,
                                                         std::shared_ptr<TicketKeys> tickets);

  // The context for a new connection.
  std::shared_ptr<boost::asio::ssl::context> current() const;
  // Reads the files again. On failure the context in use stays, and the error says why.
  Status Reload();
  // When the certificate in use expires, in seconds since the epoch.
  int64_t not_after() const;

 private:
  TlsCertificates(TlsFiles files, std::shared_ptr<TicketKeys> tickets)
      : files_(std::move(files)), tickets_(std::move(tickets)) {}
  struct Loaded {
    std::shared_ptr<boost::asio::ssl::context> context;
    int64_t not_after = 0;
  };
  static StatusOr<Loaded> Build(const TlsFiles& files, TicketKeys& tickets);

  const TlsFiles files_;
  const std::shared_ptr<TicketKeys> tickets_;
  mutable std::mutex mu_;
  Loaded loaded_;  // GUARDED_BY(mu_)
};

}  // namespace authd
