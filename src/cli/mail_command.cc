// authd sendtestmail --to ADDRESS.
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/app.h"
#include "cli/commands.h"
#include "mail/address.h"
#include "mail/templates.h"

namespace authd {

int RunSendTestMail(Settings settings, const std::string& to) {
  if (!settings.email_enabled()) {
    spdlog::error("email is off: set AUTHD_SMTP_URL (or AUTHD_EMAIL_DIR)");
    return 1;
  }
  if (!IsMailableAddress(to)) {
    spdlog::error("--to: '{}' is not a plain address (name@example.com)", to);
    return 1;
  }
  auto app = App::Create(std::move(settings));
  if (!app.ok()) {
    spdlog::error("{}", app.status().message());
    return 1;
  }
  Mailer& mailer = *(*app)->mailer();
  auto mails = mailer.composer().Compose(
      OutboxMessage{.kind = kMailTest, .recipient = to, .created_at = (*app)->clock().NowMicros()});
  if (!mails.ok()) {
    spdlog::error("cannot build the mail: {}", mails.status().message());
    return 1;
  }
  for (const Envelope& e : *mails) {
    Status st = mailer.transport().Send(mailer.composer().options().from_address, e.to, e.bytes);
    if (!st.ok()) {
      spdlog::error("not sent: {}", st.message());
      return 1;
    }
  }
  std::printf("Sent a test mail to %s through %s.\n", to.c_str(),
              mailer.transport().Describe().c_str());
  return 0;
}

}  // namespace authd
