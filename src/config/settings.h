// Every setting of authd, read from the environment (AUTHD_*). A bad value stops start-up with
// a message that names the variable.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/oidc_settings.h"
#include "util/status.h"

namespace authd {

// "30/hour": `count` requests per `period_seconds`.
struct RateSetting {
  int64_t count = 0;
  int64_t period_seconds = 0;
};

// "30/hour", "5/minute", "100/day", "2/s": DRF's rate strings, with the period spelled as
// s/sec/second, m/min/minute, h/hour or d/day (plurals too). nullopt when malformed.
std::optional<RateSetting> ParseRate(std::string_view text);

struct Settings {
  // Serving
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8000;
  int io_threads = 0;                 // 0: one per core
  int hash_threads = 0;               // 0: one per core
  int hash_queue = 256;               // hashing jobs waiting beyond this are answered 503
  // Hashing jobs (running and queued) one client address may have at once; beyond, 429.
  // 0: no cap.
  int max_hashing_per_ip = 8;
  // Threads for store writes that wait on a disk flush (login, registration, rotation). They
  // mostly sleep; more of them lets more writes share one flush (group commit).
  int store_threads = 16;
  int store_queue = 4096;             // store jobs waiting beyond this are answered 503
  int max_connections = 16384;
  // Per client address (an IPv6 client's /64), counted by the socket's peer; trusted proxies
  // are exempt. 0: no cap.
  int max_connections_per_ip = 256;
  int header_timeout_seconds = 10;    // to receive a complete request head (and body)
  int keepalive_timeout_seconds = 60; // an idle keep-alive connection is closed after this
  size_t max_body_bytes = 1 << 20;

  // Storage
  std::string database_url = "sqlite://authd.db";
  int db_pool_size = 4;
  // `authd serve` keeps users and refresh-token records in memory (store/cache/). Off for a
  // PostgreSQL reached through a pooler that cannot carry LISTEN (PgBouncer in transaction
  // mode): there another instance's changes would go unheard.
  bool user_cache = true;

  // Tokens
  std::string algorithm = "HS256";         // HS256 | EdDSA | ES256 | RS256
  std::optional<std::string> signing_key;  // HS256 secret; generated and stored when unset
  std::string signing_key_file;            // PEM private key for EdDSA, ES256, RS256
  std::vector<std::string> verifying_key_files;  // older keys still accepted and published
  std::optional<std::string> issuer;       // adds and requires "iss"
  std::optional<std::string> audience;     // adds and requires "aud"
  int64_t access_token_lifetime = 300;
  int64_t refresh_token_lifetime = 86400;
  int64_t leeway = 0;
  bool rotate_refresh_tokens = false;     // simplejwt's ROTATE_REFRESH_TOKENS
  bool blacklist_after_rotation = true;   // retire rotated tokens (enables reuse detection)
  // A retired token may still refresh this long after its rotation, without counting as
  // reuse: two tabs (or a retry after a lost answer) refreshing the same token at once would
  // otherwise log the user out. Within it, a thief who replays a stolen token also gets an
  // answer; after it, any replay revokes the whole chain. 0: reuse detection from the first
  // second.
  int64_t rotation_grace_seconds = 10;
  int max_sessions_per_user = 100;        // a login past it ends the user's oldest session
  int64_t prune_interval_seconds = 600;   // expired token records are deleted this often

  // Passwords
  uint32_t argon2_memory_kib = 19456;
  uint32_t argon2_iterations = 2;
  uint32_t argon2_parallelism = 1;
  bool password_validation = true;
  size_t password_min_length = 8;
  size_t max_password_bytes = 4096;

  // Accounts
  bool update_last_login = true;

  // Brute-force protection (throttle/login_throttle.h says how the counters work)
  bool login_throttle = true;
  int login_free_attempts = 5;          // per (account, address) before back-off
  int login_account_threshold = 20;     // per account before every address gets one free try
  int login_account_ceiling = 100;      // per account before every attempt on it waits
  int login_address_threshold = 100;    // per address, all accounts, before the address waits
  int64_t login_backoff_base = 1;       // seconds; doubles with each further failure
  int64_t login_backoff_max = 900;      // seconds
  int64_t login_failure_window = 3600;  // seconds without failures that reset a counter
  // Registrations per client address, "N/period" (period: second, minute, hour or day).
  // Off by default: many users can share one address behind NAT.
  std::optional<RateSetting> registration_rate;
  // Peers whose X-Forwarded-For is believed (addresses or CIDR blocks). Empty: the client
  // address is always the socket's peer.
  std::vector<std::string> trusted_proxies;
  // Browser origins ("https://app.example") whose pages may call the API (http/cors.h).
  // Empty: CORS is off.
  std::vector<std::string> cors_allowed_origins;
  // Host headers answered, as Django's ALLOWED_HOSTS (http/allowed_hosts.h); others get 400.
  // Empty: every host.
  std::vector<std::string> allowed_hosts;
  // The address clients reach authd at ("https://auth.example.com", perhaps with a path
  // prefix), without a trailing slash: the base of every link authd hands out. Empty: links
  // are built from the request's Host header.
  std::string public_url;

  // Mail (mail/): where it goes (an SMTP server, or a directory of .eml files; neither: the
  // endpoints that must mail answer 503), who it is from, how long it is retried.
  std::string smtp_url;        // smtp://[user:password@]host[:port] or smtps://...
  std::string smtp_tls = "auto";  // auto (STARTTLS required unless loopback) | required | off
  std::string smtp_ca_file;
  std::string email_from;      // required with smtp_url; "authd@localhost" otherwise
  std::string site_name = "authd";  // mails' and the hosted pages' name
  // The hosted pages' branding (web/pages.h): a logo shown before the name (.svg, .png, .jpg,
  // .jpeg or .webp, at most 512 KB, read at start) and the accent colour ("#rrggbb").
  std::string site_logo_file;
  std::string site_accent_color;
  std::string email_dir;
  std::string email_templates_dir;
  int64_t email_retry_hours = 24;

  // Account recovery and verification
  std::optional<RateSetting> password_reset_rate = RateSetting{5, 3600};  // per client address
  int64_t password_reset_ttl = 3600;       // seconds a reset link works
  int64_t email_verify_ttl = 3 * 86400;    // seconds a verification link works
  bool require_verified_email = false;     // an unverified account cannot log in
  bool login_by_email = false;             // AUTHD_LOGIN_FIELDS=username,email

  // Second factors: a file of 64 hex characters whose key seals TOTP secrets (AES-256-GCM).
  // Empty: they are stored as they are.
  std::string encryption_key_file;
  // Staff and superusers without a second factor get no tokens, only an mfa_token with which
  // to enrol one (README, "Second factors").
  bool mfa_required_for_staff = false;
  // Passkeys (WebAuthn): the pages' origins the browser may name ("https://auth.example.com"),
  // by default AUTHD_PUBLIC_URL's; the relying party id their credentials are scoped to (a
  // domain every origin's host is, or ends with), by default the first origin's host. No
  // origin at all: the passkey endpoints answer 503 (the request's Host header is not trusted
  // for this, since a relaying phishing proxy chooses it).
  std::vector<std::string> webauthn_origins;
  std::string webauthn_rp_id;

  bool passkeys_enabled() const { return !webauthn_origins.empty(); }

  // The audit log (audit/, store/audit_store.h): how long events are kept.
  int64_t audit_retention_days = 90;

  // Webhooks (webhooks/): where events are delivered, signed with each one's secret.
  struct Webhook {
    std::string url;                  // http(s)://...
    std::string secret;               // whsec_... (Standard Webhooks)
    std::vector<std::string> events;  // types, "prefix.*" or "*"
  };
  std::vector<Webhook> webhooks;

  // Sign-in with OpenID Connect providers (oidc/, config/oidc_settings.h), and the exact URLs
  // API and mobile clients may ask such a sign-in to end at with a one-time code.
  std::vector<OidcProviderSetting> oidc_providers;
  std::vector<std::string> oidc_client_redirects;

  // Whether mail can be sent at all.
  bool email_enabled() const { return !smtp_url.empty() || !email_dir.empty(); }

  // HTTPS (http/tls_context.h): the certificate chain and key in PEM, both or neither; an
  // OCSP response (DER) to staple, optional. Reloaded on SIGHUP.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_ocsp_file;
  // The metrics listener's own pair (AUTHD_METRICS_LISTEN), both or neither; empty: plain.
  std::string metrics_tls_cert_file;
  std::string metrics_tls_key_file;
  int64_t hsts_max_age = 0;  // seconds; Strict-Transport-Security over TLS when above 0
  // "HOST:PORT" of a plain listener that answers 308 to HTTPS; empty: none.
  std::string http_redirect_listen;
  bool tls_enabled() const { return !tls_cert_file.empty(); }

  std::string log_level = "info";
  std::string log_format = "text";  // text | json (one object per line)
  // Where GET /metrics is served: empty for the main listener, or its own "HOST:PORT" (so it
  // can stay on an internal address while the API faces clients).
  std::string metrics_listen;
  // Who may read /metrics on the main listener (addresses or CIDR blocks).
  std::vector<std::string> metrics_allow = {"127.0.0.0/8", "::1"};
};

// Looks up one environment variable; nullopt when unset. Injected so tests need no real env.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;

EnvLookup ProcessEnv();

// Reads every AUTHD_* variable over the defaults. InvalidArgument names the first bad one.
StatusOr<Settings> LoadSettings(const EnvLookup& env);

// "HOST:PORT" (or "[v6]:PORT") into settings.listen_*; InvalidArgument on a malformed value.
Status ParseListen(std::string_view value, Settings& settings);

// The database URL with any password replaced by "***", for logs and `authd config`:
// "postgresql://u:secret@h/db" and "host=h password=secret" alike.
std::string RedactDatabaseUrl(std::string_view url);

// A line per setting, "AUTHD_NAME=value", secrets masked; for `authd config` and start-up
// logs. Every value but a masked secret reads back as it was given.
std::vector<std::string> DescribeSettings(const Settings& s);

// Every setting's variable name, in DescribeSettings' order (which is the one list of them).
std::vector<std::string> SettingNames();

// AUTHD_* variables that are not settings but are read by commands (AUTHD_CONFIG,
// AUTHD_SUPERUSER_USERNAME, AUTHD_SUPERUSER_PASSWORD).
const std::vector<std::string>& CommandVariableNames();

// InvalidArgument naming every AUTHD_* name in `names` (the environment's variable names)
// that is neither a setting nor a command's variable, with the closest known name: a
// misspelled variable stops start-up as a misspelled key in the file does, instead of being
// silently ignored.
Status CheckEnvironmentNames(const std::vector<std::string>& names);

}  // namespace authd
