#include "django_import/importer.h"

#include <fmt/format.h>

#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "util/unicode.h"

namespace authd {
namespace {

constexpr std::string_view kRevokeReason = "django_blacklist";

// Names of the import that collide under NFKC with another name, in the import or here.
Status ReportNameCollisions(const std::vector<User>& users, UserStore& store,
                            ImportReport& report) {
  std::unordered_map<std::string, const User*> by_normal;
  for (const User& user : users) by_normal.emplace(NormalizeNfkc(user.username), &user);
  for (const User& user : users) {
    const std::string normal = NormalizeNfkc(user.username);
    if (normal == user.username) continue;
    std::optional<std::string> other;
    if (auto it = by_normal.find(normal); it != by_normal.end() && it->second != &user) {
      other = fmt::format("user {} '{}'", it->second->id, it->second->username);
    } else if (auto here = store.FindByUsername(normal); here.ok()) {
      if (here->id != user.id) other = fmt::format("user {} '{}' here", here->id, here->username);
    } else if (here.status().code() != StatusCode::kNotFound) {
      return here.status();
    }
    if (other) {
      report.name_collisions.push_back(fmt::format(
          "user {} '{}' is '{}' under NFKC, as {} is: both are kept; '{}' logs in only by "
          "its exact name",
          user.id, user.username, normal, *other, user.username));
    }
  }
  return Status::Ok();
}

Status ImportUsers(const std::vector<User>& users, UserStore& store, ImportReport& report,
                   std::unordered_set<int64_t>& here) {
  AUTHD_RETURN_IF_ERROR(ReportNameCollisions(users, store, report));
  for (User user : users) {
    // Django never verified an address, but its users have been using theirs: an imported
    // email counts as verified, or AUTHD_REQUIRE_VERIFIED_EMAIL would lock every one of them out.
    user.email_verified = !user.email.empty();
    Status st = store.Import(user);
    if (st.ok()) {
      ++report.users_imported;
      here.insert(user.id);
      continue;
    }
    if (st.code() != StatusCode::kAlreadyExists) return st;
    auto existing = store.FindById(user.id);
    if (existing.ok() && existing->username == user.username) {
      ++report.users_already_here;
      here.insert(user.id);
      continue;
    }
    if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
      return existing.status();
    }
    report.conflicts.push_back(
        existing.ok()
            ? fmt::format("user {} '{}': id {} belongs to '{}' here", user.id, user.username,
                          user.id, existing->username)
            : fmt::format("user {} '{}': the username belongs to another id here", user.id,
                          user.username));
  }
  return Status::Ok();
}

Status ImportTokens(const std::vector<DjangoToken>& tokens, TokenStore& store, int64_t now,
                    const std::unordered_set<int64_t>& users_here, ImportReport& report) {
  for (const DjangoToken& t : tokens) {
    if (t.expires_at <= now) {
      ++report.tokens_expired;
      continue;
    }
    if (!t.user_id || !users_here.contains(*t.user_id)) {
      ++report.tokens_without_user;
      continue;
    }
    RefreshTokenRecord record{.jti = t.jti, .user_id = *t.user_id, .family = t.jti,
                              .issued_at = t.created_at, .expires_at = t.expires_at};
    if (t.blacklisted_at) {
      record.revoked_at = t.blacklisted_at;
      record.revoke_reason = std::string(kRevokeReason);
    }
    Status st = store.Insert(record);
    if (st.ok()) {
      ++report.tokens_imported;
      if (t.blacklisted_at) ++report.tokens_imported_revoked;
      continue;
    }
    if (st.code() != StatusCode::kAlreadyExists) return st;
    ++report.tokens_already_here;
    if (!t.blacklisted_at) continue;
    // Blacklisted in Django after an earlier run: end it here too, with what descends from it
    // (it may have been rotated since).
    auto existing = store.Find(t.jti);
    if (!existing.ok()) return existing.status();
    if (existing->revoked_at) continue;
    auto revoked = store.RevokeFamily(existing->family, now, kRevokeReason);
    if (!revoked.ok()) return revoked.status();
    ++report.tokens_newly_revoked;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<ImportReport> ImportFromDjango(DjangoSource& source, Store& store, int64_t now) {
  auto users = source.Users();
  if (!users.ok()) return users.status();
  auto tokens = source.Tokens();
  if (!tokens.ok()) return tokens.status();

  ImportReport report;
  std::unordered_set<int64_t> users_here;
  AUTHD_RETURN_IF_ERROR(ImportUsers(*users, store.users(), report, users_here));
  AUTHD_RETURN_IF_ERROR(ImportTokens(*tokens, store.tokens(), now, users_here, report));
  return report;
}

}  // namespace authd
