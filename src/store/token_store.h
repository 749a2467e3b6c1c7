// Where refresh tokens are recorded, so they can be listed, rotated and revoked. Access tokens
// are never stored: they stay stateless and short-lived.
// One implementation per backend, held to the same contract by the store tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "users/user.h"
#include "store/audit_store.h"
#include "util/status.h"

namespace authd {

// One refresh token as issued. Times are seconds since the epoch, like the token's own claims.
struct RefreshTokenRecord {
  std::string jti;
  int64_t user_id = 0;
  std::string family;  // the jti of the first token of the login this one descends from
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> last_used_at;
  std::string user_agent;      // at issue
  std::string client_address;  // at issue
  std::optional<int64_t> rotated_at;  // retired by rotation; replaced_by names the successor
  std::string replaced_by;
  std::optional<int64_t> revoked_at;  // ended: logout, reuse, password change, admin, ...
  std::string revoke_reason;

  bool live() const { return !rotated_at && !revoked_at; }
};

// What a refresh needs to know, read together: the presented token's record and its user.
struct RefreshLookup {
  std::optional<RefreshTokenRecord> record;  // nullopt: the jti was never recorded
  std::optional<User> owner;                 // nullopt: no such user
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Records a token, and `events` with it (a sign-in's). AlreadyExists when the jti is known.
  // Durable when this returns OK.
  virtual Status Insert(const RefreshTokenRecord& record, const std::vector<AuditEvent>& events) = 0;
  Status Insert(const RefreshTokenRecord& record) { return Insert(record, {}); }

  // NotFound when the jti was never recorded (or its record was flushed).
  virtual StatusOr<RefreshTokenRecord> Find(std::string_view jti) = 0;

  // Find(jti) and the user `user_id` in one read. Refresh is the busiest path after
  // /user_detail/, and one read instead of two halves what it costs the store.
  virtual StatusOr<RefreshLookup> FindForRefresh(std::string_view jti, int64_t user_id) = 0;

  // In one transaction: retires `jti` if, and only if, it is still live, and records
  // `successor`. False (and nothing changed) when `jti` was no longer live, so of many
  // concurrent rotations of one token exactly one gets true.
  virtual StatusOr<bool> Rotate(std::string_view jti, int64_t now,
                                const RefreshTokenRecord& successor) = 0;

  // Notes that the token was used to refresh.
  virtual Status Touch(std::string_view jti, int64_t now) = 0;

  // Revoke every not-yet-revoked token of a family, or of a user, recording `events` (the
  // audit log's) in the same transaction. The number newly revoked.
  virtual StatusOr<int> RevokeFamily(std::string_view family, int64_t now, std::string_view reason,
                                     const std::vector<AuditEvent>& events) = 0;
  StatusOr<int> RevokeFamily(std::string_view family, int64_t now, std::string_view reason) {
    return RevokeFamily(family, now, reason, {});
  }
  // RevokeUser also moves the user's tokens_valid_after forward to `now` (never back), in the
  // same transaction, so tokens that were never recorded are refused too.
  virtual StatusOr<int> RevokeUser(int64_t user_id, int64_t now, std::string_view reason,
                                   const std::vector<AuditEvent>& events) = 0;
  StatusOr<int> RevokeUser(int64_t user_id, int64_t now, std::string_view reason) {
    return RevokeUser(user_id, now, reason, {});
  }

  // The user's tokens that are neither rotated, revoked nor expired at `now`, newest first.
  virtual StatusOr<std::vector<RefreshTokenRecord>> ListLive(int64_t user_id, int64_t now) = 0;
  // How many sessions are live at `now`, over every user (the admin console's dashboard).
  virtual StatusOr<int64_t> CountLive(int64_t now) = 0;

  // Deletes the records of tokens that expired before `before`; the number deleted.
  virtual StatusOr<int> DeleteExpired(int64_t before) = 0;
};

}  // namespace authd
