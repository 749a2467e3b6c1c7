// Everything mail is made of, built from Settings in one place: the templates, the transport
// (SMTP or a directory), the composer and the outbox sender. Absent (App::mailer() null) when
// neither AUTHD_SMTP_URL nor AUTHD_EMAIL_DIR is set.
#pragma once

#include <atomic>
#include <memory>

#include "config/settings.h"
#include "mail/composer.h"
#include "mail/outbox_sender.h"
#include "mail/templates.h"
#include "mail/transport.h"
#include "metrics/metrics.h"
#include "store/store.h"

namespace authd {

class Mailer {
 public:
  // InvalidArgument naming the setting when a template, the From address, the SMTP URL or the
  // directory is unusable: start-up stops there instead of at the first mail.
  static StatusOr<std::unique_ptr<Mailer>> Create(const Settings& settings, Store& store,
                                                  const Clock& clock, Random& random);

  // The base of every link: AUTHD_PUBLIC_URL, or this listener's own address without it.
  static std::string LinkBase(const Settings& settings);

  // authd_email_sent_total{kind,result} and authd_email_outbox_depth.
  void AddMetrics(Metrics& metrics);

  OutboxSender& sender() { return *sender_; }
  MailComposer& composer() { return *composer_; }
  MailTransport& transport() { return *transport_; }

 private:
  Mailer() = default;
  std::unique_ptr<MailTemplates> templates_;
  std::unique_ptr<MailTransport> transport_;
  std::unique_ptr<MailComposer> composer_;
  std::unique_ptr<OutboxSender> sender_;
};

}  // namespace authd
