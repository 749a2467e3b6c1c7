#include "mail/templates.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace authd {
namespace {

struct BuiltIn {
  const char* kind;
  const char* subject;
  const char* text;
  const char* html;
};

// Plain words, one link, no tracking, no images: what a careful mail client shows as sent.
constexpr BuiltIn kBuiltIns[] = {
    {kMailPasswordReset, "Reset your {{site_name}} password",
     "Hello {{username}},\n\n"
     "Someone asked to reset the password of your {{site_name}} account. If it was you, choose\n"
     "a new password here (the link works once, for {{valid_for}}):\n\n"
     "{{link}}\n\n"
     "If it was not you, ignore this mail: your password stays as it is.\n",
     "<p>Hello {{username}},</p>\n"
     "<p>Someone asked to reset the password of your {{site_name}} account. If it was you, "
     "choose a new password (the link works once, for {{valid_for}}):</p>\n"
     "<p><a href=\"{{link}}\">Reset your password</a></p>\n"
     "<p>If it was not you, ignore this mail: your password stays as it is.</p>\n"},
    {kMailVerifyEmail, "Confirm your email address for {{site_name}}",
     "Hello {{username}},\n\n"
     "Please confirm that {{email}} is your address for {{site_name}} (the link works for\n"
     "{{valid_for}}):\n\n"
     "{{link}}\n\n"
     "If you did not ask for this, ignore this mail.\n",
     "<p>Hello {{username}},</p>\n"
     "<p>Please confirm that {{email}} is your address for {{site_name}} (the link works for "
     "{{valid_for}}):</p>\n"
     "<p><a href=\"{{link}}\">Confirm your email address</a></p>\n"
     "<p>If you did not ask for this, ignore this mail.</p>\n"},
    {kMailPasswordChanged, "Your {{site_name}} password was changed",
     "Hello {{username}},\n\n"
     "The password of your {{site_name}} account was just changed, and every session of the\n"
     "account was ended. If it was not you, reset your password at once and tell us.\n",
     "<p>Hello {{username}},</p>\n"
     "<p>The password of your {{site_name}} account was just changed, and every session of the "
     "account was ended. If it was not you, reset your password at once and tell us.</p>\n"},
    {kMailEmailChanged, "Your {{site_name}} email address was changed",
     "Hello {{username}},\n\n"
     "The email address of your {{site_name}} account was changed from {{email}} to\n"
     "{{new_email}}. If it was not you, tell us at once.\n",
     "<p>Hello {{username}},</p>\n"
     "<p>The email address of your {{site_name}} account was changed from {{email}} to "
     "{{new_email}}. If it was not you, tell us at once.</p>\n"},
    {kMailTest, "A test mail from {{site_name}}",
     "This is a test mail from {{site_name}}: mail is set up.\n",
     "<p>This is a test mail from {{site_name}}: mail is set up.</p>\n"},
};

StatusOr<std::string> ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument(fmt::format("cannot read {}", path.string()));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The override `dir`/`name` when it exists, else `built_in`, parsed.
StatusOr<MailTemplate> LoadOne(const std::string& dir, const std::string& name,
                               std::string_view built_in, MailTemplate::Escape escape) {
  std::string text(built_in);
  std::string where = "the built-in " + name;
  if (!dir.empty()) {
    const std::filesystem::path path = std::filesystem::path(dir) / name;
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      auto read = ReadFile(path);
      if (!read.ok()) return read.status();
      text = std::move(read).value();
      where = path.string();
    }
  }
  auto parsed = MailTemplate::Parse(text, MailPlaceholders(), escape);
  if (!parsed.ok()) {
    return InvalidArgument(fmt::format("AUTHD_EMAIL_TEMPLATES_DIR: {}: {}", where,
                                       parsed.status().message()));
  }
  return parsed;
}

}  // namespace

const std::vector<std::string>& MailKinds() {
  static const std::vector<std::string> kinds = [] {
    std::vector<std::string> k;
    for (const BuiltIn& b : kBuiltIns) k.emplace_back(b.kind);
    return k;
  }();
  return kinds;
}

const std::set<std::string>& MailPlaceholders() {
  static const std::set<std::string> names = {"site_name", "username", "first_name", "last_name",
                                              "email",     "link",     "valid_for",  "new_email"};
  return names;
}

StatusOr<MailTemplates> MailTemplates::Load(const std::string& dir) {
  if (!dir.empty() && !std::filesystem::is_directory(dir)) {
    return InvalidArgument(fmt::format("AUTHD_EMAIL_TEMPLATES_DIR: {} is not a directory", dir));
  }
  MailTemplates all;
  using Escape = MailTemplate::Escape;
  for (const BuiltIn& b : kBuiltIns) {
    const std::string kind = b.kind;
    auto subject = LoadOne(dir, kind + ".subject.txt", b.subject, Escape::kNone);
    if (!subject.ok()) return subject.status();
    auto text = LoadOne(dir, kind + ".txt", b.text, Escape::kNone);
    if (!text.ok()) return text.status();
    auto html = LoadOne(dir, kind + ".html", b.html, Escape::kHtml);
    if (!html.ok()) return html.status();
    all.kinds_.emplace(kind, KindTemplates{std::move(subject).value(), std::move(text).value(),
                                           std::move(html).value()});
  }
  return all;
}

}  // namespace authd
