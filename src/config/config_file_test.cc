#include "config/config_file.h"

#include <gtest/gtest.h>

#include "config/test_env.h"
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>

namespace authd {
namespace {

class ConfigFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    path_ = ::testing::TempDir() + "authd-config-" + std::to_string(::getpid()) + ".toml";
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(ConfigFileTest, ValuesOfEveryTypeReachTheSettings) {
  auto file = ReadConfigFile(Write(R"(
listen = "0.0.0.0:9000"
access_token_lifetime = 60
rotate_refresh_tokens = true
trusted_proxies = ["10.0.0.0/8", "::1"]
registration_rate = "30/hour"
database_url = "sqlite:///tmp/x.db"
)"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto s = LoadSettings(Env({}), *file);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->listen_host, "0.0.0.0");
  EXPECT_EQ(s->listen_port, 9000);
  EXPECT_EQ(s->access_token_lifetime, 60);
  EXPECT_TRUE(s->rotate_refresh_tokens);
  EXPECT_EQ(s->trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_EQ(s->registration_rate->count, 30);
  EXPECT_EQ(s->database_url, "sqlite:///tmp/x.db");
}

TEST_F(ConfigFileTest, WebhooksAreTablesOfTheFile) {
  auto file = ReadConfigFile(Write(R"(listen = "127.0.0.1:9000"
[[webhooks]]
url = "https://hooks.example.com/a"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
events = ["user.registered", "login.*"]

[[webhooks]]
url = "http://127.0.0.1:9999/b"
secret = "whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"
events = ["*"]
)"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto s = LoadSettings(Env({}), *file);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->webhooks.size(), 2u);
  EXPECT_EQ(s->webhooks[0].url, "https://hooks.example.com/a");
  EXPECT_EQ(s->webhooks[0].secret, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
  EXPECT_EQ(s->webhooks[0].events, (std::vector<std::string>{"user.registered", "login.*"}));
  EXPECT_EQ(s->webhooks[1].events, (std::vector<std::string>{"*"}));
  // A table with anything but strings and lists of strings is refused, not half-read.
  auto bad = ReadConfigFile(Write("[[webhooks]]\nurl = \"https://x\"\nretries = 3\n"));
  EXPECT_FALSE(bad.ok() && LoadSettings(Env({}), *bad).ok());
}

TEST_F(ConfigFileTest, OidcProvidersAreTablesOfTheFileWithFlags) {
  const std::string secret = ::testing::TempDir() + "authd-oidc-secret-" + std::to_string(::getpid());
  std::ofstream(secret) << "s3cret-from-a-file\n";
  auto file = ReadConfigFile(Write(R"(oidc_client_redirects = ["https://app.example/done", "com.example.app:/done"]
[[oidc_providers]]
id = "corp"
name = "Corp SSO"
issuer = "https://sso.corp.example"
client_id = "authd"
client_secret_file = ")" + secret + R"("
allowed_email_domains = ["Corp.Example"]
link_by_verified_email = true
create_users = false

[[oidc_providers]]
id = "dev"
issuer = "http://127.0.0.1:9000"
client_id = "authd-dev"
client_secret = "dev-secret"
scopes = ["openid", "email"]
)"));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto s = LoadSettings(Env({}), *file);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->oidc_providers.size(), 2u);
  const OidcProviderSetting& corp = s->oidc_providers[0];
  EXPECT_EQ(corp.name, "Corp SSO");
  EXPECT_EQ(corp.client_secret, "s3cret-from-a-file");
  EXPECT_EQ(corp.scopes, (std::vector<std::string>{"openid", "email", "profile"}));
  EXPECT_EQ(corp.allowed_email_domains, (std::vector<std::string>{"corp.example"}));
  EXPECT_TRUE(corp.link_by_verified_email);
  EXPECT_FALSE(corp.create_users);
  const OidcProviderSetting& dev = s->oidc_providers[1];
  EXPECT_EQ(dev.name, "dev");
  EXPECT_EQ(dev.scopes, (std::vector<std::string>{"openid", "email"}));
  EXPECT_FALSE(dev.link_by_verified_email);
  EXPECT_TRUE(dev.create_users);
  EXPECT_EQ(s->oidc_client_redirects, (std::vector<std::string>{"https://app.example/done", "com.example.app:/done"}));
  for (const auto& line : DescribeSettings(*s)) {
    EXPECT_EQ(line.find("s3cret"), std::string::npos) << line;
    EXPECT_EQ(line.find("dev-secret"), std::string::npos) << line;
  }
  std::remove(secret.c_str());
}

TEST_F(ConfigFileTest, TheEnvironmentOverridesTheFile) {
  auto file = ReadConfigFile(Write("access_token_lifetime = 60\nleeway = 5\n"));
  ASSERT_TRUE(file.ok());
  auto s = LoadSettings(Env({{"AUTHD_ACCESS_TOKEN_LIFETIME", "120"}}), *file);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->access_token_lifetime, 120);  // the environment's
  EXPECT_EQ(s->leeway, 5);                   // the file's
}

TEST_F(ConfigFileTest, UnknownKeysAreAllNamed) {
  auto file = ReadConfigFile(Write("acess_token_lifetime = 60\nleeway = 1\nAUTHD_LEEWAY = 2\n"
                                   "[tokens]\nalgorithm = \"HS256\"\n"));
  ASSERT_FALSE(file.ok());
  const std::string& m = file.status().message();
  EXPECT_NE(m.find(path_), std::string::npos) << m;
  EXPECT_NE(m.find("acess_token_lifetime"), std::string::npos) << m;
  EXPECT_NE(m.find("AUTHD_LEEWAY"), std::string::npos) << m;  // keys are lower case
  EXPECT_NE(m.find("tokens"), std::string::npos) << m;        // no tables
  EXPECT_EQ(m.find("leeway,"), std::string::npos) << m;       // a known key is not named
}

TEST_F(ConfigFileTest, BadValuesNameTheFileAndKey) {
  auto typed = ReadConfigFile(Write("leeway = 1.5\n"));
  ASSERT_FALSE(typed.ok());
  EXPECT_NE(typed.status().message().find("leeway"), std::string::npos);

  auto file = ReadConfigFile(Write("access_token_lifetime = -5\n"));
  ASSERT_TRUE(file.ok());
  auto s = LoadSettings(Env({}), *file);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message().rfind(path_ + ": access_token_lifetime: expected", 0), 0u)
      << s.status().message();

  auto syntax = ReadConfigFile(Write("leeway = \n"));
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find(path_ + ":1:"), std::string::npos)
      << syntax.status().message();

  auto missing = ReadConfigFile("/nonexistent/authd.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/nonexistent/authd.toml"), std::string::npos);
}

// The shipped example names every setting there is, and reads back to the defaults.
TEST_F(ConfigFileTest, TheExampleCoversEverySetting) {
  std::ifstream in(AUTHD_SOURCE_DIR "/docs/authd.example.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  // Commented keys ("# key = value" at a line's start) count as named.
  std::string uncommented;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("# ") && line.find(" = ") != std::string::npos) line = line.substr(2);
    uncommented += line + "\n";
  }
  auto file = ReadConfigFile(Write(uncommented));
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  std::set<std::string> named;
  for (const auto& [name, value] : file->values) named.insert(name);
  for (const std::string& name : SettingNames()) EXPECT_TRUE(named.contains(name)) << name;

  auto plain = ReadConfigFile(Write(text));
  ASSERT_TRUE(plain.ok());
  auto s = LoadSettings(Env({}), *plain);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(DescribeSettings(*s), DescribeSettings(*LoadSettings(Env({}))));
}

// `authd config` output is itself valid input: every line reads back to the same settings.
TEST(Settings, DescriptionReadsBack) {
  auto s = LoadSettings(Env({{"AUTHD_REGISTRATION_RATE", "5/minute"},
                             {"AUTHD_TRUSTED_PROXIES", "10.0.0.0/8,::1"},
                             {"AUTHD_ISSUER", "https://auth.example"}}));
  ASSERT_TRUE(s.ok());
  std::map<std::string, std::string> vars;
  for (const auto& line : DescribeSettings(*s)) {
    const size_t eq = line.find('=');
    if (line.substr(0, eq) == "AUTHD_SIGNING_KEY") continue;  // masked
    if (eq + 1 == line.size()) continue;                       // unset
    vars[line.substr(0, eq)] = line.substr(eq + 1);
  }
  auto again = LoadSettings(Env(vars));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(DescribeSettings(*again), DescribeSettings(*s));
}

}  // namespace
}  // namespace authd
