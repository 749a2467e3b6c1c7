// Passkeys (WebAuthn credentials) and the challenges of their ceremonies. The credentials'
// public keys are not secret; the challenges are kept as hashes, single use, for five
// minutes, in the database so that the instance answering a ceremony's second request need
// not be the one that answered its first.
// One implementation per backend, held to the same contract by the store conformance tests.
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

struct Passkey {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string credential_id;  // base64url, as browsers name it (unique across users)
  std::string public_key;     // the COSE_Key, base64url
  int64_t alg = 0;            // COSE algorithm: -7 ES256, -8 EdDSA, -257 RS256
  int64_t sign_count = 0;
  std::string user_handle;    // base64url: the user.id the authenticator keeps with it
  std::string aaguid;         // hex: the authenticator's model (zeros when it keeps it quiet)
  std::string name;
  int64_t created_at = 0;     // seconds
  std::optional<int64_t> last_used_at;
  // Its counter once went backwards (a cloned authenticator is suspected): refused from then
  // on, until its owner removes it.
  bool flagged = false;
};

// A ceremony under way: the hash of the challenge the options carried.
struct PasskeyChallenge {
  std::string hash;
  std::string purpose;  // "register", "mfa" (a second factor) or "login" (passwordless)
  int64_t user_id = 0;  // 0 for "login": who signs in is not known yet
  int64_t expires_at = 0;  // seconds
  // "register": the user.id the options gave the authenticator (base64url), which the
  // attestation does not repeat; empty otherwise.
  std::string user_handle;
};

class PasskeyStore {
 public:
  virtual ~PasskeyStore() = default;

  // The new passkey's id; AlreadyExists when its credential id is registered (to anyone).
  // `events` are recorded in the same transaction.
  virtual StatusOr<int64_t> Insert(const Passkey& passkey, const std::vector<AuditEvent>& events) = 0;
  // The user's passkeys, oldest first.
  virtual StatusOr<std::vector<Passkey>> List(int64_t user_id) = 0;
  // NotFound when no passkey has this credential id.
  virtual StatusOr<Passkey> Find(std::string_view credential_id) = 0;
  // Records a use with the authenticator's new counter, atomically, if the counter moved
  // forward (or both are zero: an authenticator that keeps none). false otherwise: another
  // use got there first, or the counter went back.
  virtual StatusOr<bool> RecordUse(int64_t id, int64_t sign_count, int64_t now) = 0;
  virtual Status Flag(int64_t id) = 0;
  // Removes the user's passkey, recording `events` with it: false (and nothing recorded)
  // when the user has none with this id.
  virtual StatusOr<bool> Delete(int64_t user_id, int64_t id, const std::vector<AuditEvent>& events) = 0;
  // Usable (unflagged) passkeys of the user.
  virtual StatusOr<int64_t> Count(int64_t user_id) = 0;

  virtual Status InsertChallenge(const PasskeyChallenge& challenge) = 0;
  // Deletes and returns the unexpired challenge: one caller gets it, once. NotFound otherwise.
  virtual StatusOr<PasskeyChallenge> SpendChallenge(std::string_view hash, int64_t now) = 0;
  virtual StatusOr<int> DeleteExpiredChallenges(int64_t before) = 0;
};

}  // namespace authd
