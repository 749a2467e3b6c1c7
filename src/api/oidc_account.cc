#include "api/oidc_account.h"

#include "api/audit_trail.h"
#include "api/email_uniqueness.h"
#include "oidc/account_hints.h"
#include "users/user_rules.h"

namespace authd {
namespace {

namespace json = boost::json;

constexpr int kUsernameTries = 20;

AuditEvent LinkedEvent(Services& s, const Request& request, std::optional<int64_t> user_id,
                       const OidcProviderSetting& provider) {
  return RequestEvent(s.clock, request, "oidc.identity_linked", user_id,
                      json::object{{"provider", provider.id}});
}

OidcIdentity NewIdentity(Services& s, const OidcProviderSetting& provider,
                         const IdentityClaims& claims, int64_t user_id) {
  return OidcIdentity{.provider = provider.id, .subject = claims.subject, .user_id = user_id,
                      .email = claims.email, .created_at = s.clock.NowSeconds()};
}

std::variant<OidcAccount, ApiError> Link(Services& s, const Request& request,
                                         const OidcProviderSetting& provider,
                                         const IdentityClaims& claims, int64_t user_id) {
  auto user = s.store.users().FindById(user_id);
  if (!user.ok()) return FromStatus(user.status());
  auto id = s.store.oidc().Link(NewIdentity(s, provider, claims, user_id),
                                {LinkedEvent(s, request, user_id, provider)});
  if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
    return Coded(409, "This " + provider.name + " account is linked to another account.",
                   "oidc_identity_taken");
  }
  if (!id.ok()) return FromStatus(id.status());
  Logged({LinkedEvent(s, request, user_id, provider)});
  return OidcAccount{.user = *std::move(user), .identity_id = *id, .linked_now = true};
}

std::variant<OidcAccount, ApiError> Create(Services& s, const Request& request,
                                           const OidcProviderSetting& provider,
                                           const IdentityClaims& claims) {
  const bool has_email = !claims.email.empty() && !CheckEmail(claims.email);
  if (has_email && claims.email_verified && s.settings.login_by_email) {
    auto taken = VerifiedElsewhere(s, claims.email, 0);
    if (!taken.ok()) return FromStatus(taken.status());
    if (*taken) {
      return Coded(409,
                     "An account already uses this email address. Sign in to it, then link " +
                         provider.name + " from its security page.",
                     "oidc_email_taken");
    }
  }
  const std::string base = UsernameBase(claims);
  Effects effects;
  effects.identity = NewIdentity(s, provider, claims, 0);
  effects.events = {RequestEvent(s.clock, request, "user.registered", std::nullopt,
                                 json::object{{"method", "oidc"}, {"provider", provider.id}}),
                    LinkedEvent(s, request, std::nullopt, provider)};
  // Django's unusable password: "!" and random text no password hashes to.
  NewUser user{.username = base, .password_hash = "!" + s.random.Hex(20),
               .email = has_email ? claims.email : "",
               .email_verified = has_email && claims.email_verified,
               .date_joined_us = s.clock.NowMicros()};
  for (int attempt = 1; attempt <= kUsernameTries; ++attempt) {
    if (attempt > 1) {
      // base2, base3, ...; then random suffixes, so a crowd of "john"s cannot make it fail.
      user.username = base + (attempt < 10 ? std::to_string(attempt) : "-" + s.random.Hex(3));
    }
    auto existing = s.store.users().FindByUsername(user.username);
    if (existing.ok()) continue;
    if (existing.status().code() != StatusCode::kNotFound) return FromStatus(existing.status());
    auto created = s.store.users().Create(user, effects);
    if (created.ok()) {
      Logged(effects.events);
      auto identity = s.store.oidc().FindIdentity(provider.id, claims.subject);
      if (!identity.ok()) return FromStatus(identity.status());
      return OidcAccount{.user = *std::move(created), .identity_id = identity->id,
                         .linked_now = true, .created_now = true};
    }
    if (created.status().code() != StatusCode::kAlreadyExists) return FromStatus(created.status());
    // The username was taken a moment ago, or another callback of the same person linked the
    // identity first: then that user is the one.
    auto identity = s.store.oidc().FindIdentity(provider.id, claims.subject);
    if (identity.ok()) {
      auto linked = s.store.users().FindById(identity->user_id);
      if (!linked.ok()) return FromStatus(linked.status());
      return OidcAccount{.user = *std::move(linked), .identity_id = identity->id};
    }
  }
  return FromStatus(Internal("no free username for a new user"));
}

}  // namespace

std::variant<OidcAccount, ApiError> AccountFor(Services& s, const Request& request,
                                               const OidcProviderSetting& provider,
                                               const IdentityClaims& claims,
                                               std::optional<int64_t> link_user_id) {
  // A domain rule needs an address the provider vouches for.
  if (!provider.allowed_email_domains.empty() &&
      (!claims.email_verified || !EmailDomainAllowed(claims.email, provider.allowed_email_domains))) {
    std::string domains;
    for (const std::string& d : provider.allowed_email_domains) {
      domains += (domains.empty() ? "" : ", ") + d;
    }
    return Coded(403,
                   "Signing in with " + provider.name +
                       " is open only to verified addresses at " + domains + ".",
                   "oidc_email_domain");
  }
  auto found = s.store.oidc().FindIdentity(provider.id, claims.subject);
  if (found.ok()) {
    if (link_user_id && *link_user_id != found->user_id) {
      return Coded(409, "This " + provider.name + " account is linked to another account.",
                     "oidc_identity_taken");
    }
    auto user = s.store.users().FindById(found->user_id);
    if (!user.ok()) return FromStatus(user.status());
    return OidcAccount{.user = *std::move(user), .identity_id = found->id};
  }
  if (found.status().code() != StatusCode::kNotFound) return FromStatus(found.status());
  if (link_user_id) return Link(s, request, provider, claims, *link_user_id);

  if (provider.link_by_verified_email && claims.email_verified && !claims.email.empty()) {
    auto users = s.store.users().FindByEmail(claims.email);
    if (!users.ok()) return FromStatus(users.status());
    std::vector<const User*> verified;
    for (const User& u : *users) {
      if (u.email_verified) verified.push_back(&u);
    }
    if (verified.size() == 1) return Link(s, request, provider, claims, verified.front()->id);
    if (verified.size() > 1) {
      return Coded(409,
                     "Several accounts use this email address: sign in to yours, then link " +
                         provider.name + " from its security page.",
                     "oidc_email_ambiguous");
    }
  }
  if (provider.create_users) return Create(s, request, provider, claims);
  return Coded(403, "No account is linked to this " + provider.name + " account.",
                 "oidc_no_account");
}

}  // namespace authd
