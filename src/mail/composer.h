// Turns an outbox entry into the mails it stands for, when it is delivered (not when it is
// queued): the users are looked up then, a link's token is minted then (so the outbox never
// holds one), and a request for an unknown address costs its caller nothing more than a known
// one does.
#pragma once

#include <string>
#include <vector>

#include "mail/templates.h"
#include "store/store.h"
#include "util/clock.h"
#include "util/random.h"

namespace authd {

struct ComposerOptions {
  std::string site_name = "authd";
  std::string from_address;
  std::string public_url;  // the base of every link, without a trailing slash
  int64_t password_reset_ttl = 3600;      // seconds
  int64_t email_verify_ttl = 3 * 86400;   // seconds
};

struct Envelope {
  std::string to;
  std::string bytes;  // the whole message
};

class MailComposer {
 public:
  MailComposer(Store& store, const MailTemplates& templates, const Clock& clock, Random& random,
               ComposerOptions options)
      : store_(store), templates_(templates), clock_(clock), random_(random),
        options_(std::move(options)) {}

  // The mails `message` stands for; none when there is nobody to mail (no active account with
  // that address, an address verified meanwhile). Unavailable when the store is; InvalidArgument
  // when the entry can never become a mail (an unknown kind, an address that cannot be mailed).
  StatusOr<std::vector<Envelope>> Compose(const OutboxMessage& message);

  const ComposerOptions& options() const { return options_; }
  // The base of links, once the listener's port is known (AUTHD_LISTEN=...:0 without
  // AUTHD_PUBLIC_URL). Before the sender starts: nothing else reads it then.
  void set_public_url(std::string url) { options_.public_url = std::move(url); }

 private:
  StatusOr<Envelope> Build(const std::string& kind, const std::string& to, TemplateValues values);
  // Mints and records a token; its link.
  StatusOr<std::string> MintLink(std::string_view purpose, const User& user,
                                 const std::string& email, int64_t ttl, std::string_view path);
  StatusOr<std::vector<Envelope>> PasswordReset(const OutboxMessage& message);

  Store& store_;
  const MailTemplates& templates_;
  const Clock& clock_;
  Random& random_;
  ComposerOptions options_;
};

// "1 hour", "3 days", "90 minutes", "45 seconds": a TTL as a mail says it.
std::string DescribeDuration(int64_t seconds);

}  // namespace authd
