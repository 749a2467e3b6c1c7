#include "config/settings.h"

#include <gtest/gtest.h>

#include "config/test_env.h"

#include <map>

namespace authd {
namespace {

TEST(Settings, Defaults) {
  auto s = LoadSettings(Env({}));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->listen_host, "127.0.0.1");
  EXPECT_EQ(s->listen_port, 8000);
  EXPECT_EQ(s->database_url, "sqlite://authd.db");
  EXPECT_EQ(s->access_token_lifetime, 300);
  EXPECT_EQ(s->refresh_token_lifetime, 86400);
  EXPECT_EQ(s->argon2_memory_kib, 19456u);
  EXPECT_GE(s->io_threads, 1);
  EXPECT_FALSE(s->signing_key);
}

TEST(Settings, ReadsValues) {
  auto s = LoadSettings(Env({{"AUTHD_LISTEN", "0.0.0.0:9000"},
                             {"AUTHD_THREADS", "3"},
                             {"AUTHD_ACCESS_TOKEN_LIFETIME", "60"},
                             {"AUTHD_PASSWORD_VALIDATION", "off"},
                             {"AUTHD_SIGNING_KEY", std::string(32, 'k')},
                             {"AUTHD_DATABASE_URL", "sqlite:///tmp/x.db"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->listen_host, "0.0.0.0");
  EXPECT_EQ(s->listen_port, 9000);
  EXPECT_EQ(s->io_threads, 3);
  EXPECT_EQ(s->access_token_lifetime, 60);
  EXPECT_FALSE(s->password_validation);
  EXPECT_EQ(*s->signing_key, std::string(32, 'k'));
  EXPECT_EQ(s->database_url, "sqlite:///tmp/x.db");
}

TEST(Settings, ErrorsNameTheVariable) {
  const std::pair<const char*, const char*> bad[] = {
      {"AUTHD_THREADS", "many"},          {"AUTHD_THREADS", "0"},
      {"AUTHD_LISTEN", "nope"},           {"AUTHD_LISTEN", "127.0.0.1:70000"},
      {"AUTHD_ACCESS_TOKEN_LIFETIME", "-1"}, {"AUTHD_PASSWORD_VALIDATION", "maybe"},
      {"AUTHD_SIGNING_KEY", "short"},     {"AUTHD_LOG_LEVEL", "loud"},
      {"AUTHD_DATABASE_URL", ""},         {"AUTHD_ARGON2_MEMORY_KIB", "12x"},
      {"AUTHD_SITE_ACCENT_COLOR", "red"}, {"AUTHD_SITE_ACCENT_COLOR", "#12345g"},
      {"AUTHD_SITE_LOGO_FILE", "/nonexistent/logo.svg"}, {"AUTHD_SITE_LOGO_FILE", "/etc/hostname"},
  };
  for (const auto& [name, value] : bad) {
    auto s = LoadSettings(Env({{name, value}}));
    ASSERT_FALSE(s.ok()) << name << "=" << value;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find(name), std::string::npos) << s.status().message();
  }
  // The signing key itself never appears in an error.
  auto s = LoadSettings(Env({{"AUTHD_SIGNING_KEY", "tiny-secret"}}));
  EXPECT_EQ(s.status().message().find("tiny-secret"), std::string::npos);
}

TEST(Settings, TokenLifecycleAndKeys) {
  auto d = LoadSettings(Env({}));
  EXPECT_FALSE(d->rotate_refresh_tokens);
  EXPECT_TRUE(d->blacklist_after_rotation);
  EXPECT_EQ(d->rotation_grace_seconds, 10);  // two tabs refreshing at once stay logged in
  EXPECT_EQ(d->algorithm, "HS256");
  EXPECT_FALSE(d->issuer);

  auto s = LoadSettings(Env({{"AUTHD_ROTATE_REFRESH_TOKENS", "true"},
                             {"AUTHD_BLACKLIST_AFTER_ROTATION", "no"},
                             {"AUTHD_ROTATION_GRACE_SECONDS", "0"},
                             {"AUTHD_ALGORITHM", "EdDSA"},
                             {"AUTHD_SIGNING_KEY_FILE", "/keys/now.pem"},
                             {"AUTHD_VERIFYING_KEY_FILES", " /keys/a.pem, ,/keys/b.pub "},
                             {"AUTHD_ISSUER", "https://auth.example"},
                             {"AUTHD_AUDIENCE", "api"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->rotate_refresh_tokens);
  EXPECT_FALSE(s->blacklist_after_rotation);
  EXPECT_EQ(s->rotation_grace_seconds, 0);
  EXPECT_EQ(s->signing_key_file, "/keys/now.pem");
  EXPECT_EQ(s->verifying_key_files, (std::vector<std::string>{"/keys/a.pem", "/keys/b.pub"}));
  EXPECT_EQ(s->issuer, "https://auth.example");
  EXPECT_EQ(s->audience, "api");

  for (const auto& [name, value] : std::map<std::string, std::string>{
           {"AUTHD_ROTATION_GRACE_SECONDS", "301"}, {"AUTHD_ALGORITHM", "none"},
           {"AUTHD_ISSUER", ""}, {"AUTHD_SIGNING_KEY_FILE", "/k.pem"}}) {
    auto bad = LoadSettings(Env({{name, value}}));
    ASSERT_FALSE(bad.ok()) << name;
    EXPECT_NE(bad.status().message().find(name), std::string::npos) << bad.status().message();
  }
  auto missing = LoadSettings(Env({{"AUTHD_ALGORITHM", "ES256"}}));
  EXPECT_NE(missing.status().message().find("AUTHD_SIGNING_KEY_FILE"), std::string::npos);
}

TEST(Settings, DescribeMasksTheSigningKey) {
  Settings s;
  s.signing_key = "super-secret-value-that-is-long-enough";
  for (const auto& line : DescribeSettings(s)) {
    EXPECT_EQ(line.find("super-secret"), std::string::npos) << line;
  }
}

TEST(Settings, BruteForceProtectionAndRates) {
  auto d = LoadSettings(Env({}));
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->login_throttle);  // on by default
  EXPECT_FALSE(d->registration_rate);  // off by default
  EXPECT_TRUE(d->trusted_proxies.empty());

  auto s = LoadSettings(Env({{"AUTHD_LOGIN_FREE_ATTEMPTS", "3"},
                             {"AUTHD_LOGIN_BACKOFF_MAX", "60"},
                             {"AUTHD_REGISTRATION_RATE", "30/hour"},
                             {"AUTHD_TRUSTED_PROXIES", "10.0.0.0/8, ::1,"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->login_free_attempts, 3);
  EXPECT_EQ(s->login_backoff_max, 60);
  ASSERT_TRUE(s->registration_rate);
  EXPECT_EQ(s->registration_rate->count, 30);
  EXPECT_EQ(s->registration_rate->period_seconds, 3600);
  EXPECT_EQ(s->trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));

  EXPECT_FALSE(LoadSettings(Env({{"AUTHD_REGISTRATION_RATE", "off"}}))->registration_rate);
  for (const char* bad : {"30", "/hour", "0/hour", "x/hour", "30/fortnight", "30/", "-1/s"}) {
    auto r = LoadSettings(Env({{"AUTHD_REGISTRATION_RATE", bad}}));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("AUTHD_REGISTRATION_RATE"), std::string::npos);
  }
  // A window shorter than the longest wait would let a patient attacker start afresh.
  auto window = LoadSettings(Env({{"AUTHD_LOGIN_FAILURE_WINDOW", "60"}}));
  ASSERT_FALSE(window.ok());
  EXPECT_NE(window.status().message().find("AUTHD_LOGIN_FAILURE_WINDOW"), std::string::npos);
}

TEST(Settings, ParsesDrfRates) {
  EXPECT_EQ(ParseRate("5/minute")->period_seconds, 60);
  EXPECT_EQ(ParseRate("5/m")->period_seconds, 60);
  EXPECT_EQ(ParseRate("2/s")->count, 2);
  EXPECT_EQ(ParseRate("100/days")->period_seconds, 86400);
  EXPECT_FALSE(ParseRate("5 / minute"));
}

TEST(Settings, DatabasePasswordsAreNeverShown) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://authd:s3cr@t@db.example:5432/authd?sslmode=require"),
            "postgresql://authd:***@db.example:5432/authd?sslmode=require");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://authd@db/authd"), "postgresql://authd@db/authd");
  EXPECT_EQ(RedactDatabaseUrl("postgres://db/authd?user=a&password=hunter2&x=1"),
            "postgres://db/authd?user=a&password=***&x=1");
  EXPECT_EQ(RedactDatabaseUrl("host=db password = hunter2 dbname=authd"),
            "host=db password = *** dbname=authd");
  EXPECT_EQ(RedactDatabaseUrl("host=db password='a \\' b' dbname=authd"),
            "host=db password=*** dbname=authd");
  EXPECT_EQ(RedactDatabaseUrl("sqlite://authd.db"), "sqlite://authd.db");
  auto s = LoadSettings(Env({{"AUTHD_DATABASE_URL", "postgresql://u:hunter2@h/d"}}));
  for (const auto& line : DescribeSettings(*s)) EXPECT_EQ(line.find("hunter2"), std::string::npos);
}

TEST(Settings, MailAndRecovery) {
  auto d = LoadSettings(Env({}));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->email_enabled());  // neither SMTP nor a directory: mail is off
  EXPECT_EQ(d->password_reset_rate->count, 5);
  EXPECT_EQ(d->password_reset_rate->period_seconds, 3600);
  EXPECT_EQ(d->password_reset_ttl, 3600);
  EXPECT_EQ(d->email_verify_ttl, 3 * 86400);
  EXPECT_FALSE(d->login_by_email);
  EXPECT_EQ(d->site_name, "authd");

  auto s = LoadSettings(Env({{"AUTHD_SMTP_URL", "smtp://mailer:hunter2@mail.example:587"},
                             {"AUTHD_EMAIL_FROM", "no-reply@example.com"},
                             {"AUTHD_LOGIN_FIELDS", "username,email"},
                             {"AUTHD_PASSWORD_RESET_RATE", "off"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->email_enabled());
  EXPECT_TRUE(s->login_by_email);
  EXPECT_FALSE(s->password_reset_rate);
  for (const auto& line : DescribeSettings(*s)) EXPECT_EQ(line.find("hunter2"), std::string::npos);

  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"AUTHD_SMTP_URL", "smtp://mail.example"}},  // no From
           {{"AUTHD_SMTP_URL", "http://mail.example"}, {"AUTHD_EMAIL_FROM", "a@b.c"}},
           {{"AUTHD_SMTP_URL", "smtp://m"}, {"AUTHD_EMAIL_FROM", "a@b.c"}, {"AUTHD_EMAIL_DIR", "/tmp"}},
           {{"AUTHD_SMTP_TLS", "maybe"}},
           {{"AUTHD_LOGIN_FIELDS", "email"}},
           {{"AUTHD_PASSWORD_RESET_TTL", "0"}}}) {
    auto bad = LoadSettings(Env(env));
    EXPECT_FALSE(bad.ok()) << env.begin()->first;
    if (!bad.ok()) {
      EXPECT_EQ(bad.status().message().find("hunter2"), std::string::npos);
    }
  }
}

TEST(Settings, PasskeysTakeTheirRelyingPartyFromThePublicUrl) {
  auto off = LoadSettings(Env({}));
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off->passkeys_enabled());  // no origin to check: never the Host header

  auto d = LoadSettings(Env({{"AUTHD_PUBLIC_URL", "https://Auth.Example.com:8443/id/"}}));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->passkeys_enabled());
  EXPECT_EQ(d->webauthn_origins, std::vector<std::string>{"https://Auth.Example.com:8443"});
  EXPECT_EQ(d->webauthn_rp_id, "auth.example.com");

  auto s = LoadSettings(Env({{"AUTHD_WEBAUTHN_ORIGINS", "https://a.example.com, https://example.com/"},
                             {"AUTHD_WEBAUTHN_RP_ID", "example.com"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->webauthn_origins,
            (std::vector<std::string>{"https://a.example.com", "https://example.com"}));
  EXPECT_EQ(s->webauthn_rp_id, "example.com");

  for (const auto& env : std::vector<std::map<std::string, std::string>>{
           {{"AUTHD_WEBAUTHN_ORIGINS", "https://a.example.com/login"}},  // a path is no origin
           {{"AUTHD_WEBAUTHN_ORIGINS", "ftp://a.example.com"}},
           {{"AUTHD_WEBAUTHN_ORIGINS", "https://a.example.com"}, {"AUTHD_WEBAUTHN_RP_ID", "b.example.com"}},
           {{"AUTHD_WEBAUTHN_ORIGINS", "https://notexample.com"}, {"AUTHD_WEBAUTHN_RP_ID", "example.com"}},
           {{"AUTHD_PUBLIC_URL", "https://a.example.com"}, {"AUTHD_WEBAUTHN_RP_ID", "Example.com"}}}) {
    EXPECT_FALSE(LoadSettings(Env(env)).ok()) << env.begin()->second;
  }
}

TEST(Settings, OidcProvidersAreCheckedAndTheirSecretsNeverShown) {
  const std::string good = R"({"id": "g", "issuer": "https://accounts.example", "client_id": "c", "client_secret": "top-secret"})";
  auto s = LoadSettings(Env({{"AUTHD_OIDC_PROVIDERS", "[" + good + "]"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->oidc_providers.size(), 1u);
  EXPECT_EQ(s->oidc_providers[0].client_secret, "top-secret");
  for (const auto& line : DescribeSettings(*s)) EXPECT_EQ(line.find("top-secret"), std::string::npos) << line;
  auto with = [&](std::string_view key, std::string_view value) {
    std::string p = good;
    p.insert(p.size() - 1, ", \"" + std::string(key) + "\": " + std::string(value));
    return "[" + p + "]";
  };
  for (const std::string& bad : {
           std::string("{}"), std::string("[1]"),
           std::string(R"([{"id": "Google", "issuer": "https://a.example", "client_id": "c", "client_secret": "top-secret"}])"),
           std::string(R"([{"id": "g", "issuer": "http://a.example", "client_id": "c", "client_secret": "top-secret"}])"),
           std::string(R"([{"id": "g", "issuer": "http://127.0.0.1.evil.example", "client_id": "c", "client_secret": "top-secret"}])"),
           std::string(R"([{"id": "g", "issuer": "https://a.example", "client_secret": "top-secret"}])"),
           std::string(R"([{"id": "g", "issuer": "https://a.example", "client_id": "c"}])"),
           with("client_secret_file", "\"/etc/hostname\""),
           with("scopes", R"(["email"])"), with("create_users", "\"yes\""), with("colour", "\"red\""),
           with("client_secret_file", "\"/nonexistent\""),
           "[" + good + ", " + good + "]"}) {
    auto refused = LoadSettings(Env({{"AUTHD_OIDC_PROVIDERS", bad}}));
    EXPECT_FALSE(refused.ok()) << bad;
    if (!refused.ok()) {
      EXPECT_NE(refused.status().message().find("AUTHD_OIDC_PROVIDERS"), std::string::npos);
      EXPECT_EQ(refused.status().message().find("top-secret"), std::string::npos) << refused.status().message();
    }
  }
  EXPECT_FALSE(LoadSettings(Env({{"AUTHD_OIDC_CLIENT_REDIRECTS", "https://app.example/#x"}})).ok());
  EXPECT_FALSE(LoadSettings(Env({{"AUTHD_OIDC_CLIENT_REDIRECTS", "/relative"}})).ok());
  EXPECT_TRUE(LoadSettings(Env({{"AUTHD_OIDC_CLIENT_REDIRECTS", "https://app.example/done,app:/x"}})).ok());
}

TEST(Settings, WebhooksAreAJsonListAndTheirSecretsAreNeverShown) {
  auto s = LoadSettings(Env({{"AUTHD_WEBHOOKS",
                              R"([{"url": "https://hooks.example.com/a", "secret": "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0",
                                   "events": ["login.*", "user.registered"]}])"}}));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->webhooks.size(), 1u);
  EXPECT_EQ(s->webhooks[0].url, "https://hooks.example.com/a");
  EXPECT_EQ(s->webhooks[0].events, (std::vector<std::string>{"login.*", "user.registered"}));
  for (const auto& line : DescribeSettings(*s)) {
    EXPECT_EQ(line.find("c2VjcmV0"), std::string::npos) << line;
  }
  for (const char* bad : {"{}", "[1]", R"([{"url": "ftp://x", "secret": "whsec_a", "events": ["*"]}])",
                          R"([{"url": "https://x", "secret": "plain", "events": ["*"]}])",
                          R"([{"url": "https://x", "secret": "whsec_a", "events": []}])",
                          R"([{"url": "https://x", "secret": "whsec_a", "events": ["*"], "extra": 1}])",
                          R"([{"url": "https://x", "secret": "whsec_a", "events": ["login*"]}])",
                          R"([{"url": "https://x", "secret": "whsec_a", "events": [".*"]}])",
                          R"([{"url": "https://x", "secret": "whsec_a", "events": ["Login.failed"]}])",
                          R"([{"url": "https://x", "secret": "whsec_a", "events": ["*"]},
                              {"url": "https://x", "secret": "whsec_b", "events": ["*"]}])"}) {
    auto refused = LoadSettings(Env({{"AUTHD_WEBHOOKS", bad}}));
    EXPECT_FALSE(refused.ok()) << bad;
    if (!refused.ok()) {
      EXPECT_EQ(refused.status().message().find("whsec_a\""), std::string::npos);
    }
  }
}

TEST(CheckEnvironmentNames, RefusesUnknownAuthdNamesWithTheClosestSetting) {
  EXPECT_TRUE(CheckEnvironmentNames({"PATH", "HOME", "AUTHD_LISTEN", "AUTHD_CONFIG",
                                     "AUTHD_SUPERUSER_PASSWORD", "AUTHDX"})
                  .ok());
  Status st = CheckEnvironmentNames({"AUTHD_LISTEN", "AUTHD_ROTATE_REFRESH_TOKEN", "AUTHD_ZZZ"});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("AUTHD_ROTATE_REFRESH_TOKEN (did you mean "
                              "AUTHD_ROTATE_REFRESH_TOKENS?)"),
            std::string::npos)
      << st.message();
  EXPECT_NE(st.message().find("AUTHD_ZZZ"), std::string::npos);
  EXPECT_EQ(st.message().find("AUTHD_ZZZ ("), std::string::npos);  // nothing close: no guess
}

TEST(LoadSettings, RefusesADatabaseUrlServeCouldNotOpen) {
  auto s = LoadSettings(Env({{"AUTHD_DATABASE_URL", "authd.db"}}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("unsupported database URL"), std::string::npos);
  EXPECT_FALSE(LoadSettings(Env({{"AUTHD_DATABASE_URL", "sqlite://"}})).ok());
  EXPECT_TRUE(LoadSettings(Env({{"AUTHD_DATABASE_URL", "postgresql://u@h/db"}})).ok());
  EXPECT_TRUE(LoadSettings(Env({{"AUTHD_DATABASE_URL", "host=db dbname=authd"}})).ok());
}

}  // namespace
}  // namespace authd
