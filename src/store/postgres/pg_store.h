// The PostgreSQL implementation of Store: the same four stores and the same schema versions
// as SQLite, over a pool of libpq connections. Every call blocks its thread on the network,
// so the API layer runs them on the store pool, never on an I/O thread.
#pragma once

#include <memory>
#include <string>

#include "store/postgres/pg_mail_store.h"
#include "store/postgres/pg_mfa_store.h"
#include "store/postgres/pg_client_store.h"
#include "store/postgres/pg_oidc_store.h"
#include "store/postgres/pg_passkey_store.h"
#include "store/postgres/pg_audit_store.h"
#include "store/postgres/pg_webhook_store.h"
#include "store/postgres/pg_pool.h"
#include "store/store.h"

namespace authd::pg {

class PgUserStore final : public UserStore {
 public:
  explicit PgUserStore(Pool& pool) : pool_(pool) {}
  using UserStore::Create;
  StatusOr<User> Create(const NewUser& user, const Effects& effects) override;
  Status Import(const User& user) override;
  StatusOr<User> FindById(int64_t id) override;
  StatusOr<User> FindByUsername(std::string_view username) override;
  StatusOr<std::vector<User>> FindByEmail(std::string_view email) override;
  StatusOr<std::vector<std::string>> SharedVerifiedEmails(int limit) override;
  Status SetPasswordHash(int64_t id, std::string_view password_hash) override;
  Status SetLastLogin(int64_t id, int64_t micros) override;
  StatusOr<User> Update(int64_t id, const UserUpdate& update) override;
  using UserStore::Delete;
  Status Delete(int64_t id, const std::vector<AuditEvent>& events) override;
  StatusOr<UserPage> List(const UserQuery& query) override;
  StatusOr<int64_t> CountActiveSuperusers() override;

 private:
  Pool& pool_;
};

class PgSecretStore final : public SecretStore {
 public:
  explicit PgSecretStore(Pool& pool) : pool_(pool) {}
  StatusOr<std::string> GetOrCreate(std::string_view name,
                                    const std::function<std::string()>& make) override;

 private:
  Pool& pool_;
};

class PgTokenStore final : public TokenStore {
 public:
  explicit PgTokenStore(Pool& pool) : pool_(pool) {}
  using TokenStore::Insert;
  Status Insert(const RefreshTokenRecord& record, const std::vector<AuditEvent>& events) override;
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
  StatusOr<std::vector<RefreshTokenRecord>> ListLive(int64_t user_id, int64_t now) override;
  StatusOr<int64_t> CountLive(int64_t now) override;
  StatusOr<int> DeleteExpired(int64_t before) override;

 private:
  Pool& pool_;
};

class PgThrottleStore final : public ThrottleStore {
 public:
  explicit PgThrottleStore(Pool& pool) : pool_(pool) {}
  StatusOr<std::optional<ThrottleEntry>> Find(std::string_view key) override;
  StatusOr<ThrottleEntry> Update(std::string_view key, const UpdateFn& update) override;
  Status Delete(std::string_view key) override;
  StatusOr<int> DeleteIdle(int64_t before) override;

 private:
  Pool& pool_;
};

class PgStore final : public Store {
 public:
  // Connects lazily: opening succeeds while the database is down (requests then get 503),
  // though Migrate() needs it up.
  static std::unique_ptr<PgStore> Open(const std::string& conninfo, const StoreOptions& options);
  UserStore& users() override { return users_; }
  SecretStore& secrets() override { return secrets_; }
  TokenStore& tokens() override { return tokens_; }
  ThrottleStore& throttle() override { return throttle_; }
  MailStore& mail() override { return mail_; }
  MfaStore& mfa() override { return mfa_; }
  PasskeyStore& passkeys() override { return passkeys_; }
  AuditStore& audit() override { return audit_; }
  WebhookStore& webhooks() override { return webhooks_; }
  OidcStore& oidc() override { return oidc_; }
  ClientStore& clients() override { return clients_; }
  bool local() const override { return false; }
  Status Migrate() override;
  StatusOr<int> SchemaVersion() override;
  std::unique_ptr<ChangeFeed> OpenChangeFeed() override;

 private:
  PgStore(std::string conninfo, std::unique_ptr<Pool> pool)
      : conninfo_(std::move(conninfo)), pool_(std::move(pool)), users_(*pool_), secrets_(*pool_), tokens_(*pool_),
        throttle_(*pool_), mail_(*pool_), mfa_(*pool_), passkeys_(*pool_), audit_(*pool_), webhooks_(*pool_), oidc_(*pool_), clients_(*pool_) {}
  const std::string conninfo_;
  std::unique_ptr<Pool> pool_;
  PgUserStore users_;
  PgSecretStore secrets_;
  PgTokenStore tokens_;
  PgThrottleStore throttle_;
  PgMailStore mail_;
  PgMfaStore mfa_;
  PgPasskeyStore passkeys_;
  PgAuditStore audit_;
  PgWebhookStore webhooks_;
  PgOidcStore oidc_;
  PgClientStore clients_;
};

}  // namespace authd::pg
