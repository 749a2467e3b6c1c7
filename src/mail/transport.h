// Where finished messages go: an SMTP server (smtp_transport.h) or a directory of .eml files
// (directory_transport.h). One at a time per transport object; the outbox sender owns it.
#pragma once

#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

class MailTransport {
 public:
  virtual ~MailTransport() = default;
  // Hands `message` (RFC 5322 bytes) over for `to`. Unavailable when trying again later may
  // work (the server is down, busy or refused for now); any other failure will not improve
  // (the server refused the recipient for good). Messages say why, without secrets.
  virtual Status Send(std::string_view from, std::string_view to, std::string_view message) = 0;
  // Where mail goes, for the start-up log ("smtp://mail.example.com:587 (STARTTLS required)").
  virtual std::string Describe() const = 0;
};

}  // namespace authd
