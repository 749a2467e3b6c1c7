// What the endpoint handlers use, bundled and injected (no globals), so tests can assemble
// them with a manual clock, a temporary database and fast hashing parameters.
#pragma once

#include "config/settings.h"
#include "passwords/password_hasher.h"
#include "passwords/password_policy.h"
#include "passwords/verify_cost_floor.h"
#include "runtime/blocking_pool.h"
#include "sessions/session_service.h"
#include "http/trusted_proxies.h"
#include "mail/mailer.h"
#include "mfa/secret_box.h"
#include "oidc/providers.h"
#include "metrics/metrics.h"
#include "store/store.h"
#include "runtime/concurrency_limiter.h"
#include "throttle/login_throttle.h"
#include "throttle/rate_limiter.h"
#include "tokens/token_service.h"
#include "util/clock.h"

namespace authd {

class TlsCertificates;  // http/tls_context.h

struct Services {
  const Settings& settings;
  Store& store;
  const TokenService& tokens;
  SessionService& sessions;
  const PasswordHasher& hasher;
  const PasswordPolicy& policy;
  BlockingPool& hash_pool;   // every Hash/Verify runs here, never on an I/O thread
  BlockingPool& store_pool;  // writes that wait for a disk flush, so I/O threads keep serving
  const Clock& clock;
  LoginThrottle& login_throttle;
  // Hashing jobs (running and queued) per client address, so one address cannot fill the pool.
  ConcurrencyLimiter& hashing_per_address;
  // Failed logins take as long as the slowest verification seen (passwords/verify_cost_floor.h).
  VerifyCostFloor& failure_floor;
  RateLimiter* registration_limiter;  // null: registrations are not limited (the default)
  Mailer* mailer;                     // null: mail is not configured (endpoints that mail: 503)
  RateLimiter* password_reset_limiter;  // per client address; null: AUTHD_PASSWORD_RESET_RATE=off
  // Mail to one address (a reset) or one account (a verification resend): once a minute.
  RateLimiter& mail_per_recipient;
  Metrics& metrics;
  Random& random;
  const SecretBox& secret_box;  // seals TOTP secrets (AUTHD_ENCRYPTION_KEY_FILE)
  const TrustedProxies& metrics_allowed;  // who may read /metrics on the main listener
  const TlsCertificates* tls = nullptr;   // null unless serving HTTPS (/readyz shows its expiry)
  OidcProviders* oidc = nullptr;          // the providers to sign in with (none: an empty list)
};

// Counts a refused token under its reason, for /metrics.
inline void CountRefusal(Services& s, const SessionFailure& failure) {
  if (failure.kind == SessionFailure::Kind::kToken) s.metrics.TokenRefused(TokenErrorName(failure.token));
  if (failure.kind == SessionFailure::Kind::kNoActiveAccount) s.metrics.TokenRefused("no_active_account");
}

}  // namespace authd
