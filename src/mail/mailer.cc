#include "mail/mailer.h"

#include <unistd.h>

#include <filesystem>

#include "mail/address.h"
#include "mail/directory_transport.h"
#include "mail/smtp_transport.h"

namespace authd {

std::string Mailer::LinkBase(const Settings& s) {
  if (!s.public_url.empty()) return s.public_url;
  const bool v6 = s.listen_host.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + s.listen_host + "]" : s.listen_host) + ":" +
         std::to_string(s.listen_port);
}

StatusOr<std::unique_ptr<Mailer>> Mailer::Create(const Settings& s, Store& store,
                                                 const Clock& clock, Random& random) {
  std::unique_ptr<Mailer> m(new Mailer());
  if (!IsMailableAddress(s.email_from)) {
    return InvalidArgument("AUTHD_EMAIL_FROM must be a plain address (name@example.com), not '" +
                           s.email_from + "'");
  }
  auto templates = MailTemplates::Load(s.email_templates_dir);
  if (!templates.ok()) return templates.status();
  m->templates_ = std::make_unique<MailTemplates>(std::move(templates).value());
  if (!s.smtp_url.empty()) {
    auto smtp = SmtpTransport::Create(SmtpOptions{
        .url = s.smtp_url,
        .tls = s.smtp_tls == "off"        ? SmtpTls::kOff
               : s.smtp_tls == "required" ? SmtpTls::kRequired
                                          : SmtpTls::kAuto,
        .ca_file = s.smtp_ca_file});
    if (!smtp.ok()) return smtp.status();
    if (!s.smtp_ca_file.empty() && ::access(s.smtp_ca_file.c_str(), R_OK) != 0) {
      return InvalidArgument("AUTHD_SMTP_CA_FILE: cannot read " + s.smtp_ca_file);
    }
    m->transport_ = std::move(smtp).value();
  } else {
    if (!std::filesystem::is_directory(s.email_dir) || ::access(s.email_dir.c_str(), W_OK) != 0) {
      return InvalidArgument("AUTHD_EMAIL_DIR: " + s.email_dir +
                             " is not a directory this user can write");
    }
    m->transport_ = std::make_unique<DirectoryTransport>(s.email_dir, random);
  }
  m->composer_ = std::make_unique<MailComposer>(
      store, *m->templates_, clock, random,
      ComposerOptions{.site_name = s.site_name,
                      .from_address = s.email_from,
                      .public_url = LinkBase(s),
                      .password_reset_ttl = s.password_reset_ttl,
                      .email_verify_ttl = s.email_verify_ttl});
  m->sender_ = std::make_unique<OutboxSender>(store.mail(), *m->composer_, *m->transport_, clock,
                                              SenderOptions{.retry_hours = s.email_retry_hours});
  return m;
}

void Mailer::AddMetrics(Metrics& metrics) {
  OutboxSender* sender = sender_.get();
  metrics.AddLabeledCounter("authd_email_sent_total",
                            "Outbox entries handled, by kind and result (sent, nobody to mail, "
                            "retry, failed).",
                            [sender] { return sender->Counts(); });
  metrics.AddGauge("authd_email_outbox_depth",
                   "Outbox entries neither delivered nor failed, as the sender last counted.",
                   [sender] { return static_cast<double>(sender->depth()); });
}

}  // namespace authd
