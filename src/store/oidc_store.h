// Signing in with OpenID Connect providers: the flows under way (state, nonce, PKCE verifier,
// the browser they belong to), kept server side so any instance can finish one, and the
// identities linked to authd's users. One implementation per backend, held to the same
// contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_store.h"
#include "util/status.h"

namespace authd {

// One authorization request sent to a provider, until its callback.
struct OidcFlow {
  std::string state_hash;     // hex SHA-256 of the state sent: the state itself is not kept
  std::string provider;       // its id in the settings
  std::string nonce;          // the ID token must carry it
  std::string code_verifier;  // PKCE (RFC 7636): goes only to the provider's token endpoint
  std::string browser_hash;   // hex SHA-256 of the binding cookie set with the redirect
  std::string next;           // a path of this site, or one of AUTHD_OIDC_CLIENT_REDIRECTS
  std::optional<int64_t> link_user_id;  // linking another provider to this signed-in user
  int64_t expires_at = 0;     // seconds since the epoch
};

// A sign-in a provider finished, until the one-time code handed out for it is exchanged for
// tokens (POST /api/oidc/exchange/): tokens never travel in a URL.
struct OidcCode {
  std::string code_hash;     // hex SHA-256 of the code: the code itself is not kept
  int64_t user_id = 0;
  std::string provider;
  std::string browser_hash;  // the flow's binding cookie's hash; empty for an API client's code
  int64_t expires_at = 0;    // seconds since the epoch
};

// A provider's account linked to an authd user.
struct OidcIdentity {
  int64_t id = 0;
  std::string provider;
  std::string subject;  // the provider's "sub"
  int64_t user_id = 0;
  std::string email;    // as the provider gave it when linked, for people to recognise it
  int64_t created_at = 0;  // seconds
  std::optional<int64_t> last_used_at;
};

class OidcStore {
 public:
  virtual ~OidcStore() = default;

  virtual Status InsertFlow(const OidcFlow& flow) = 0;
  // The unexpired flow of `state_hash` at `now`, deleted as it is read (one statement): a
  // state serves one callback, on whichever instance. NotFound otherwise.
  virtual StatusOr<OidcFlow> TakeFlow(std::string_view state_hash, int64_t now) = 0;
  // Flows and codes that expired before `before`; how many.
  virtual StatusOr<int> DeleteExpiredFlows(int64_t before) = 0;

  virtual Status InsertCode(const OidcCode& code) = 0;
  // As TakeFlow: the unexpired code, deleted as it is read. NotFound otherwise.
  virtual StatusOr<OidcCode> TakeCode(std::string_view code_hash, int64_t now) = 0;

  // NotFound when no user has this identity.
  virtual StatusOr<OidcIdentity> FindIdentity(std::string_view provider, std::string_view subject) = 0;
  // Links it (and appends `events` in the same transaction); its id. AlreadyExists when the
  // (provider, subject) pair is linked already, to anyone.
  virtual StatusOr<int64_t> Link(const OidcIdentity& identity, const std::vector<AuditEvent>& events) = 0;
  virtual Status Touch(int64_t id, int64_t now) = 0;
  // The user's identities, oldest first.
  virtual StatusOr<std::vector<OidcIdentity>> List(int64_t user_id) = 0;
  // Whether it was one of the user's (and is now gone, with `events` recorded).
  virtual StatusOr<bool> Unlink(int64_t user_id, int64_t id, const std::vector<AuditEvent>& events) = 0;
};

}  // namespace authd
