// The composition root: builds every component from Settings and wires them together.
// Commands (serve, createsuperuser, ...) use what they need of it.
#pragma once

#include <memory>

#include "api/services.h"
#include "config/settings.h"
#include "http/tls_context.h"
#include "passwords/argon2id_hasher.h"
#include "passwords/migrating_hasher.h"
#include "passwords/password_policy.h"
#include "passwords/verify_cost_floor.h"
#include "runtime/blocking_pool.h"
#include "mail/mailer.h"
#include "mfa/secret_box.h"
#include "metrics/metrics.h"
#include "store/store.h"
#include "runtime/concurrency_limiter.h"
#include "throttle/login_throttle.h"
#include "throttle/rate_limiter.h"
#include "tokens/token_service.h"
#include "util/clock.h"
#include "util/random.h"
#include "webhooks/dispatcher.h"

namespace authd {

class App {
 public:
  // What a command may do to the database it is pointed at.
  enum class Database {
    kServe,     // serve: as kCreate, with users and refresh tokens cached (store/cache/)
    kCreate,    // migrate: create it when missing, then migrate
    kExisting,  // every other command: FailedPrecondition, naming it, unless authd made it
  };
  // Opens and migrates the store, resolves the signing key, builds the hasher and token service.
  static StatusOr<std::unique_ptr<App>> Create(Settings settings,
                                               Database database = Database::kExisting);

  Settings& settings() { return settings_; }
  Store& store() { return *store_; }
  const PasswordHasher& hasher() const { return *hasher_; }
  const PasswordPolicy& policy() const { return policy_; }
  const Clock& clock() const { return clock_; }
  Services& services() { return *services_; }
  SessionService& sessions() { return *sessions_; }
  Metrics& metrics() { return metrics_; }
  Mailer* mailer() { return mailer_.get(); }
  // Null unless serving with AUTHD_WEBHOOKS set.
  WebhookDispatcher* webhooks() { return webhooks_.get(); }
  // Null unless serving with AUTHD_TLS_CERT_FILE set.
  std::shared_ptr<TlsCertificates> tls() { return tls_; }
  // The metrics listener's, when AUTHD_METRICS_TLS_CERT_FILE is set.
  std::shared_ptr<TlsCertificates> metrics_tls() { return metrics_tls_; }

 private:
  explicit App(Settings settings);

  Settings settings_;
  SystemClock clock_;
  OsRandom random_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Argon2idHasher> argon2id_;
  std::unique_ptr<MigratingHasher> hasher_;  // Argon2id, and Django's formats for imports
  PasswordPolicy policy_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<BlockingPool> hash_pool_;
  std::unique_ptr<BlockingPool> store_pool_;
  std::unique_ptr<LoginThrottle> login_throttle_;
  std::unique_ptr<ConcurrencyLimiter> hashing_per_address_;
  // A failed login is never answered sooner than 2 s of verification could take.
  VerifyCostFloor failure_floor_{std::chrono::seconds(2)};
  std::unique_ptr<RateLimiter> registration_limiter_;
  std::unique_ptr<RateLimiter> password_reset_limiter_;
  std::unique_ptr<RateLimiter> mail_per_recipient_;
  std::unique_ptr<Mailer> mailer_;
  std::unique_ptr<WebhookDispatcher> webhooks_;
  std::shared_ptr<TlsCertificates> tls_;
  std::shared_ptr<TlsCertificates> metrics_tls_;
  SecretBox secret_box_;
  Metrics metrics_;
  TrustedProxies metrics_allowed_;
  std::unique_ptr<OidcProviders> oidc_;
  std::unique_ptr<Services> services_;
};

}  // namespace authd
