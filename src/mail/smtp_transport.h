// SMTP through libcurl: AUTHD_SMTP_URL (smtp:// with STARTTLS, smtps:// with TLS from the
// first byte), AUTHD_SMTP_TLS and AUTHD_SMTP_CA_FILE. One connection per message: mail is
// rare next to logins, and a fresh connection never trips over a server's idle timeout.
#pragma once

#include <memory>
#include <string>

#include "mail/transport.h"
#include "util/status.h"

namespace authd {

enum class SmtpTls {
  kAuto,      // STARTTLS required, except to a loopback host, where it is used when offered
  kRequired,  // STARTTLS required, whatever the host
  kOff,       // never (a trusted relay on a private network)
};

struct SmtpOptions {
  std::string url;      // smtp://[user:password@]host[:port] or smtps://...
  SmtpTls tls = SmtpTls::kAuto;
  std::string ca_file;  // PEM file of the CA to trust instead of the system's; "" for those
  long timeout_seconds = 20;  // a whole send: mail is small; the outbox lease must outlast it
};

class SmtpTransport final : public MailTransport {
 public:
  // InvalidArgument when the URL is not an smtp:// or smtps:// URL with a host.
  static StatusOr<std::unique_ptr<SmtpTransport>> Create(SmtpOptions options);
  Status Send(std::string_view from, std::string_view to, std::string_view message) override;
  std::string Describe() const override;

 private:
  SmtpTransport(SmtpOptions options, std::string host, bool implicit_tls, bool loopback);
  const SmtpOptions options_;
  const std::string host_;
  const bool implicit_tls_;
  const bool loopback_;
};

// Whether `host` (as a URL spells it) is this machine: localhost, 127.0.0.0/8 or ::1.
bool IsLoopbackHost(std::string_view host);

}  // namespace authd
