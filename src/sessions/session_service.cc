#include "sessions/session_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "util/utf8.h"

namespace authd {
namespace {

Err<SessionFailure> TokenFailure(TokenError e) {
  return Err{SessionFailure{.kind = SessionFailure::Kind::kToken, .token = e}};
}
Err<SessionFailure> StoreFailure(Status s) {
  return Err{SessionFailure{.kind = SessionFailure::Kind::kStore, .status = std::move(s)}};
}
Err<SessionFailure> NoActiveAccount() {
  return Err{SessionFailure{.kind = SessionFailure::Kind::kNoActiveAccount}};
}

RefreshTokenRecord NewRecord(const TokenClaims& claims, std::string family,
                             const ClientInfo& client) {
  return {.jti = claims.jti,
          .user_id = claims.user_id.value_or(0),
          .family = std::move(family),
          .issued_at = claims.iat.value_or(0),
          .expires_at = claims.exp,
          // Shown in session lists and stored in databases that insist on UTF-8: a cut
          // mid-character or a raw byte made invalid JSON on SQLite and a 500 on PostgreSQL.
          .user_agent = SanitizeUtf8(client.user_agent, 512),
          .client_address = std::string(client.address)};
}

}  // namespace

bool IssuedBeforeCutoff(std::optional<int64_t> iat, int64_t cutoff, bool recorded) {
  if (cutoff <= 0) return false;
  const int64_t issued = iat.value_or(0);  // a token without iat predates every cutoff
  return issued < cutoff || (issued == cutoff && !recorded);
}

SessionService::SessionService(const TokenService& tokens, Store& store, const Clock& clock,
                               SessionPolicy policy)
    : tokens_(tokens), store_(store), clock_(clock), policy_(policy) {}

StatusOr<IssuedPair> SessionService::Login(int64_t user_id, const ClientInfo& client,
                                           const boost::json::object& extra,
                                           const std::vector<AuditEvent>& events) {
  IssuedPair pair = tokens_.IssuePair(user_id, extra);
  const TokenClaims& c = pair.refresh_claims;
  AUTHD_RETURN_IF_ERROR(store_.tokens().Insert(NewRecord(c, c.jti, client), events));
  if (policy_.max_sessions_per_user > 0) {
    // Each live token stands for one session (rotation retires the rest of its family).
    // Past the limit the oldest sessions end, so a script logging in in a loop cannot grow
    // one user's records without bound.
    auto live = store_.tokens().ListLive(user_id, clock_.NowSeconds());  // newest first
    if (!live.ok()) return live.status();
    std::vector<std::string> ended;
    for (size_t i = static_cast<size_t>(policy_.max_sessions_per_user); i < live->size(); ++i) {
      const std::string& family = (*live)[i].family;
      if (family == c.jti || std::find(ended.begin(), ended.end(), family) != ended.end()) continue;
      auto revoked = store_.tokens().RevokeFamily(family, clock_.NowSeconds(), "session_limit");
      if (!revoked.ok()) return revoked.status();
      ended.push_back(family);
    }
  }
  return pair;
}

StatusOr<RefreshTokenRecord> SessionService::RecordOf(const TokenClaims& claims) {
  auto found = store_.tokens().Find(claims.jti);
  if (found.status().code() != StatusCode::kNotFound) return found;
  RefreshTokenRecord adopted = NewRecord(claims, claims.jti, {});
  Status inserted = store_.tokens().Insert(adopted);
  // Another request may have adopted it first; either way the stored record is the truth.
  if (inserted.ok()) return adopted;
  if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
  return store_.tokens().Find(claims.jti);
}

bool SessionService::RetiredButAccepted(const RefreshTokenRecord& r, int64_t now) const {
  if (r.revoked_at || !r.rotated_at) return false;
  if (!policy_.blacklist_after_rotation) return true;  // simplejwt without blacklisting
  return policy_.grace_seconds > 0 && now - *r.rotated_at <= policy_.grace_seconds;
}

SessionFailure SessionService::ReuseDetected(const RefreshTokenRecord& r, int64_t now) {
  auto revoked = store_.tokens().RevokeFamily(r.family, now, "reuse_detected");
  if (!revoked.ok()) return StoreFailure(revoked.status()).error;
  spdlog::warn("refresh token reuse: user {} presented retired token {} of family {}; "
               "{} token(s) of the family revoked", r.user_id, r.jti, r.family, *revoked);
  SessionFailure failure = TokenFailure(TokenError::kBlacklisted).error;
  failure.reused_by = r.user_id;
  failure.revoked = *revoked;
  return failure;
}

Result<RefreshAnswer, SessionFailure> SessionService::Refresh(std::string_view token,
                                                              const ClientInfo& client) {
  auto claims = tokens_.Verify(token, kRefreshType);
  if (!claims.ok()) return TokenFailure(claims.error());
  const int64_t now = clock_.NowSeconds();

  // The token's record and its user, read together.
  std::optional<RefreshTokenRecord> found;
  std::optional<User> owner;
  if (claims->user_id) {
    auto lookup = store_.tokens().FindForRefresh(claims->jti, *claims->user_id);
    if (!lookup.ok()) return StoreFailure(lookup.status());
    found = std::move(lookup->record);
    owner = std::move(lookup->owner);
  } else {
    auto record = store_.tokens().Find(claims->jti);
    if (!record.ok() && record.status().code() != StatusCode::kNotFound) {
      return StoreFailure(record.status());
    }
    if (record.ok()) found = std::move(record).value();
  }

  // As newer simplejwt: a revoked token is refused as such before the user is looked at.
  if (found) {
    if (found->revoked_at) return TokenFailure(TokenError::kBlacklisted);
    if (found->rotated_at && !RetiredButAccepted(*found, now)) {
      return Err{ReuseDetected(*found, now)};
    }
  }

  // A refresh for a deleted or inactive user is refused (newer simplejwt's answer).
  if (!owner || !owner->is_active) return NoActiveAccount();
  // Ended with every other session of the user, even if authd never recorded it (a token
  // from a Django service sharing the key).
  if (IssuedBeforeCutoff(claims->iat, owner->tokens_valid_after, found.has_value())) {
    return TokenFailure(TokenError::kBlacklisted);
  }

  auto record = found ? StatusOr<RefreshTokenRecord>(std::move(*found)) : RecordOf(*claims);
  if (!record.ok()) return StoreFailure(record.status());
  if (policy_.rotate) {
    auto rotated = Rotate(*claims, *record, client);
    // Retired: kept in memory it would only take the place of tokens still in use.
    if (rotated.ok()) tokens_.Forget(token);
    return rotated;
  }
  // "Last used" is for people reading their session list: a minute's precision is plenty, and
  // it spares a durable write on nearly every refresh.
  if (!record->last_used_at || now - *record->last_used_at >= kLastUsedPrecisionSeconds) {
    if (Status s = store_.tokens().Touch(record->jti, now); !s.ok()) return StoreFailure(s);
  }
  return RefreshAnswer{.access = tokens_.IssueAccessFrom(*claims)};
}

Result<RefreshAnswer, SessionFailure> SessionService::Rotate(const TokenClaims& claims,
                                                             const RefreshTokenRecord& record,
                                                             const ClientInfo& client) {
  const int64_t now = clock_.NowSeconds();
  // As simplejwt: the access token comes from the presented refresh token, then the refresh
  // token gets a new jti, exp and iat.
  RefreshAnswer answer{.access = tokens_.IssueAccessFrom(claims)};
  IssuedToken next = tokens_.IssueRotatedRefresh(claims);
  const RefreshTokenRecord successor = NewRecord(next.claims, record.family, client);

  if (policy_.blacklist_after_rotation) {
    // The store decides, not `record` (read earlier): of concurrent rotations one wins.
    auto won = store_.tokens().Rotate(record.jti, now, successor);
    if (!won.ok()) return StoreFailure(won.status());
    if (!*won) {
      // Already retired: by a concurrent refresh of the same token (a second use), or
      // earlier with a grace period still running.
      auto current = store_.tokens().Find(record.jti);
      if (!current.ok()) return StoreFailure(current.status());
      if (current->revoked_at) return TokenFailure(TokenError::kBlacklisted);
      if (!RetiredButAccepted(*current, now)) return Err{ReuseDetected(*current, now)};
      if (Status s = store_.tokens().Insert(successor); !s.ok()) return StoreFailure(s);
    }
  } else {
    // Without blacklisting the old token stays usable (simplejwt's behaviour): the successor
    // joins the family beside it.
    if (Status s = store_.tokens().Insert(successor); !s.ok()) return StoreFailure(s);
    if (Status s = store_.tokens().Touch(record.jti, now); !s.ok()) return StoreFailure(s);
  }
  answer.refresh = std::move(next.token);
  return answer;
}

Result<std::optional<int64_t>, SessionFailure> SessionService::Blacklist(
    std::string_view token, std::optional<AuditEvent> event) {
  auto claims = tokens_.Verify(token, kRefreshType);
  if (!claims.ok()) return TokenFailure(claims.error());
  // A token of a user who no longer exists can be used for nothing; there is nothing to end.
  if (!claims->user_id) return std::optional<int64_t>();
  auto user = store_.users().FindById(*claims->user_id);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) return std::optional<int64_t>();
    return StoreFailure(user.status());
  }

  auto record = RecordOf(*claims);
  if (!record.ok()) return StoreFailure(record.status());
  const int64_t now = clock_.NowSeconds();
  if (record->revoked_at) return TokenFailure(TokenError::kBlacklisted);
  if (record->rotated_at && !RetiredButAccepted(*record, now)) {
    return Err{ReuseDetected(*record, now)};
  }
  std::vector<AuditEvent> events;
  if (event) {
    event->subject_user_id = user->id;
    event->actor = std::to_string(user->id);
    events.push_back(std::move(*event));
  }
  auto revoked = store_.tokens().RevokeFamily(record->family, now, "logout", events);
  if (!revoked.ok()) return StoreFailure(revoked.status());
  return std::optional<int64_t>(user->id);
}

Result<TokenClaims, SessionFailure> SessionService::Verify(std::string_view token) {
  auto claims = tokens_.Verify(token, std::nullopt);
  if (!claims.ok()) return TokenFailure(claims.error());
  const bool refresh = claims->token_type == kRefreshType;
  if (refresh) {
    auto record = store_.tokens().Find(claims->jti);
    if (record.ok()) {
      // Its record decides: ending every session revoked it if it came first. Verification
      // only looks: a retired token shown here does not trigger reuse revocation, since
      // whoever verifies may not be whoever holds it.
      if (record->revoked_at ||
          (record->rotated_at && !RetiredButAccepted(*record, clock_.NowSeconds()))) {
        return TokenFailure(TokenError::kBlacklisted);
      }
      return std::move(claims).value();
    }
    if (record.status().code() != StatusCode::kNotFound) return StoreFailure(record.status());
  }
  // An access token, or a refresh token authd never recorded: refused when it predates the
  // user's last "end every session".
  if (claims->user_id) {
    auto owner = store_.users().FindById(*claims->user_id);
    if (!owner.ok() && owner.status().code() != StatusCode::kNotFound) {
      return StoreFailure(owner.status());
    }
    if (owner.ok() &&
        IssuedBeforeCutoff(claims->iat, owner->tokens_valid_after, /*recorded=*/!refresh)) {
      return TokenFailure(TokenError::kBlacklisted);
    }
  }
  return std::move(claims).value();
}

StatusOr<std::vector<RefreshTokenRecord>> SessionService::List(int64_t user_id) {
  return store_.tokens().ListLive(user_id, clock_.NowSeconds());
}

Status SessionService::End(int64_t user_id, std::string_view jti,
                           const std::vector<AuditEvent>& events) {
  auto record = store_.tokens().Find(jti);
  if (!record.ok()) return record.status();
  const int64_t now = clock_.NowSeconds();
  // Someone else's token, or one already over, is "not found" to this user.
  if (record->user_id != user_id || !record->live() || record->expires_at <= now) {
    return NotFound("no such session");
  }
  return store_.tokens().RevokeFamily(record->family, now, "session_ended", events).status();
}

StatusOr<int> SessionService::EndAll(int64_t user_id, std::string_view reason,
                                     const std::vector<AuditEvent>& events) {
  return store_.tokens().RevokeUser(user_id, clock_.NowSeconds(), reason, events);
}

StatusOr<int> SessionService::FlushExpired() {
  // Leeway is honoured at verification, so a record stays while its token could still pass.
  auto records =
      store_.tokens().DeleteExpired(clock_.NowSeconds() - tokens_.lifetimes().leeway_seconds);
  if (!records.ok()) return records;
  // Mailed links (store/mail_store.h) that expired are as dead: their hashes go too.
  auto links = store_.mail().DeleteExpiredTokens(clock_.NowSeconds());
  if (!links.ok()) return links;
  auto challenges = store_.mfa().DeleteExpiredChallenges(clock_.NowSeconds());
  if (!challenges.ok()) return challenges;
  auto ceremonies = store_.passkeys().DeleteExpiredChallenges(clock_.NowSeconds());
  if (!ceremonies.ok()) return ceremonies;
  // Sign-ins with a provider that were never finished (store/oidc_store.h).
  auto flows = store_.oidc().DeleteExpiredFlows(clock_.NowSeconds());
  if (!flows.ok()) return flows;
  // The audit log's retention (AUTHD_AUDIT_RETENTION_DAYS).
  auto events = store_.audit().DeleteOlderThan(
      clock_.NowMicros() - policy_.audit_retention_days * 86'400'000'000);
  if (!events.ok()) return events;
  // Webhook deliveries done with (delivered or failed) go with their events.
  auto deliveries = store_.webhooks().DeleteFinishedBefore(
      clock_.NowMicros() - policy_.audit_retention_days * 86'400'000'000);
  if (!deliveries.ok()) return deliveries;
  return *records + *links + *challenges + *ceremonies + *flows + *events + *deliveries;
}

}  // namespace authd
