// The applications that sign their users in through authd (authd as an OpenID provider):
// each client's id, its secret's hash (confidential clients; public ones have none), its name
// and the exact redirect URIs it registered. Made with `authd clients add` or
// POST /api/admin/clients/.
// One implementation per backend, held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_store.h"
#include "util/status.h"

namespace authd {

struct OAuthClient {
  std::string client_id;
  std::string secret_hash;  // hex SHA-256 of the secret (256 random bits); empty: a public client
  std::string name;
  std::vector<std::string> redirect_uris;  // compared exactly, never by prefix
  bool first_party = false;  // its users are not asked for consent
  int64_t created_at = 0;    // seconds

  bool is_public() const { return secret_hash.empty(); }
};

class ClientStore {
 public:
  virtual ~ClientStore() = default;

  // AlreadyExists when the id is taken. `events` are recorded with it.
  virtual Status Insert(const OAuthClient& client, const std::vector<AuditEvent>& events) = 0;
  // NotFound when there is no such client.
  virtual StatusOr<OAuthClient> Find(std::string_view client_id) = 0;
  // Every client, in the order they were added.
  virtual StatusOr<std::vector<OAuthClient>> List() = 0;
  // Whether it existed (and is now gone, with `events` recorded).
  virtual StatusOr<bool> Delete(std::string_view client_id, const std::vector<AuditEvent>& events) = 0;
};

}  // namespace authd
