// The SQLite implementation of OidcStore: the oidc_flows and oidc_identities tables
// (migration 11) and oidc_codes (migration 12).
#pragma once

#include "store/oidc_store.h"
#include "store/sqlite/connection_pool.h"

namespace authd::sqlite {

// Inserts the identity on `conn`, inside the caller's transaction (a user a sign-in creates
// comes with its identity); its id. AlreadyExists when the pair is linked already.
StatusOr<int64_t> LinkIdentityOn(Connection& conn, const OidcIdentity& identity);

class SqliteOidcStore final : public OidcStore {
 public:
  explicit SqliteOidcStore(ConnectionPool& pool) : pool_(pool) {}
  Status InsertFlow(const OidcFlow& flow) override;
  StatusOr<OidcFlow> TakeFlow(std::string_view state_hash, int64_t now) override;
  StatusOr<int> DeleteExpiredFlows(int64_t before) override;
  Status InsertCode(const OidcCode& code) override;
  StatusOr<OidcCode> TakeCode(std::string_view code_hash, int64_t now) override;
  StatusOr<OidcIdentity> FindIdentity(std::string_view provider, std::string_view subject) override;
  StatusOr<int64_t> Link(const OidcIdentity& identity, const std::vector<AuditEvent>& events) override;
  Status Touch(int64_t id, int64_t now) override;
  StatusOr<std::vector<OidcIdentity>> List(int64_t user_id) override;
  StatusOr<bool> Unlink(int64_t user_id, int64_t id, const std::vector<AuditEvent>& events) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace authd::sqlite
