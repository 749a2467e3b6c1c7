#include "mail/composer.h"

#include <boost/json/parse.hpp>
#include <fmt/format.h>

#include "mail/address.h"
#include "mail/link_token.h"
#include "mail/message.h"

namespace authd {
namespace {

namespace json = boost::json;

// A string member of the entry's data, or "".
std::string DataField(const OutboxMessage& m, const char* name) {
  boost::system::error_code ec;
  json::value v = json::parse(m.data, ec);
  if (ec || !v.is_object()) return "";
  const json::value* f = v.as_object().if_contains(name);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : "";
}

// Django marks a password that can never match with a leading '!' (set_unusable_password):
// such an account is not offered a reset, as Django's PasswordResetForm does not.
bool UsablePassword(const User& u) { return !u.password_hash.empty() && u.password_hash[0] != '!'; }

TemplateValues UserValues(const User& u) {
  return {{"username", u.username}, {"first_name", u.first_name}, {"last_name", u.last_name}};
}

}  // namespace

std::string DescribeDuration(int64_t s) {
  auto unit = [](int64_t n, const char* one) {
    return fmt::format("{} {}{}", n, one, n == 1 ? "" : "s");
  };
  if (s % 86400 == 0) return unit(s / 86400, "day");
  if (s % 3600 == 0) return unit(s / 3600, "hour");
  if (s % 60 == 0) return unit(s / 60, "minute");
  return unit(s, "second");
}

StatusOr<Envelope> MailComposer::Build(const std::string& kind, const std::string& to,
                                       TemplateValues values) {
  values.emplace("site_name", options_.site_name);
  values.emplace("email", to);
  const KindTemplates& t = templates_.For(kind);
  MailMessage m{.from_name = options_.site_name,
                .from_address = options_.from_address,
                .to = to,
                .subject = t.subject.Render(values),
                .text = t.text.Render(values),
                .html = t.html.Render(values)};
  auto bytes = RenderMessage(m, clock_.NowSeconds(), random_);
  if (!bytes.ok()) return bytes.status();
  return Envelope{to, std::move(bytes).value()};
}

StatusOr<std::string> MailComposer::MintLink(std::string_view purpose, const User& user,
                                             const std::string& email, int64_t ttl,
                                             std::string_view path) {
  const std::string token = NewLinkToken(random_);
  const int64_t now = clock_.NowSeconds();
  AUTHD_RETURN_IF_ERROR(store_.mail().InsertToken(OneTimeToken{.hash = LinkTokenHash(token),
                                                               .purpose = std::string(purpose),
                                                               .user_id = user.id,
                                                               .email = email,
                                                               .created_at = now,
                                                               .expires_at = now + ttl}));
  return LinkUrl(options_.public_url, path, token);
}

StatusOr<std::vector<Envelope>> MailComposer::PasswordReset(const OutboxMessage& m) {
  // By address (the public form): every active account with a usable password and that
  // address, as Django's PasswordResetForm. By user (a staff member's request): that one.
  std::vector<User> users;
  if (m.user_id != 0) {
    auto u = store_.users().FindById(m.user_id);
    if (!u.ok() && u.status().code() != StatusCode::kNotFound) return u.status();
    if (u.ok()) users.push_back(std::move(u).value());
  } else {
    auto found = store_.users().FindByEmail(m.recipient);
    if (!found.ok()) return found.status();
    users = std::move(found).value();
  }
  std::vector<Envelope> out;
  for (const User& u : users) {
    if (!u.is_active || !UsablePassword(u) || u.email.empty()) continue;
    if (!IsMailableAddress(u.email)) continue;
    auto link = MintLink(kPasswordResetPurpose, u, u.email, options_.password_reset_ttl,
                         "/account/reset/");
    if (!link.ok()) return link.status();
    TemplateValues values = UserValues(u);
    values["link"] = *link;
    values["valid_for"] = DescribeDuration(options_.password_reset_ttl);
    auto env = Build(kMailPasswordReset, u.email, std::move(values));
    if (!env.ok()) return env.status();
    out.push_back(std::move(env).value());
  }
  return out;
}

StatusOr<std::vector<Envelope>> MailComposer::Compose(const OutboxMessage& m) {
  std::vector<Envelope> out;
  if (m.kind == kMailPasswordReset) return PasswordReset(m);
  if (m.kind == kMailTest) {
    auto env = Build(kMailTest, m.recipient, {});
    if (!env.ok()) return env.status();
    out.push_back(std::move(env).value());
    return out;
  }
  // The rest concern one user, who may have been deleted since: then there is nobody to tell.
  auto user = store_.users().FindById(m.user_id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) return out;
    return user.status();
  }
  TemplateValues values = UserValues(*user);
  std::string to = m.recipient;
  if (m.kind == kMailVerifyEmail) {
    const std::string email = DataField(m, "email");
    if (email.empty()) return InvalidArgument("a verify_email entry without an address");
    // Verified meanwhile (by an earlier copy of this mail): nothing more to send.
    if (user->email_verified && user->email == email) return out;
    auto link = MintLink(kVerifyEmailPurpose, *user, email, options_.email_verify_ttl,
                         "/account/verify/");
    if (!link.ok()) return link.status();
    values["link"] = *link;
    values["valid_for"] = DescribeDuration(options_.email_verify_ttl);
    to = email;
  } else if (m.kind == kMailPasswordChanged) {
    to = user->email;
  } else if (m.kind == kMailEmailChanged) {
    values["new_email"] = DataField(m, "new_email");
  } else {
    return InvalidArgument(fmt::format("unknown kind of mail '{}'", m.kind));
  }
  if (to.empty()) return out;  // an account without an address
  auto env = Build(m.kind, to, std::move(values));
  if (!env.ok()) return env.status();
  out.push_back(std::move(env).value());
  return out;
}

}  // namespace authd
