// The outbox and the one-time tokens behind mail: what must be sent, kept in the database so
// that a message acknowledged to a client survives a crash (at least once), and the hashes of
// the links mailed (password reset, email verification).
// One implementation per backend, held to the same contract by the store conformance tests.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace authd {

// One message to deliver. It names what to send, never a secret: the sender builds the mail
// (and mints any link's token) when it delivers, so the database holds no usable link.
struct OutboxMessage {
  int64_t id = 0;            // assigned by Enqueue
  std::string kind;          // "password_reset", "verify_email", "password_changed", ...
  int64_t user_id = 0;       // whom it concerns; 0 for none. UserStore::Create sets it.
  std::string recipient;     // the address to mail
  std::string data = "{}";   // a JSON object of the kind's own fields
  int64_t created_at = 0;    // microseconds since the epoch
  int attempts = 0;          // deliveries begun, this one included once claimed
};

// A link's token as stored: only its SHA-256, so a copy of the database opens no account.
struct OneTimeToken {
  std::string hash;     // hex SHA-256 of the token mailed
  std::string purpose;  // "password_reset" or "verify_email"
  int64_t user_id = 0;
  std::string email;    // the address it was mailed to (for verify_email: the one it verifies)
  int64_t created_at = 0;  // seconds since the epoch
  int64_t expires_at = 0;  // seconds since the epoch
};

inline constexpr std::string_view kPasswordResetPurpose = "password_reset";
inline constexpr std::string_view kVerifyEmailPurpose = "verify_email";

class MailStore {
 public:
  virtual ~MailStore() = default;

  // Queues `message`, due at once. Durable when this returns OK.
  virtual Status Enqueue(const OutboxMessage& message) = 0;

  // Takes up to `limit` messages that are due at `now` (microseconds) and not leased by anyone:
  // leases them until `lease_until`, counts the attempt and returns them, oldest first. A
  // message is handed to one claimer at a time, across threads, processes and instances; a
  // claimer that dies leaves it to be claimed again once the lease lapses.
  virtual StatusOr<std::vector<OutboxMessage>> Claim(int64_t now, int64_t lease_until,
                                                     int limit) = 0;
  // The message was delivered: it leaves the outbox.
  virtual Status Delivered(int64_t id) = 0;
  // It failed and is tried again at `next_attempt_at` (microseconds).
  virtual Status Retry(int64_t id, int64_t next_attempt_at, std::string_view error) = 0;
  // It failed for good: kept, marked failed with `error`, never claimed again.
  virtual Status Fail(int64_t id, std::string_view error, int64_t now) = 0;
  // Messages not yet delivered nor failed.
  virtual StatusOr<int64_t> Pending() = 0;

  // Records a token. AlreadyExists when its hash is known.
  virtual Status InsertToken(const OneTimeToken& token) = 0;
  // The unexpired token with this hash and purpose at `now` (seconds); NotFound otherwise.
  // Spending one is UserUpdate::spend_token's job, in the transaction of the change it allows.
  virtual StatusOr<OneTimeToken> FindToken(std::string_view hash, std::string_view purpose,
                                           int64_t now) = 0;
  // Deletes tokens that expired before `before` (seconds); the number deleted.
  virtual StatusOr<int> DeleteExpiredTokens(int64_t before) = 0;
};

}  // namespace authd
