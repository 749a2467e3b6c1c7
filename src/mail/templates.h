// The templates of each kind of mail: built in, each part replaceable by a file in
// AUTHD_EMAIL_TEMPLATES_DIR named KIND.subject.txt, KIND.txt or KIND.html (for KIND in
// MailKinds()). Every template is parsed at start-up, so a broken override stops authd with
// its file and line instead of failing at the first mail.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "mail/mail_template.h"
#include "util/status.h"

namespace authd {

// The kinds of mail authd sends.
inline constexpr const char* kMailPasswordReset = "password_reset";
inline constexpr const char* kMailVerifyEmail = "verify_email";
inline constexpr const char* kMailPasswordChanged = "password_changed";
inline constexpr const char* kMailEmailChanged = "email_changed";
inline constexpr const char* kMailTest = "test";
const std::vector<std::string>& MailKinds();

// The placeholders every template may use: site_name, username, first_name, last_name,
// email (the recipient), link, valid_for ("1 hour"), new_email.
const std::set<std::string>& MailPlaceholders();

struct KindTemplates {
  MailTemplate subject;
  MailTemplate text;
  MailTemplate html;
};

class MailTemplates {
 public:
  // The built-in templates, with the files of `dir` (when not empty) over them.
  static StatusOr<MailTemplates> Load(const std::string& dir);
  const KindTemplates& For(const std::string& kind) const { return kinds_.at(kind); }

 private:
  std::map<std::string, KindTemplates> kinds_;
};

}  // namespace authd
