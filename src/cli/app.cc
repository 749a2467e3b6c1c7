#include "cli/app.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "store/cache/cached_store.h"
#include "tokens/hmac_key.h"
#include "tokens/pkey_key.h"
#include "oidc/http_fetch.h"
#include "webhooks/webhooks.h"

namespace authd {
namespace {

// The keys from the settings: the HS256 secret (given, or generated once and kept in the
// database so restarts and other instances agree), or a PEM private key; plus older keys.
StatusOr<KeySet> LoadKeys(const Settings& s, Store& store, Random& random) {
  std::shared_ptr<const SigningKey> signer;
  if (s.algorithm == "HS256") {
    std::string secret;
    if (s.signing_key) {
      secret = *s.signing_key;
    } else {
      auto stored = store.secrets().GetOrCreate("hs256_signing_key", [&] { return random.Hex(32); });
      if (!stored.ok()) return stored.status();
      secret = std::move(stored).value();
    }
    signer = std::make_shared<HmacKey>(std::move(secret));
  } else {
    auto key = PkeyKey::FromFile(s.signing_key_file);
    if (!key.ok()) return InvalidArgument("AUTHD_SIGNING_KEY_FILE: " + key.status().message());
    if ((*key)->Algorithm() != s.algorithm) {
      return InvalidArgument("AUTHD_SIGNING_KEY_FILE: the key is for " +
                             std::string((*key)->Algorithm()) + ", not AUTHD_ALGORITHM=" +
                             s.algorithm);
    }
    signer = std::move(key).value();
  }
  std::vector<std::shared_ptr<const SigningKey>> verifiers;
  for (const auto& path : s.verifying_key_files) {
    auto key = PkeyKey::FromFile(path);
    if (!key.ok()) return InvalidArgument("AUTHD_VERIFYING_KEY_FILES: " + key.status().message());
    verifiers.push_back(std::move(key).value());
  }
  auto keys = KeySet::Create(std::move(signer), std::move(verifiers));
  if (!keys.ok()) return InvalidArgument("signing keys: " + keys.status().message());
  return keys;
}

}  // namespace

App::App(Settings settings)
    : settings_(std::move(settings)),
      policy_(PasswordPolicyOptions{.enabled = settings_.password_validation,
                                    .min_length = settings_.password_min_length}) {}

StatusOr<std::unique_ptr<App>> App::Create(Settings settings, Database database) {
  std::unique_ptr<App> app(new App(std::move(settings)));
  const Settings& s = app->settings_;

  // A command run from the wrong directory must not leave a fresh empty authd.db behind and
  // report success on it ("Deleted 0").
  const bool create = database != Database::kExisting;
  const StoreOptions options{.pool_size = s.db_pool_size, .create_if_missing = create};
  auto store = database == Database::kServe && s.user_cache
                   ? OpenCachedStore(s.database_url, options)
                   : OpenStore(s.database_url, options);
  if (!store.ok()) {
    if (store.status().code() == StatusCode::kNotFound) {
      return FailedPrecondition(store.status().message());
    }
    return store.status();
  }
  app->store_ = std::move(store).value();
  if (!create) {
    auto version = app->store_->SchemaVersion();
    if (!version.ok()) return version.status();
    if (*version == 0) {
      return FailedPrecondition(
          "the database " + RedactDatabaseUrl(s.database_url) +
          " has no authd tables (run `authd migrate` first, or check AUTHD_DATABASE_URL)");
    }
  }
  AUTHD_RETURN_IF_ERROR(app->store_->Migrate());

  if (database == Database::kServe && s.login_by_email) {
    // Login by email needs each verified address to name one account.
    auto shared = app->store_->users().SharedVerifiedEmails(20);
    if (!shared.ok()) return shared.status();
    if (!shared->empty()) {
      return FailedPrecondition(fmt::format(
          "AUTHD_LOGIN_FIELDS=username,email needs every verified email to belong to one "
          "account; these are shared: {}",
          fmt::join(*shared, "; ")));
    }
  }

  auto keys = LoadKeys(s, *app->store_, app->random_);
  if (!keys.ok()) return keys.status();

  app->argon2id_ = std::make_unique<Argon2idHasher>(
      Argon2Params{s.argon2_memory_kib, s.argon2_iterations, s.argon2_parallelism}, app->random_);
  app->hasher_ = std::make_unique<MigratingHasher>(*app->argon2id_);
  app->tokens_ = std::make_unique<TokenService>(
      JwsCodec(std::move(keys).value()),
      TokenLifetimes{s.access_token_lifetime, s.refresh_token_lifetime, s.leeway}, app->clock_,
      app->random_, TokenScope{.issuer = s.issuer, .audience = s.audience});
  app->sessions_ = std::make_unique<SessionService>(
      *app->tokens_, *app->store_, app->clock_,
      SessionPolicy{.rotate = s.rotate_refresh_tokens,
                    .blacklist_after_rotation = s.blacklist_after_rotation,
                    .grace_seconds = s.rotation_grace_seconds,
                    .max_sessions_per_user = s.max_sessions_per_user,
                    .audit_retention_days = s.audit_retention_days});
  app->hash_pool_ =
      std::make_unique<BlockingPool>(s.hash_threads, s.hash_queue, BlockingPool::Priority::kLow);
  app->store_pool_ = std::make_unique<BlockingPool>(s.store_threads, s.store_queue);
  app->login_throttle_ = std::make_unique<LoginThrottle>(
      app->store_->throttle(), app->clock_,
      LoginThrottleOptions{.enabled = s.login_throttle,
                           .free_attempts = s.login_free_attempts,
                           .account_threshold = s.login_account_threshold,
                           .account_ceiling = s.login_account_ceiling,
                           .address_threshold = s.login_address_threshold,
                           .backoff_base_seconds = s.login_backoff_base,
                           .backoff_max_seconds = s.login_backoff_max,
                           .window_seconds = s.login_failure_window});
  auto metrics_allowed = TrustedProxies::Parse(s.metrics_allow, "AUTHD_METRICS_ALLOW");
  if (!metrics_allowed.ok()) return metrics_allowed.status();
  app->metrics_allowed_ = std::move(metrics_allowed).value();
  app->hashing_per_address_ = std::make_unique<ConcurrencyLimiter>(s.max_hashing_per_ip);
  if (s.registration_rate) {
    app->registration_limiter_ = std::make_unique<RateLimiter>(
        app->store_->throttle(), app->clock_,
        Rate{s.registration_rate->count, s.registration_rate->period_seconds}, "register");
  }
  if (s.password_reset_rate) {
    app->password_reset_limiter_ = std::make_unique<RateLimiter>(
        app->store_->throttle(), app->clock_,
        Rate{s.password_reset_rate->count, s.password_reset_rate->period_seconds},
        "password_reset");
  }
  app->mail_per_recipient_ = std::make_unique<RateLimiter>(app->store_->throttle(), app->clock_,
                                                           Rate{1, 60}, "mail");
  if (!s.encryption_key_file.empty()) {
    auto box = SecretBox::FromKeyFile(s.encryption_key_file);
    if (!box.ok()) return box.status();
    app->secret_box_ = std::move(box).value();
  }
  if (s.email_enabled()) {
    auto mailer = Mailer::Create(s, *app->store_, app->clock_, app->random_);
    if (!mailer.ok()) return mailer.status();
    app->mailer_ = std::move(mailer).value();
    app->mailer_->AddMetrics(app->metrics_);
  }
  if (database == Database::kServe) {
    auto webhooks = StartWebhooks(s, *app->store_, app->clock_, app->metrics_);
    if (!webhooks.ok()) return webhooks.status();
    app->webhooks_ = std::move(webhooks).value();
    if (s.tls_enabled()) {
      auto tls = TlsCertificates::Load(
          {.cert_file = s.tls_cert_file, .key_file = s.tls_key_file, .ocsp_file = s.tls_ocsp_file},
          std::make_shared<TicketKeys>(app->clock_, app->random_));
      if (!tls.ok()) return tls.status();
      app->tls_ = std::move(tls).value();
      TlsCertificates* certs = app->tls_.get();
      const Clock* clock = &app->clock_;
      app->metrics_.AddGauge("authd_tls_certificate_expiry_seconds",
                             "Seconds until the certificate in use expires.", [certs, clock] {
                               return static_cast<double>(certs->not_after() - clock->NowSeconds());
                             });
    }
    if (!s.metrics_tls_cert_file.empty()) {
      auto tls = TlsCertificates::Load(
          {.cert_file = s.metrics_tls_cert_file, .key_file = s.metrics_tls_key_file},
          std::make_shared<TicketKeys>(app->clock_, app->random_));
      if (!tls.ok()) {
        // The loader names the main listener's settings; these are the metrics listener's.
        return InvalidArgument("AUTHD_METRICS_TLS_*: " + std::string(tls.status().message()));
      }
      app->metrics_tls_ = std::move(tls).value();
    }
  }
  app->oidc_ = std::make_unique<OidcProviders>(s.oidc_providers, Fetch, app->clock_);
  app->services_ = std::make_unique<Services>(Services{
      .settings = app->settings_,
      .store = *app->store_,
      .tokens = *app->tokens_,
      .sessions = *app->sessions_,
      .hasher = *app->hasher_,
      .policy = app->policy_,
      .hash_pool = *app->hash_pool_,
      .store_pool = *app->store_pool_,
      .clock = app->clock_,
      .login_throttle = *app->login_throttle_,
      .hashing_per_address = *app->hashing_per_address_,
      .failure_floor = app->failure_floor_,
      .registration_limiter = app->registration_limiter_.get(),
      .mailer = app->mailer_.get(),
      .password_reset_limiter = app->password_reset_limiter_.get(),
      .mail_per_recipient = *app->mail_per_recipient_,
      .metrics = app->metrics_,
      .random = app->random_,
      .secret_box = app->secret_box_,
      .metrics_allowed = app->metrics_allowed_,
      .tls = app->tls_.get(),
      .oidc = app->oidc_.get(),
  });
  // Pool depths: how much work waits for a hashing thread or a store thread right now.
  BlockingPool* hash = app->hash_pool_.get();
  BlockingPool* writes = app->store_pool_.get();
  app->metrics_.AddGauge("authd_hash_pool_queued", "Hashing jobs waiting for a thread.",
                         [hash] { return static_cast<double>(hash->pending() - hash->busy()); });
  app->metrics_.AddGauge("authd_hash_pool_busy_threads", "Hashing threads at work.",
                         [hash] { return static_cast<double>(hash->busy()); });
  app->metrics_.AddGauge("authd_hash_pool_threads", "Hashing threads.",
                         [hash] { return static_cast<double>(hash->threads()); });
  app->metrics_.AddGauge("authd_store_pool_queued", "Store jobs waiting for a thread.",
                         [writes] { return static_cast<double>(writes->pending() - writes->busy()); });
  app->metrics_.AddGauge("authd_store_pool_busy_threads", "Store threads at work.",
                         [writes] { return static_cast<double>(writes->busy()); });
  app->metrics_.AddGauge("authd_store_pool_threads", "Store threads.",
                         [writes] { return static_cast<double>(writes->threads()); });
  if (auto* cached = dynamic_cast<CachedStore*>(app->store_.get())) {
    RowCache* cache = &cached->cache();
    app->metrics_.AddCounter("authd_user_cache_hits_total",
                             "User and refresh-token reads answered from memory.",
                             [cache] { return static_cast<double>(cache->Stats().hits); });
    app->metrics_.AddCounter("authd_user_cache_misses_total",
                             "User and refresh-token reads that went to the database.",
                             [cache] { return static_cast<double>(cache->Stats().misses); });
    app->metrics_.AddGauge("authd_user_cache_watching",
                           "1 while other processes' changes are heard (the cache is in use).",
                           [cache] { return cache->watching() ? 1.0 : 0.0; });
  }
  AddProcessGauges(app->metrics_);
  return app;
}

}  // namespace authd
