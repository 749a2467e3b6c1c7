// A Store in front of another, answering the hot reads (a user by id, a refresh-token record)
// from a RowCache. What the cache promises:
//   - a change made through this store is seen by the very next read, on any thread;
//   - a change made by another process (another `authd serve` on the same SQLite file or the
//     same PostgreSQL, `authd changepassword`, an operator's SQL) within 1 s, through the
//     backend's ChangeFeed, polled on a thread of its own;
//   - while the feed cannot see changes (PostgreSQL connection lost) nothing is served from
//     memory.
// Everything else passes straight through.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "store/cache/row_cache.h"
#include "store/store.h"

namespace authd {

class CachedUserStore final : public UserStore {
 public:
  CachedUserStore(UserStore& inner, RowCache& cache) : inner_(inner), cache_(cache) {}
  using UserStore::Create;
  StatusOr<User> Create(const NewUser& user, const Effects& effects) override {
    return inner_.Create(user, effects);
  }
  Status Import(const User& user) override;
  StatusOr<User> FindById(int64_t id) override;
  StatusOr<User> FindByUsername(std::string_view username) override {
    return inner_.FindByUsername(username);
  }
  StatusOr<std::vector<User>> FindByEmail(std::string_view email) override {
    return inner_.FindByEmail(email);
  }
  StatusOr<std::vector<std::string>> SharedVerifiedEmails(int limit) override {
    return inner_.SharedVerifiedEmails(limit);
  }
  Status SetPasswordHash(int64_t id, std::string_view password_hash) override;
  Status SetLastLogin(int64_t id, int64_t micros) override;
  StatusOr<User> Update(int64_t id, const UserUpdate& update) override;
  using UserStore::Delete;
  Status Delete(int64_t id, const std::vector<AuditEvent>& events) override;
  StatusOr<UserPage> List(const UserQuery& query) override { return inner_.List(query); }
  StatusOr<int64_t> CountActiveSuperusers() override { return inner_.CountActiveSuperusers(); }

 private:
  UserStore& inner_;
  RowCache& cache_;
};

class CachedTokenStore final : public TokenStore {
 public:
  CachedTokenStore(TokenStore& inner, RowCache& cache) : inner_(inner), cache_(cache) {}
  using TokenStore::Insert;
  Status Insert(const RefreshTokenRecord& record, const std::vector<AuditEvent>& events) override {
    return inner_.Insert(record, events);
  }
  StatusOr<RefreshTokenRecord> Find(std::string_view jti) override;
  StatusOr<RefreshLookup> FindForRefresh(std::string_view jti, int64_t user_id) override;
  StatusOr<bool> Rotate(std::string_view jti, int64_t now,
                        const RefreshTokenRecord& successor) override;
  Status Touch(std::string_view jti, int64_t now) override;
  using TokenStore::RevokeFamily;
  using TokenStore::RevokeUser;
  StatusOr<int> RevokeFamily(std::string_view family, int64_t now, std::string_view reason,
                             const std::vector<AuditEvent>& events) override;
  StatusOr<int> RevokeUser(int64_t user_id, int64_t now, std::string_view reason,
                           const std::vector<AuditEvent>& events) override;
  StatusOr<std::vector<RefreshTokenRecord>> ListLive(int64_t user_id, int64_t now) override {
    return inner_.ListLive(user_id, now);
  }
  StatusOr<int64_t> CountLive(int64_t now) override { return inner_.CountLive(now); }
  StatusOr<int> DeleteExpired(int64_t before) override;

 private:
  // The user whose record `jti` is, if this thread has it; AllChanged when it is not known.
  void Changed(std::string_view jti);
  TokenStore& inner_;
  RowCache& cache_;
};

class CachedStore final : public Store {
 public:
  // Starts the thread that polls `inner`'s change feed.
  explicit CachedStore(std::unique_ptr<Store> inner);
  ~CachedStore() override;

  UserStore& users() override { return users_; }
  SecretStore& secrets() override { return inner_->secrets(); }
  TokenStore& tokens() override { return tokens_; }
  ThrottleStore& throttle() override { return inner_->throttle(); }
  // Mail changes no user or refresh-token row (a spent token goes with UserStore::Update).
  MailStore& mail() override { return inner_->mail(); }
  MfaStore& mfa() override { return inner_->mfa(); }
  PasskeyStore& passkeys() override { return inner_->passkeys(); }
  AuditStore& audit() override { return inner_->audit(); }
  WebhookStore& webhooks() override { return inner_->webhooks(); }
  OidcStore& oidc() override { return inner_->oidc(); }
  ClientStore& clients() override { return inner_->clients(); }
  bool local() const override { return inner_->local(); }
  Status Migrate() override;
  StatusOr<int> SchemaVersion() override { return inner_->SchemaVersion(); }
  std::unique_ptr<ChangeFeed> OpenChangeFeed() override { return inner_->OpenChangeFeed(); }

  RowCache& cache() { return cache_; }

  // How often the feed is polled: changes by other processes show within this (and the time a
  // feed takes to report), well inside the promised second.
  static constexpr std::chrono::milliseconds kPollInterval{200};

 private:
  void Watch();

  std::unique_ptr<Store> inner_;
  RowCache cache_;
  CachedUserStore users_;
  CachedTokenStore tokens_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // GUARDED_BY(mu_)
  std::thread watcher_;
};

}  // namespace authd
