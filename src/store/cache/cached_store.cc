#include "store/cache/cached_store.h"

namespace authd {

// --- users ------------------------------------------------------------------------------
// Every write tells the cache after it returns, whatever it returned: a failure after the
// commit (a lost connection) must not leave a stale row behind.

StatusOr<User> CachedUserStore::FindById(int64_t id) {
  if (auto hit = cache_.FindUser(id)) return std::move(*hit);
  const RowCache::Ticket ticket = cache_.Begin(id);
  auto user = inner_.FindById(id);
  if (user.ok()) cache_.PutUser(ticket, *user);
  return user;
}

Status CachedUserStore::Import(const User& user) {
  Status s = inner_.Import(user);
  cache_.UserChanged(user.id);
  return s;
}

Status CachedUserStore::SetPasswordHash(int64_t id, std::string_view password_hash) {
  Status s = inner_.SetPasswordHash(id, password_hash);
  cache_.UserChanged(id);
  return s;
}

Status CachedUserStore::SetLastLogin(int64_t id, int64_t micros) {
  Status s = inner_.SetLastLogin(id, micros);
  cache_.UserChanged(id);
  return s;
}

StatusOr<User> CachedUserStore::Update(int64_t id, const UserUpdate& update) {
  auto user = inner_.Update(id, update);
  cache_.UserChanged(id);
  return user;
}

Status CachedUserStore::Delete(int64_t id, const std::vector<AuditEvent>& events) {
  Status s = inner_.Delete(id, events);
  cache_.UserChanged(id);
  return s;
}

// --- refresh tokens -----------------------------------------------------------------------

StatusOr<RefreshTokenRecord> CachedTokenStore::Find(std::string_view jti) {
  if (auto hit = cache_.FindToken(jti)) return std::move(*hit);
  auto first = inner_.Find(jti);
  if (!first.ok()) return first;
  // A ticket must be taken before the read it vouches for, and the owner is known only after
  // the first read: a second read, under the ticket, is the one kept. Only on a miss.
  const RowCache::Ticket ticket = cache_.Begin(first->user_id);
  auto record = inner_.Find(jti);
  if (record.ok() && record->user_id == first->user_id) cache_.PutToken(ticket, *record);
  return record;
}

StatusOr<RefreshLookup> CachedTokenStore::FindForRefresh(std::string_view jti, int64_t user_id) {
  auto record = cache_.FindToken(jti);
  auto owner = cache_.FindUser(user_id);
  if (record && owner && record->user_id == user_id) {
    return RefreshLookup{.record = std::move(record), .owner = std::move(owner)};
  }
  const RowCache::Ticket ticket = cache_.Begin(user_id);
  auto lookup = inner_.FindForRefresh(jti, user_id);
  if (!lookup.ok()) return lookup;
  if (lookup->record && lookup->record->user_id == user_id) {
    cache_.PutToken(ticket, *lookup->record);
  }
  if (lookup->owner) cache_.PutUser(ticket, *lookup->owner);
  return lookup;
}

void CachedTokenStore::Changed(std::string_view jti) {
  if (auto owner = cache_.OwnerOf(jti)) {
    cache_.UserChanged(*owner);
  } else {
    cache_.AllChanged();
  }
}

StatusOr<bool> CachedTokenStore::Rotate(std::string_view jti, int64_t now,
                                        const RefreshTokenRecord& successor) {
  auto won = inner_.Rotate(jti, now, successor);
  cache_.UserChanged(successor.user_id);  // a family is one user's
  if (won.ok() && *won) cache_.ForgetToken(jti);
  return won;
}

Status CachedTokenStore::Touch(std::string_view jti, int64_t now) {
  Status s = inner_.Touch(jti, now);
  Changed(jti);
  return s;
}

StatusOr<int> CachedTokenStore::RevokeFamily(std::string_view family, int64_t now,
                                             std::string_view reason,
                                             const std::vector<AuditEvent>& events) {
  auto revoked = inner_.RevokeFamily(family, now, reason, events);
  // The family's first token is named `family`; it and its successors are one user's.
  Changed(family);
  return revoked;
}

StatusOr<int> CachedTokenStore::RevokeUser(int64_t user_id, int64_t now,
                                           std::string_view reason,
                                           const std::vector<AuditEvent>& events) {
  auto revoked = inner_.RevokeUser(user_id, now, reason, events);
  cache_.UserChanged(user_id);  // their records and their tokens_valid_after
  return revoked;
}

StatusOr<int> CachedTokenStore::DeleteExpired(int64_t before) {
  auto deleted = inner_.DeleteExpired(before);
  if (!deleted.ok() || *deleted > 0) cache_.AllChanged();
  return deleted;
}

// --- the store and its watcher ------------------------------------------------------------

CachedStore::CachedStore(std::unique_ptr<Store> inner)
    : inner_(std::move(inner)),
      users_(inner_->users(), cache_),
      tokens_(inner_->tokens(), cache_),
      watcher_([this] { Watch(); }) {}

CachedStore::~CachedStore() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  watcher_.join();
}

Status CachedStore::Migrate() {
  Status s = inner_->Migrate();
  cache_.AllChanged();
  return s;
}

void CachedStore::Watch() {
  std::unique_ptr<ChangeFeed> feed = inner_->OpenChangeFeed();
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto start = std::chrono::steady_clock::now();
    lock.unlock();
    feed->Poll(kPollInterval, cache_);
    lock.lock();
    cv_.wait_until(lock, start + kPollInterval, [this] { return stopping_; });
  }
  lock.unlock();
  cache_.Watching(false);
}

}  // namespace authd
