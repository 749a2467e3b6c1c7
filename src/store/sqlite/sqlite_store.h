// The SQLite implementation of Store: UserStore, SecretStore and TokenStore over one database file.
#pragma once

#include <memory>
#include <string>

#include "store/sqlite/connection_pool.h"
#include "store/sqlite/sqlite_mail_store.h"
#include "store/sqlite/sqlite_mfa_store.h"
#include "store/sqlite/sqlite_client_store.h"
#include "store/sqlite/sqlite_oidc_store.h"
#include "store/sqlite/sqlite_passkey_store.h"
#include "store/sqlite/sqlite_audit_store.h"
#include "store/sqlite/sqlite_webhook_store.h"
#include "store/sqlite/sqlite_throttle_store.h"
#include "store/sqlite/sqlite_token_store.h"
#include "store/store.h"

namespace authd::sqlite {

class SqliteUserStore final : public UserStore {
 public:
  explicit SqliteUserStore(ConnectionPool& pool) : pool_(pool) {}
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
  ConnectionPool& pool_;
};

class SqliteSecretStore final : public SecretStore {
 public:
  explicit SqliteSecretStore(ConnectionPool& pool) : pool_(pool) {}
  StatusOr<std::string> GetOrCreate(std::string_view name,
                                    const std::function<std::string()>& make) override;

 private:
  ConnectionPool& pool_;
};

class SqliteStore final : public Store {
 public:
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path,
                                                     const StoreOptions& options);
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
  bool local() const override { return true; }
  Status Migrate() override;
  StatusOr<int> SchemaVersion() override;
  std::unique_ptr<ChangeFeed> OpenChangeFeed() override;

 private:
  explicit SqliteStore(std::unique_ptr<ConnectionPool> pool)
      : pool_(std::move(pool)), users_(*pool_), secrets_(*pool_), tokens_(*pool_), throttle_(*pool_),
        mail_(*pool_), mfa_(*pool_), passkeys_(*pool_), audit_(*pool_), webhooks_(*pool_), oidc_(*pool_), clients_(*pool_) {}
  std::unique_ptr<ConnectionPool> pool_;
  SqliteUserStore users_;
  SqliteSecretStore secrets_;
  SqliteTokenStore tokens_;
  SqliteThrottleStore throttle_;
  SqliteMailStore mail_;
  SqliteMfaStore mfa_;
  SqlitePasskeyStore passkeys_;
  SqliteAuditStore audit_;
  SqliteWebhookStore webhooks_;
  SqliteOidcStore oidc_;
  SqliteClientStore clients_;
};

}  // namespace authd::sqlite
