// A database behind authd: its stores and its schema. Open one with OpenStore(url).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "store/change_feed.h"
#include "store/audit_store.h"
#include "store/client_store.h"
#include "store/mail_store.h"
#include "store/mfa_store.h"
#include "store/oidc_store.h"
#include "store/passkey_store.h"
#include "store/secret_store.h"
#include "store/throttle_store.h"
#include "store/token_store.h"
#include "store/user_store.h"
#include "store/webhook_store.h"
#include "util/status.h"

namespace authd {

// The schema version this authd writes, the same on every backend: each backend's migrations
// end at it (checked where they are listed).
inline constexpr int kSchemaVersion = 14;

struct StoreOptions {
  int pool_size = 4;          // connections
  int busy_timeout_ms = 5000; // how long a writer waits for a lock before Unavailable
  // A SQLite file that does not exist is created (mode 0600) when true, NotFound when false.
  bool create_if_missing = true;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual UserStore& users() = 0;
  virtual SecretStore& secrets() = 0;
  virtual TokenStore& tokens() = 0;
  virtual ThrottleStore& throttle() = 0;
  virtual MailStore& mail() = 0;
  virtual MfaStore& mfa() = 0;
  virtual PasskeyStore& passkeys() = 0;
  virtual AuditStore& audit() = 0;
  virtual WebhookStore& webhooks() = 0;
  virtual OidcStore& oidc() = 0;
  virtual ClientStore& clients() = 0;

  // Whether every call returns in microseconds without waiting on a network: an embedded
  // database (SQLite) is; a server (PostgreSQL) is not, and its calls must never run on an I/O
  // thread, where a slow or vanished server would stall every connection on that thread.
  virtual bool local() const = 0;

  // Applies every migration not yet applied, each in its own transaction. Safe to run again.
  // FailedPrecondition when the database was migrated by a newer authd.
  virtual Status Migrate() = 0;
  // The highest migration applied (0 for an empty database).
  virtual StatusOr<int> SchemaVersion() = 0;

  // What other processes change in this database, for a cache in front of it (CachedStore).
  // Connects when first polled, not here.
  virtual std::unique_ptr<ChangeFeed> OpenChangeFeed() = 0;
};

// "sqlite://relative/path.db" or "sqlite:///absolute/path.db". InvalidArgument names what is
// wrong with the URL; Unavailable when the database cannot be opened.
StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options);

// The same, with users and refresh-token records cached in memory (store/cache/): what
// `authd serve` runs on.
StatusOr<std::unique_ptr<Store>> OpenCachedStore(const std::string& url,
                                                 const StoreOptions& options);

// A warning for a SQLite database file that users other than its owner may read (it holds
// the signing key and every password hash); empty when there is nothing to say.
std::string DatabaseFileWarning(const std::string& url);

}  // namespace authd
