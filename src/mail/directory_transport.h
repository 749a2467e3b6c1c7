// AUTHD_EMAIL_DIR: each message written to a file of its own in a directory, as Django's
// file email backend does, for development and tests without a mail server.
#pragma once

#include <string>

#include "mail/transport.h"
#include "util/random.h"

namespace authd {

class DirectoryTransport final : public MailTransport {
 public:
  DirectoryTransport(std::string dir, Random& random) : dir_(std::move(dir)), random_(random) {}
  // Writes DIR/<seconds>-<random>.eml whole or not at all (a temporary name, then a rename),
  // flushed to disk first. Unavailable when the directory cannot be written.
  Status Send(std::string_view from, std::string_view to, std::string_view message) override;
  std::string Describe() const override { return "the directory " + dir_ + " (AUTHD_EMAIL_DIR)"; }

 private:
  const std::string dir_;
  Random& random_;
};

}  // namespace authd
