#include "config/settings.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/database_url.h"
#include "util/strings.h"

namespace authd {
namespace {

Status Bad(const char* name, std::string_view expected, std::string_view got) {
  return InvalidArgument(fmt::format("{}: expected {}, got '{}'", name, expected, got));
}

template <typename T>
Status ReadInt(const EnvLookup& env, const char* name, T& out, int64_t min, int64_t max) {
  auto v = env(name);
  if (!v) return Status::Ok();
  int64_t parsed = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), parsed);
  if (v->empty() || ec != std::errc{} || ptr != v->data() + v->size() || parsed < min ||
      parsed > max) {
    return Bad(name, fmt::format("a whole number from {} to {}", min, max), *v);
  }
  out = static_cast<T>(parsed);
  return Status::Ok();
}

Status ReadBool(const EnvLookup& env, const char* name, bool& out) {
  auto v = env(name);
  if (!v) return Status::Ok();
  std::string s = *v;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "1" || s == "true" || s == "yes" || s == "on") {
    out = true;
  } else if (s == "0" || s == "false" || s == "no" || s == "off") {
    out = false;
  } else {
    return Bad(name, "true or false", *v);
  }
  return Status::Ok();
}

// Comma-separated values; blanks between commas are ignored.
std::vector<std::string> SplitList(std::string_view v) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find(',', start);
    if (end == std::string_view::npos) end = v.size();
    std::string_view item = StripAsciiWhitespace(v.substr(start, end - start));
    if (!item.empty()) out.emplace_back(item);
    start = end + 1;
  }
  return out;
}

Status ReadString(const EnvLookup& env, const char* name, std::string& out) {
  if (auto v = env(name)) {
    if (v->empty()) return Bad(name, "a non-empty value", *v);
    out = *v;
  }
  return Status::Ok();
}

// A rate ("30/hour") or "off" (nullopt); unset leaves `out` at its default.
Status ReadRate(const EnvLookup& env, const char* name, std::optional<RateSetting>& out) {
  if (auto v = env(name)) {
    out.reset();
    if (*v != "off") {
      out = ParseRate(*v);
      if (!out) return Bad(name, "N/second, N/minute, N/hour, N/day or off", *v);
    }
  }
  return Status::Ok();
}

// "http(s)://host[:port][/path]": printable ASCII without spaces, no query, fragment or
// user information, since it is pasted in front of paths in links.
bool IsPublicUrl(std::string_view url) {
  size_t rest = 0;
  if (url.starts_with("https://")) {
    rest = 8;
  } else if (url.starts_with("http://")) {
    rest = 7;
  } else {
    return false;
  }
  const std::string_view after = url.substr(rest);
  if (after.empty() || after.front() == '/' || after.front() == ':') return false;
  return std::all_of(after.begin(), after.end(), [](unsigned char c) {
    return c > 0x20 && c < 0x7f && c != '?' && c != '#' && c != '@' && c != '\\';
  });
}

// "scheme://host[:port]" of an http(s) URL, and the host alone (lower case; [v6] kept whole).
std::string OriginOf(std::string_view url) {
  const size_t host = url.find("://") + 3;
  const size_t slash = url.find('/', host);
  return std::string(url.substr(0, slash));
}

std::string HostOf(std::string_view origin) {
  std::string_view host = origin.substr(origin.find("://") + 3);
  if (!host.starts_with('[')) host = host.substr(0, host.find(':'));
  std::string out(host);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// WebAuthn's relying party: defaults from AUTHD_PUBLIC_URL, and every origin within the RP ID
// (a browser refuses to create or use a credential whose RP ID is not its page's host or a
// parent of it; refusing here says so at start-up instead).
Status ReadWebauthn(const EnvLookup& env, Settings& s) {
  if (auto v = env("AUTHD_WEBAUTHN_ORIGINS")) {
    for (std::string origin : SplitList(*v)) {
      while (origin.ends_with('/')) origin.pop_back();
      if (!IsPublicUrl(origin) || OriginOf(origin) != origin) {
        return Bad("AUTHD_WEBAUTHN_ORIGINS", "origins: http(s)://host[:port], comma-separated", *v);
      }
      s.webauthn_origins.push_back(std::move(origin));
    }
  } else if (!s.public_url.empty()) {
    s.webauthn_origins = {OriginOf(s.public_url)};
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_WEBAUTHN_RP_ID", s.webauthn_rp_id));
  if (s.webauthn_rp_id.empty() && !s.webauthn_origins.empty()) {
    s.webauthn_rp_id = HostOf(s.webauthn_origins.front());
  }
  if (s.webauthn_rp_id.empty()) return Status::Ok();
  const bool domain = std::all_of(s.webauthn_rp_id.begin(), s.webauthn_rp_id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
  if (!domain || s.webauthn_rp_id.front() == '.' || s.webauthn_rp_id.back() == '.') {
    return Bad("AUTHD_WEBAUTHN_RP_ID", "a domain name in lower case", s.webauthn_rp_id);
  }
  for (const std::string& origin : s.webauthn_origins) {
    const std::string host = HostOf(origin);
    if (host != s.webauthn_rp_id && !host.ends_with("." + s.webauthn_rp_id)) {
      return Bad("AUTHD_WEBAUTHN_RP_ID",
                 "the host of every origin in AUTHD_WEBAUTHN_ORIGINS, or a parent domain of it ("
                 + origin + " is not within it)",
                 s.webauthn_rp_id);
    }
  }
  return Status::Ok();
}

// AUTHD_TLS_*, AUTHD_HSTS and AUTHD_HTTP_REDIRECT_LISTEN.
Status ReadTls(const EnvLookup& env, Settings& s) {
  if (auto v = env("AUTHD_TLS_CERT_FILE")) s.tls_cert_file = *v;
  if (auto v = env("AUTHD_TLS_KEY_FILE")) s.tls_key_file = *v;
  if (auto v = env("AUTHD_TLS_OCSP_FILE")) s.tls_ocsp_file = *v;
  if (s.tls_cert_file.empty() != s.tls_key_file.empty()) {
    return Bad(s.tls_cert_file.empty() ? "AUTHD_TLS_CERT_FILE" : "AUTHD_TLS_KEY_FILE",
               "set together with AUTHD_TLS_CERT_FILE and AUTHD_TLS_KEY_FILE", "(unset)");
  }
  if (auto v = env("AUTHD_METRICS_TLS_CERT_FILE")) s.metrics_tls_cert_file = *v;
  if (auto v = env("AUTHD_METRICS_TLS_KEY_FILE")) s.metrics_tls_key_file = *v;
  if (s.metrics_tls_cert_file.empty() != s.metrics_tls_key_file.empty()) {
    return Bad(s.metrics_tls_cert_file.empty() ? "AUTHD_METRICS_TLS_CERT_FILE" : "AUTHD_METRICS_TLS_KEY_FILE",
               "set together with AUTHD_METRICS_TLS_CERT_FILE and AUTHD_METRICS_TLS_KEY_FILE", "(unset)");
  }
  if (!s.metrics_tls_cert_file.empty() && s.metrics_listen.empty()) {
    return Bad("AUTHD_METRICS_TLS_CERT_FILE", "set only with AUTHD_METRICS_LISTEN", s.metrics_tls_cert_file);
  }
  if (!s.tls_ocsp_file.empty() && !s.tls_enabled()) {
    return Bad("AUTHD_TLS_OCSP_FILE", "set only with AUTHD_TLS_CERT_FILE", s.tls_ocsp_file);
  }
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_HSTS", s.hsts_max_age, 0, int64_t{10} * 365 * 86400));
  if (auto v = env("AUTHD_HTTP_REDIRECT_LISTEN"); v && !v->empty()) {
    Settings probe;
    if (!ParseListen(*v, probe).ok()) return Bad("AUTHD_HTTP_REDIRECT_LISTEN", "HOST:PORT", *v);
    if (!s.tls_enabled()) {
      return Bad("AUTHD_HTTP_REDIRECT_LISTEN", "set only with AUTHD_TLS_CERT_FILE", *v);
    }
    s.http_redirect_listen = *v;
  }
  return Status::Ok();
}

// An event type ("user.registered"), a prefix of types ("login.*"), or "*".
bool IsEventPattern(std::string_view p) {
  if (p == "*") return true;
  if (p.ends_with(".*")) p.remove_suffix(2);
  if (p.empty() || p.front() == '.' || p.back() == '.') return false;
  return std::all_of(p.begin(), p.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

// The webhooks as `authd config` shows them: secrets masked.
std::string DescribeWebhooks(const std::vector<Settings::Webhook>& hooks) {
  if (hooks.empty()) return "";
  boost::json::array out;
  for (const auto& h : hooks) {
    boost::json::array events;
    for (const auto& e : h.events) events.emplace_back(e);
    out.push_back(boost::json::object{{"url", h.url}, {"secret", "whsec_***"}, {"events", std::move(events)}});
  }
  return boost::json::serialize(out);
}

// AUTHD_WEBHOOKS: a JSON list of {url, secret, events} (in the TOML file, a list of tables).
Status ReadWebhooks(const EnvLookup& env, Settings& s) {
  auto v = env("AUTHD_WEBHOOKS");
  if (!v || v->empty()) return Status::Ok();
  const char* expected = "a JSON list of {\"url\", \"secret\": \"whsec_...\", \"events\": [...]}";
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*v, ec);
  if (ec || !parsed.is_array()) return Bad("AUTHD_WEBHOOKS", expected, "(not shown: it holds secrets)");
  for (const boost::json::value& item : parsed.as_array()) {
    const auto* o = item.if_object();
    const auto* url = o ? o->if_contains("url") : nullptr;
    const auto* secret = o ? o->if_contains("secret") : nullptr;
    const auto* events = o ? o->if_contains("events") : nullptr;
    if (!url || !url->is_string() || !secret || !secret->is_string() || !events ||
        !events->is_array() || events->as_array().empty() || o->size() != 3) {
      return Bad("AUTHD_WEBHOOKS", expected, "(not shown: it holds secrets)");
    }
    Settings::Webhook hook{.url = std::string(url->as_string()), .secret = std::string(secret->as_string())};
    if (!IsPublicUrl(hook.url)) return Bad("AUTHD_WEBHOOKS", "http(s) URLs", hook.url);
    if (!hook.secret.starts_with("whsec_")) {
      return Bad("AUTHD_WEBHOOKS", "secrets of the form whsec_... (Standard Webhooks)", "(not shown)");
    }
    for (const boost::json::value& e : events->as_array()) {
      if (!e.is_string() || !IsEventPattern(e.as_string())) {
        return Bad("AUTHD_WEBHOOKS", "event types (\"user.registered\"), prefixes (\"login.*\") or \"*\"",
                   e.is_string() ? std::string(e.as_string()) : boost::json::serialize(e));
      }
      hook.events.emplace_back(e.as_string());
    }
    for (const auto& other : s.webhooks) {
      if (other.url == hook.url) return Bad("AUTHD_WEBHOOKS", "each URL once", hook.url);
    }
    s.webhooks.push_back(std::move(hook));
  }
  return Status::Ok();
}

}  // namespace

std::optional<RateSetting> ParseRate(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view count = text.substr(0, slash);
  const std::string_view period = text.substr(slash + 1);
  RateSetting rate;
  auto [ptr, ec] = std::from_chars(count.data(), count.data() + count.size(), rate.count);
  if (count.empty() || ec != std::errc{} || ptr != count.data() + count.size() ||
      rate.count < 1 || rate.count > 1'000'000) {
    return std::nullopt;
  }
  static constexpr std::pair<std::string_view, int64_t> kPeriods[] = {
      {"s", 1},       {"sec", 1},       {"second", 1},  {"seconds", 1},
      {"m", 60},      {"min", 60},      {"minute", 60}, {"minutes", 60},
      {"h", 3600},    {"hour", 3600},   {"hours", 3600},
      {"d", 86400},   {"day", 86400},   {"days", 86400}};
  for (const auto& [name, seconds] : kPeriods) {
    if (period == name) {
      rate.period_seconds = seconds;
      return rate;
    }
  }
  return std::nullopt;
}

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Status ParseListen(std::string_view value, Settings& s) {
  const size_t colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Bad("AUTHD_LISTEN", "HOST:PORT", value);
  }
  std::string_view host = value.substr(0, colon);
  std::string_view port = value.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int p = -1;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc{} || ptr != port.data() + port.size() || p < 0 ||
      p > 65535) {
    return Bad("AUTHD_LISTEN", "HOST:PORT with a port from 0 to 65535", value);
  }
  s.listen_host = std::string(host);
  s.listen_port = static_cast<uint16_t>(p);
  return Status::Ok();
}

StatusOr<Settings> LoadSettings(const EnvLookup& env) {
  Settings s;
  const int64_t year = 366LL * 86400;
  if (auto v = env("AUTHD_LISTEN")) AUTHD_RETURN_IF_ERROR(ParseListen(*v, s));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_THREADS", s.io_threads, 1, 256));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_HASH_THREADS", s.hash_threads, 1, 256));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_HASH_QUEUE", s.hash_queue, 1, 1'000'000));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_MAX_HASHING_PER_IP", s.max_hashing_per_ip, 0, 1'000'000));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_STORE_THREADS", s.store_threads, 1, 1024));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_STORE_QUEUE", s.store_queue, 1, 1'000'000));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_MAX_CONNECTIONS", s.max_connections, 1, 1'000'000));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_MAX_CONNECTIONS_PER_IP", s.max_connections_per_ip, 0, 1'000'000));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_HEADER_TIMEOUT", s.header_timeout_seconds, 1, 3600));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_KEEPALIVE_TIMEOUT", s.keepalive_timeout_seconds, 1, 86400));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_MAX_BODY_BYTES", s.max_body_bytes, 1, 1 << 30));
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_DATABASE_URL", s.database_url));
  if (auto kind = ClassifyDatabaseUrl(s.database_url); !kind.ok()) return kind.status();
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_DB_POOL_SIZE", s.db_pool_size, 1, 1024));
  AUTHD_RETURN_IF_ERROR(ReadBool(env, "AUTHD_USER_CACHE", s.user_cache));
  if (auto v = env("AUTHD_ALGORITHM")) {
    if (*v != "HS256" && *v != "EdDSA" && *v != "ES256" && *v != "RS256") {
      return Bad("AUTHD_ALGORITHM", "HS256, EdDSA, ES256 or RS256", *v);
    }
    s.algorithm = *v;
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_SIGNING_KEY_FILE", s.signing_key_file));
  if (s.algorithm == "HS256" && !s.signing_key_file.empty()) {
    return Bad("AUTHD_SIGNING_KEY_FILE", "to be unset with AUTHD_ALGORITHM=HS256 (use AUTHD_SIGNING_KEY)",
               s.signing_key_file);
  }
  if (s.algorithm != "HS256" && s.signing_key_file.empty()) {
    return Bad("AUTHD_SIGNING_KEY_FILE", "a PEM private key file for AUTHD_ALGORITHM=" + s.algorithm,
               "");
  }
  if (auto v = env("AUTHD_VERIFYING_KEY_FILES")) s.verifying_key_files = SplitList(*v);
  if (auto v = env("AUTHD_ISSUER")) {
    if (v->empty()) return Bad("AUTHD_ISSUER", "a non-empty value", *v);
    s.issuer = *v;
  }
  if (auto v = env("AUTHD_AUDIENCE")) {
    if (v->empty()) return Bad("AUTHD_AUDIENCE", "a non-empty value", *v);
    s.audience = *v;
  }
  if (auto v = env("AUTHD_SIGNING_KEY")) {
    // RFC 7518 section 3.2: an HS256 key must be at least as long as the hash output.
    if (v->size() < 32) return Bad("AUTHD_SIGNING_KEY", "at least 32 bytes", "(hidden)");
    s.signing_key = *v;
  }
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_ACCESS_TOKEN_LIFETIME", s.access_token_lifetime, 1, 10 * year));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_REFRESH_TOKEN_LIFETIME", s.refresh_token_lifetime, 1, 10 * year));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_LEEWAY", s.leeway, 0, 3600));
  AUTHD_RETURN_IF_ERROR(ReadBool(env, "AUTHD_ROTATE_REFRESH_TOKENS", s.rotate_refresh_tokens));
  AUTHD_RETURN_IF_ERROR(
      ReadBool(env, "AUTHD_BLACKLIST_AFTER_ROTATION", s.blacklist_after_rotation));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_ROTATION_GRACE_SECONDS", s.rotation_grace_seconds, 0, 300));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_MAX_SESSIONS_PER_USER", s.max_sessions_per_user, 0, 1'000'000));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_PRUNE_INTERVAL", s.prune_interval_seconds, 1, 7 * 86400));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_ARGON2_MEMORY_KIB", s.argon2_memory_kib, 8, 4 * 1024 * 1024));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_ARGON2_ITERATIONS", s.argon2_iterations, 1, 64));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_ARGON2_PARALLELISM", s.argon2_parallelism, 1, 64));
  if (s.argon2_memory_kib < 8 * s.argon2_parallelism) {
    return Bad("AUTHD_ARGON2_MEMORY_KIB", "at least 8 KiB per lane of AUTHD_ARGON2_PARALLELISM",
               std::to_string(s.argon2_memory_kib));
  }
  AUTHD_RETURN_IF_ERROR(ReadBool(env, "AUTHD_PASSWORD_VALIDATION", s.password_validation));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_PASSWORD_MIN_LENGTH", s.password_min_length, 1, 4096));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_MAX_PASSWORD_BYTES", s.max_password_bytes, 16, 1 << 20));
  AUTHD_RETURN_IF_ERROR(ReadBool(env, "AUTHD_UPDATE_LAST_LOGIN", s.update_last_login));
  AUTHD_RETURN_IF_ERROR(ReadBool(env, "AUTHD_LOGIN_THROTTLE", s.login_throttle));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_LOGIN_FREE_ATTEMPTS", s.login_free_attempts, 1, 1000));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_LOGIN_ACCOUNT_THRESHOLD", s.login_account_threshold, 1, 1'000'000));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_LOGIN_ACCOUNT_CEILING", s.login_account_ceiling, 1, 1'000'000));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_LOGIN_ADDRESS_THRESHOLD", s.login_address_threshold, 1, 1'000'000));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_LOGIN_BACKOFF_BASE", s.login_backoff_base, 1, 3600));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_LOGIN_BACKOFF_MAX", s.login_backoff_max, 1, 86400));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_LOGIN_FAILURE_WINDOW", s.login_failure_window, 1, 30 * 86400));
  if (s.login_backoff_max < s.login_backoff_base) {
    return Bad("AUTHD_LOGIN_BACKOFF_MAX", "at least AUTHD_LOGIN_BACKOFF_BASE",
               std::to_string(s.login_backoff_max));
  }
  // A counter that restarted while its address was still waiting would hand out fresh free
  // attempts to an attacker who merely waits out the maximum back-off.
  if (s.login_failure_window < s.login_backoff_max) {
    return Bad("AUTHD_LOGIN_FAILURE_WINDOW", "at least AUTHD_LOGIN_BACKOFF_MAX",
               std::to_string(s.login_failure_window));
  }
  AUTHD_RETURN_IF_ERROR(ReadRate(env, "AUTHD_REGISTRATION_RATE", s.registration_rate));
  if (auto v = env("AUTHD_TRUSTED_PROXIES")) s.trusted_proxies = SplitList(*v);
  if (auto v = env("AUTHD_CORS_ALLOWED_ORIGINS")) s.cors_allowed_origins = SplitList(*v);
  if (auto v = env("AUTHD_ALLOWED_HOSTS")) s.allowed_hosts = SplitList(*v);
  if (auto v = env("AUTHD_PUBLIC_URL")) {
    std::string url = *v;
    while (url.ends_with('/')) url.pop_back();
    if (!url.empty() && !IsPublicUrl(url)) {
      return Bad("AUTHD_PUBLIC_URL", "http(s)://host[:port][/path], without query or fragment", *v);
    }
    s.public_url = std::move(url);
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_SMTP_URL", s.smtp_url));
  if (!s.smtp_url.empty() && !s.smtp_url.starts_with("smtp://") &&
      !s.smtp_url.starts_with("smtps://")) {
    return Bad("AUTHD_SMTP_URL", "smtp://[user:password@]host[:port] or smtps://...",
               RedactDatabaseUrl(s.smtp_url));
  }
  if (auto v = env("AUTHD_SMTP_TLS")) {
    if (*v != "auto" && *v != "required" && *v != "off") {
      return Bad("AUTHD_SMTP_TLS", "auto, required or off", *v);
    }
    s.smtp_tls = *v;
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_SMTP_CA_FILE", s.smtp_ca_file));
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_EMAIL_FROM", s.email_from));
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_SITE_NAME", s.site_name));
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_SITE_LOGO_FILE", s.site_logo_file));
  if (!s.site_logo_file.empty()) {
    static constexpr std::string_view kTypes[] = {".svg", ".png", ".jpg", ".jpeg", ".webp"};
    const bool known = std::any_of(std::begin(kTypes), std::end(kTypes),
                                   [&](std::string_view t) { return s.site_logo_file.ends_with(t); });
    std::error_code ec;
    const auto size = std::filesystem::file_size(s.site_logo_file, ec);
    if (!known || ec || size > 512 * 1024) {
      return Bad("AUTHD_SITE_LOGO_FILE", "a readable .svg, .png, .jpg, .jpeg or .webp file of at most 512 KB",
                 s.site_logo_file);
    }
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_SITE_ACCENT_COLOR", s.site_accent_color));
  if (!s.site_accent_color.empty()) {
    const std::string& c = s.site_accent_color;
    const bool hex = c.size() == 7 && c[0] == '#' &&
                     std::all_of(c.begin() + 1, c.end(), [](unsigned char ch) { return std::isxdigit(ch); });
    if (!hex) return Bad("AUTHD_SITE_ACCENT_COLOR", "a colour as #rrggbb", c);
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_EMAIL_DIR", s.email_dir));
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_EMAIL_TEMPLATES_DIR", s.email_templates_dir));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_EMAIL_RETRY_HOURS", s.email_retry_hours, 1, 24 * 30));
  if (!s.smtp_url.empty() && !s.email_dir.empty()) {
    return Bad("AUTHD_EMAIL_DIR", "unset when AUTHD_SMTP_URL is set (mail goes to one of them)",
               s.email_dir);
  }
  if (!s.smtp_url.empty() && s.email_from.empty()) {
    return Bad("AUTHD_EMAIL_FROM", "the sender's address, with AUTHD_SMTP_URL", "");
  }
  if (s.email_from.empty()) s.email_from = "authd@localhost";
  AUTHD_RETURN_IF_ERROR(ReadRate(env, "AUTHD_PASSWORD_RESET_RATE", s.password_reset_rate));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_PASSWORD_RESET_TTL", s.password_reset_ttl, 1, 30 * 86400));
  AUTHD_RETURN_IF_ERROR(ReadInt(env, "AUTHD_EMAIL_VERIFY_TTL", s.email_verify_ttl, 1, 365 * 86400));
  AUTHD_RETURN_IF_ERROR(
      ReadBool(env, "AUTHD_REQUIRE_VERIFIED_EMAIL", s.require_verified_email));
  if (auto v = env("AUTHD_LOGIN_FIELDS")) {
    if (*v == "username") {
      s.login_by_email = false;
    } else if (*v == "username,email" || *v == "email,username") {
      s.login_by_email = true;
    } else {
      return Bad("AUTHD_LOGIN_FIELDS", "username or username,email", *v);
    }
  }
  AUTHD_RETURN_IF_ERROR(ReadString(env, "AUTHD_ENCRYPTION_KEY_FILE", s.encryption_key_file));
  AUTHD_RETURN_IF_ERROR(ReadBool(env, "AUTHD_MFA_REQUIRED_FOR_STAFF", s.mfa_required_for_staff));
  AUTHD_RETURN_IF_ERROR(ReadWebauthn(env, s));
  AUTHD_RETURN_IF_ERROR(
      ReadInt(env, "AUTHD_AUDIT_RETENTION_DAYS", s.audit_retention_days, 1, 100 * 365));
  AUTHD_RETURN_IF_ERROR(ReadWebhooks(env, s));
  if (auto v = env("AUTHD_OIDC_PROVIDERS")) {
    auto providers = ParseOidcProviders(*v);
    if (!providers.ok()) return providers.status();
    s.oidc_providers = std::move(providers).value();
  }
  if (auto v = env("AUTHD_OIDC_CLIENT_REDIRECTS")) {
    s.oidc_client_redirects = SplitList(*v);
    for (const std::string& url : s.oidc_client_redirects) {
      // Absolute, with a scheme (https, or an app's own "com.example.app:/done"); compared
      // exactly, so no fragment and nothing a browser would normalise.
      const size_t colon = url.find(':');
      const bool ok = colon != std::string::npos && colon > 0 && url.size() <= 512 &&
                      std::isalpha(static_cast<unsigned char>(url[0])) &&
                      url.find('#') == std::string::npos &&
                      std::all_of(url.begin(), url.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
      if (!ok) return Bad("AUTHD_OIDC_CLIENT_REDIRECTS", "absolute URLs without fragments, comma-separated", url);
    }
  }
  if (auto v = env("AUTHD_LOG_LEVEL")) {
    static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(std::begin(kLevels), std::end(kLevels), *v) == std::end(kLevels)) {
      return Bad("AUTHD_LOG_LEVEL", "trace, debug, info, warn, error or off", *v);
    }
    s.log_level = *v;
  }

  if (auto v = env("AUTHD_METRICS_LISTEN")) {
    Settings probe;
    if (Status st = ParseListen(*v, probe); !st.ok()) {
      return Bad("AUTHD_METRICS_LISTEN", "HOST:PORT", *v);
    }
    s.metrics_listen = *v;
  }
  if (auto v = env("AUTHD_METRICS_ALLOW")) s.metrics_allow = SplitList(*v);
  AUTHD_RETURN_IF_ERROR(ReadTls(env, s));
  if (auto v = env("AUTHD_LOG_FORMAT")) {
    if (*v != "text" && *v != "json") return Bad("AUTHD_LOG_FORMAT", "text or json", *v);
    s.log_format = *v;
  }

  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (s.io_threads == 0) s.io_threads = cores;
  if (s.hash_threads == 0) s.hash_threads = cores;
  return s;
}

std::string RedactDatabaseUrl(std::string_view url) {
  std::string out(url);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    // scheme://user:password@host...: the password runs from the first ':' after the scheme
    // to the last '@' of the authority.
    const size_t authority = scheme + 3;
    const size_t end = out.find_first_of("/?", authority);
    const size_t at = out.rfind('@', end == std::string::npos ? out.size() : end);
    if (at != std::string::npos && at >= authority) {
      const size_t colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // key=value forms, and "?password=" in a URI's query.
  for (size_t pos = 0; (pos = out.find("password", pos)) != std::string::npos;) {
    size_t eq = pos + 8;
    while (eq < out.size() && out[eq] == ' ') ++eq;
    if (eq >= out.size() || out[eq] != '=') {
      pos = eq;
      continue;
    }
    size_t start = eq + 1;
    while (start < out.size() && out[start] == ' ') ++start;
    size_t stop = start;
    if (stop < out.size() && out[stop] == '\'') {
      ++stop;
      while (stop < out.size() && out[stop] != '\'') stop += out[stop] == '\\' ? 2 : 1;
      stop = std::min(stop + 1, out.size());
    } else {
      while (stop < out.size() && out[stop] != ' ' && out[stop] != '&') ++stop;
    }
    out.replace(start, stop - start, "***");
    pos = start + 3;
  }
  return out;
}

namespace {

// Back to the form ParseRate reads: "30/hour".
std::string DescribeRate(const std::optional<RateSetting>& rate) {
  if (!rate) return "off";
  switch (rate->period_seconds) {
    case 1: return fmt::format("{}/second", rate->count);
    case 60: return fmt::format("{}/minute", rate->count);
    case 3600: return fmt::format("{}/hour", rate->count);
    default: return fmt::format("{}/day", rate->count);
  }
}

}  // namespace

std::vector<std::string> DescribeSettings(const Settings& s) {
  return {
      fmt::format("AUTHD_LISTEN={}:{}", s.listen_host, s.listen_port),
      fmt::format("AUTHD_THREADS={}", s.io_threads),
      fmt::format("AUTHD_HASH_THREADS={}", s.hash_threads),
      fmt::format("AUTHD_HASH_QUEUE={}", s.hash_queue),
      fmt::format("AUTHD_MAX_HASHING_PER_IP={}", s.max_hashing_per_ip),
      fmt::format("AUTHD_STORE_THREADS={}", s.store_threads),
      fmt::format("AUTHD_STORE_QUEUE={}", s.store_queue),
      fmt::format("AUTHD_MAX_CONNECTIONS={}", s.max_connections),
      fmt::format("AUTHD_MAX_CONNECTIONS_PER_IP={}", s.max_connections_per_ip),
      fmt::format("AUTHD_HEADER_TIMEOUT={}", s.header_timeout_seconds),
      fmt::format("AUTHD_KEEPALIVE_TIMEOUT={}", s.keepalive_timeout_seconds),
      fmt::format("AUTHD_MAX_BODY_BYTES={}", s.max_body_bytes),
      fmt::format("AUTHD_DATABASE_URL={}", RedactDatabaseUrl(s.database_url)),
      fmt::format("AUTHD_DB_POOL_SIZE={}", s.db_pool_size),
      fmt::format("AUTHD_USER_CACHE={}", s.user_cache),
      fmt::format("AUTHD_ALGORITHM={}", s.algorithm),
      fmt::format("AUTHD_SIGNING_KEY={}", s.signing_key ? "(set, hidden)" : "(generated, in the database)"),
      fmt::format("AUTHD_SIGNING_KEY_FILE={}", s.signing_key_file),
      fmt::format("AUTHD_VERIFYING_KEY_FILES={}", fmt::join(s.verifying_key_files, ",")),
      fmt::format("AUTHD_ISSUER={}", s.issuer.value_or("")),
      fmt::format("AUTHD_AUDIENCE={}", s.audience.value_or("")),
      fmt::format("AUTHD_ACCESS_TOKEN_LIFETIME={}", s.access_token_lifetime),
      fmt::format("AUTHD_REFRESH_TOKEN_LIFETIME={}", s.refresh_token_lifetime),
      fmt::format("AUTHD_LEEWAY={}", s.leeway),
      fmt::format("AUTHD_ROTATE_REFRESH_TOKENS={}", s.rotate_refresh_tokens),
      fmt::format("AUTHD_BLACKLIST_AFTER_ROTATION={}", s.blacklist_after_rotation),
      fmt::format("AUTHD_ROTATION_GRACE_SECONDS={}", s.rotation_grace_seconds),
      fmt::format("AUTHD_MAX_SESSIONS_PER_USER={}", s.max_sessions_per_user),
      fmt::format("AUTHD_PRUNE_INTERVAL={}", s.prune_interval_seconds),
      fmt::format("AUTHD_ARGON2_MEMORY_KIB={}", s.argon2_memory_kib),
      fmt::format("AUTHD_ARGON2_ITERATIONS={}", s.argon2_iterations),
      fmt::format("AUTHD_ARGON2_PARALLELISM={}", s.argon2_parallelism),
      fmt::format("AUTHD_PASSWORD_VALIDATION={}", s.password_validation),
      fmt::format("AUTHD_PASSWORD_MIN_LENGTH={}", s.password_min_length),
      fmt::format("AUTHD_MAX_PASSWORD_BYTES={}", s.max_password_bytes),
      fmt::format("AUTHD_UPDATE_LAST_LOGIN={}", s.update_last_login),
      fmt::format("AUTHD_LOGIN_THROTTLE={}", s.login_throttle),
      fmt::format("AUTHD_LOGIN_FREE_ATTEMPTS={}", s.login_free_attempts),
      fmt::format("AUTHD_LOGIN_ACCOUNT_THRESHOLD={}", s.login_account_threshold),
      fmt::format("AUTHD_LOGIN_ACCOUNT_CEILING={}", s.login_account_ceiling),
      fmt::format("AUTHD_LOGIN_ADDRESS_THRESHOLD={}", s.login_address_threshold),
      fmt::format("AUTHD_LOGIN_BACKOFF_BASE={}", s.login_backoff_base),
      fmt::format("AUTHD_LOGIN_BACKOFF_MAX={}", s.login_backoff_max),
      fmt::format("AUTHD_LOGIN_FAILURE_WINDOW={}", s.login_failure_window),
      fmt::format("AUTHD_REGISTRATION_RATE={}", DescribeRate(s.registration_rate)),
      fmt::format("AUTHD_TRUSTED_PROXIES={}", fmt::join(s.trusted_proxies, ",")),
      fmt::format("AUTHD_CORS_ALLOWED_ORIGINS={}", fmt::join(s.cors_allowed_origins, ",")),
      fmt::format("AUTHD_ALLOWED_HOSTS={}", fmt::join(s.allowed_hosts, ",")),
      fmt::format("AUTHD_PUBLIC_URL={}", s.public_url),
      fmt::format("AUTHD_SMTP_URL={}", RedactDatabaseUrl(s.smtp_url)),
      fmt::format("AUTHD_SMTP_TLS={}", s.smtp_tls),
      fmt::format("AUTHD_SMTP_CA_FILE={}", s.smtp_ca_file),
      fmt::format("AUTHD_EMAIL_FROM={}", s.email_from),
      fmt::format("AUTHD_SITE_NAME={}", s.site_name),
      fmt::format("AUTHD_SITE_LOGO_FILE={}", s.site_logo_file),
      fmt::format("AUTHD_SITE_ACCENT_COLOR={}", s.site_accent_color),
      fmt::format("AUTHD_EMAIL_DIR={}", s.email_dir),
      fmt::format("AUTHD_EMAIL_TEMPLATES_DIR={}", s.email_templates_dir),
      fmt::format("AUTHD_EMAIL_RETRY_HOURS={}", s.email_retry_hours),
      fmt::format("AUTHD_PASSWORD_RESET_RATE={}", DescribeRate(s.password_reset_rate)),
      fmt::format("AUTHD_PASSWORD_RESET_TTL={}", s.password_reset_ttl),
      fmt::format("AUTHD_EMAIL_VERIFY_TTL={}", s.email_verify_ttl),
      fmt::format("AUTHD_REQUIRE_VERIFIED_EMAIL={}", s.require_verified_email),
      fmt::format("AUTHD_LOGIN_FIELDS={}", s.login_by_email ? "username,email" : "username"),
      fmt::format("AUTHD_ENCRYPTION_KEY_FILE={}", s.encryption_key_file),
      fmt::format("AUTHD_MFA_REQUIRED_FOR_STAFF={}", s.mfa_required_for_staff),
      fmt::format("AUTHD_WEBAUTHN_ORIGINS={}", fmt::join(s.webauthn_origins, ",")),
      fmt::format("AUTHD_WEBAUTHN_RP_ID={}", s.webauthn_rp_id),
      fmt::format("AUTHD_AUDIT_RETENTION_DAYS={}", s.audit_retention_days),
      fmt::format("AUTHD_WEBHOOKS={}", DescribeWebhooks(s.webhooks)),
      fmt::format("AUTHD_OIDC_PROVIDERS={}", DescribeOidcProviders(s.oidc_providers)),
      fmt::format("AUTHD_OIDC_CLIENT_REDIRECTS={}", fmt::join(s.oidc_client_redirects, ",")),
      fmt::format("AUTHD_LOG_LEVEL={}", s.log_level),
      fmt::format("AUTHD_LOG_FORMAT={}", s.log_format),
      fmt::format("AUTHD_METRICS_LISTEN={}", s.metrics_listen),
      fmt::format("AUTHD_METRICS_ALLOW={}", fmt::join(s.metrics_allow, ",")),
      fmt::format("AUTHD_TLS_CERT_FILE={}", s.tls_cert_file),
      fmt::format("AUTHD_TLS_KEY_FILE={}", s.tls_key_file),
      fmt::format("AUTHD_TLS_OCSP_FILE={}", s.tls_ocsp_file),
      fmt::format("AUTHD_METRICS_TLS_CERT_FILE={}", s.metrics_tls_cert_file),
      fmt::format("AUTHD_METRICS_TLS_KEY_FILE={}", s.metrics_tls_key_file),
      fmt::format("AUTHD_HSTS={}", s.hsts_max_age),
      fmt::format("AUTHD_HTTP_REDIRECT_LISTEN={}", s.http_redirect_listen),
  };
}

const std::vector<std::string>& CommandVariableNames() {
  static const std::vector<std::string> names = {"AUTHD_CONFIG", "AUTHD_SUPERUSER_USERNAME",
                                                 "AUTHD_SUPERUSER_PASSWORD"};
  return names;
}

namespace {

// Levenshtein distance, for suggesting the setting a misspelled name meant.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

Status CheckEnvironmentNames(const std::vector<std::string>& names) {
  std::vector<std::string> known = SettingNames();
  const auto& commands = CommandVariableNames();
  known.insert(known.end(), commands.begin(), commands.end());
  std::vector<std::string> unknown;
  for (const std::string& name : names) {
    if (!name.starts_with("AUTHD_")) continue;
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string entry = name;
    const std::string* closest = nullptr;
    size_t best = 4;  // farther than this is not a typo
    for (const std::string& k : known) {
      const size_t d = EditDistance(name, k);
      if (d < best) {
        best = d;
        closest = &k;
      }
    }
    if (closest != nullptr) entry += " (did you mean " + *closest + "?)";
    unknown.push_back(std::move(entry));
  }
  if (unknown.empty()) return Status::Ok();
  std::sort(unknown.begin(), unknown.end());
  return InvalidArgument(fmt::format("unknown variable{} in the environment: {}",
                                     unknown.size() > 1 ? "s" : "", fmt::join(unknown, ", ")));
}

std::vector<std::string> SettingNames() {
  std::vector<std::string> names;
  for (const std::string& line : DescribeSettings(Settings{})) {
    names.push_back(line.substr(0, line.find('=')));
  }
  return names;
}

}  // namespace authd
