// The life of refresh tokens: recorded at login, rotated (with reuse detection) at refresh,
// ended by logout, by the user, by an administrator or by a password change.
//
// A "session" is a family: every refresh token descended, by rotation, from one login. Ending
// a session revokes its family. Presenting a token that rotation already retired is treated
// as theft (RFC 9700 section 4.14.2): the whole family is revoked, so whichever of the thief
// and the client holds the newer token loses it too, and the user logs in again.
//
// Access tokens are never looked up here: they stay stateless and expire on their own.
// Thread-safety: every method may be called from any thread at once; the store arbitrates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "tokens/token_service.h"
#include "util/clock.h"
#include "util/result.h"

namespace authd {

// A token's "last used" time is rewritten at most this often.
inline constexpr int64_t kLastUsedPrecisionSeconds = 60;

struct SessionPolicy {
  bool rotate = false;                   // a refresh also answers a new refresh token
  bool blacklist_after_rotation = true;  // ...and retires the old one (enables reuse detection)
  int64_t grace_seconds = 0;  // a retired token still refreshes this long after rotation
  // Live sessions a user may have; a login past it ends the oldest. 0: no limit.
  int max_sessions_per_user = 0;
  // Audit events older than this many days go with the expired records (FlushExpired).
  int64_t audit_retention_days = 90;
};

// Where a token was issued to, kept with its record.
struct ClientInfo {
  std::string_view user_agent;
  std::string_view address;
};

// Why a session operation was refused: a token error (incl. kBlacklisted), a token whose user
// is gone or inactive, or a store failure.
struct SessionFailure {
  enum class Kind { kToken, kNoActiveAccount, kStore };
  Kind kind;
  TokenError token = TokenError::kMalformed;
  Status status;
  // A retired refresh token presented again: whose it was, and how many tokens of its family
  // were revoked for it (0 for other failures), for the audit log's token.reuse_detected.
  int64_t reused_by = 0;
  int revoked = 0;
};

struct RefreshAnswer {
  std::string access;
  std::optional<std::string> refresh;  // set under rotation
};

// Whether a token issued at `iat` falls before a user's tokens_valid_after (`cutoff`, set by
// ending every session). Integer iat cannot order a token issued in the cutoff's own second:
// such a token is refused only when authd holds no record of it, since authd records every
// refresh token it issues and the same revocation ended the recorded ones that came first.
// Access tokens are never recorded (`recorded` true: that second is given the benefit).
bool IssuedBeforeCutoff(std::optional<int64_t> iat, int64_t cutoff, bool recorded);

class SessionService {
 public:
  SessionService(const TokenService& tokens, Store& store, const Clock& clock,
                 SessionPolicy policy);

  // A new pair for a user whose credentials were checked; its refresh token starts a family.
  // `extra` claims go into the pair (TokenService::IssuePair), such as "amr"; `events` (the
  // sign-in's login.succeeded) commit with the session's record.
  StatusOr<IssuedPair> Login(int64_t user_id, const ClientInfo& client,
                             const boost::json::object& extra = {},
                             const std::vector<AuditEvent>& events = {});

  // /api/token/refresh/.
  Result<RefreshAnswer, SessionFailure> Refresh(std::string_view refresh_token,
                                                const ClientInfo& client);

  // /api/token/blacklist/: ends the token's session.
  // The user whose session ended; nullopt when there was none to end (a deleted user's).
  // `event`, when given, is recorded with the logout, about that user.
  Result<std::optional<int64_t>, SessionFailure> Blacklist(
      std::string_view refresh_token, std::optional<AuditEvent> event = std::nullopt);

  // /api/token/verify/: any token type; a refresh token must also not be revoked or retired.
  Result<TokenClaims, SessionFailure> Verify(std::string_view token);

  // The user's live refresh tokens, newest first.
  StatusOr<std::vector<RefreshTokenRecord>> List(int64_t user_id);
  // Ends the session of one of the user's live tokens; NotFound when `jti` is not one. The
  // `events` that record it commit with it (store/audit_store.h), here and below.
  Status End(int64_t user_id, std::string_view jti, const std::vector<AuditEvent>& events = {});
  // Ends every session of the user; the number of tokens revoked.
  StatusOr<int> EndAll(int64_t user_id, std::string_view reason,
                       const std::vector<AuditEvent>& events = {});

  // Deletes records of tokens that can no longer be used because they expired: refresh tokens,
  // and the hashes of mailed links (reset, verification). The number deleted.
  StatusOr<int> FlushExpired();

  const SessionPolicy& policy() const { return policy_; }

 private:
  // The token's record; one is made for a valid token that was never recorded (issued before
  // authd kept records, or by a Django service sharing the key), so it can still be revoked.
  StatusOr<RefreshTokenRecord> RecordOf(const TokenClaims& claims);
  // True when a token retired by rotation may still be used (grace period, or no blacklisting).
  bool RetiredButAccepted(const RefreshTokenRecord& record, int64_t now) const;
  Result<RefreshAnswer, SessionFailure> Rotate(const TokenClaims& claims,
                                               const RefreshTokenRecord& record,
                                               const ClientInfo& client);
  // Revokes the family of a retired token presented again, and answers kBlacklisted.
  SessionFailure ReuseDetected(const RefreshTokenRecord& record, int64_t now);

  const TokenService& tokens_;
  Store& store_;
  const Clock& clock_;
  SessionPolicy policy_;
};

}  // namespace authd
