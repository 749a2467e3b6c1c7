// Where user accounts live. One implementation per backend (store/sqlite/, later postgres/),
// all held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_store.h"
#include "store/mail_store.h"
#include "store/oidc_store.h"
#include "users/user.h"
#include "util/status.h"

namespace authd {

// What a change brings with it, in the change's own transaction: the mail it queues, the
// events that record it (store/audit_store.h) and, for a user a provider's sign-in creates,
// the identity linked to it (its user_id is the new user's). None happens without the change,
// nor the change without them.
struct Effects {
  std::vector<OutboxMessage> mail;
  std::vector<AuditEvent> events;
  std::optional<OidcIdentity> identity;
};

// The fields an update may change; unset members are left as they are. With them, in the
// same transaction, a token the change spends, the mail it queues and its events.
struct UserUpdate {
  std::optional<std::string> email;
  std::optional<bool> email_verified;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<bool> is_active;
  std::optional<bool> is_staff;
  std::optional<std::string> password_hash;
  // The hash of a one-time token of this user that allows the change: deleted with it, and
  // FailedPrecondition (nothing changed) when it is no longer there, so a link works once.
  std::optional<std::string> spend_token;
  std::vector<OutboxMessage> mail;  // queued when, and only when, the change commits
  std::vector<AuditEvent> events;   // recorded likewise
};

// A page of users in id order. Each search term must appear, case-insensitively, in the
// username or the email (DRF SearchFilter's rule).
// The orders a user list may take; every one ends with id, so pages never overlap.
enum class UserOrder { kId, kUsername, kDateJoined, kLastLogin };

struct UserQuery {
  std::vector<std::string> search_terms;
  UserOrder order = UserOrder::kId;
  bool descending = false;  // last logins: never-logged-in users come last either way
  int64_t offset = 0;
  int64_t limit = 50;
};

struct UserPage {
  int64_t count = 0;  // every match, not just this page
  std::vector<User> users;
};

// The ORDER BY clause of `query` for both backends: fixed text, never from the request.
inline std::string UserOrderBy(const UserQuery& query) {
  const char* dir = query.descending ? " DESC" : "";
  switch (query.order) {
    case UserOrder::kUsername: return std::string(" ORDER BY username") + dir + ", id" + dir;
    case UserOrder::kDateJoined: return std::string(" ORDER BY date_joined") + dir + ", id" + dir;
    case UserOrder::kLastLogin:
      return std::string(" ORDER BY last_login IS NULL, last_login") + dir + ", id" + dir;
    case UserOrder::kId: break;
  }
  return std::string(" ORDER BY id") + dir;
}

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Creates the user and returns it with its new id. AlreadyExists when the username is
  // taken. The write is durable when this returns OK. The effects' mail (user_id set to the
  // new id) and events (subject_user_id likewise) come in the same transaction: a
  // verification mail is never lost, nor sent for nobody.
  virtual StatusOr<User> Create(const NewUser& user, const Effects& effects) = 0;
  StatusOr<User> Create(const NewUser& user) { return Create(user, Effects{}); }

  // Adds `user` with its own id and every field as given: an import from another system
  // (authd import-django). AlreadyExists when the id or the username is taken. Ids that Create
  // assigns afterwards are above every imported one. Durable when this returns OK.
  virtual Status Import(const User& user) = 0;

  // NotFound when there is no such user.
  virtual StatusOr<User> FindById(int64_t id) = 0;
  virtual StatusOr<User> FindByUsername(std::string_view username) = 0;
  // Every user whose email is `email`, compared case-insensitively (Django's iexact), by id.
  virtual StatusOr<std::vector<User>> FindByEmail(std::string_view email) = 0;
  // Verified addresses (compared case-insensitively) that more than one account holds, each as
  // "address: username, username", at most `limit` of them: what stops login by email.
  virtual StatusOr<std::vector<std::string>> SharedVerifiedEmails(int limit) = 0;

  // NotFound when there is no such user.
  virtual Status SetPasswordHash(int64_t id, std::string_view password_hash) = 0;
  virtual Status SetLastLogin(int64_t id, int64_t micros) = 0;

  // The user after the update; NotFound when there is no such user.
  virtual StatusOr<User> Update(int64_t id, const UserUpdate& update) = 0;
  // Deletes the user and, with them, their refresh-token records and factors, recording
  // `events` in the same transaction. NotFound when absent.
  virtual Status Delete(int64_t id, const std::vector<AuditEvent>& events) = 0;
  Status Delete(int64_t id) { return Delete(id, {}); }
  virtual StatusOr<UserPage> List(const UserQuery& query) = 0;
  // How many users are both active and superusers (so the last one is not removed).
  virtual StatusOr<int64_t> CountActiveSuperusers() = 0;
};

}  // namespace authd
