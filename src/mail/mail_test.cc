// The mail layer's own rules: addresses, headers, templates, and the outbox sender's retries
// (with a real SQLite store and the directory transport writing real files).
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mail/address.h"
#include "mail/composer.h"
#include "mail/directory_transport.h"
#include "mail/link_token.h"
#include "mail/message.h"
#include "mail/outbox_sender.h"
#include "mail/templates.h"

namespace authd {
namespace {

namespace fs = std::filesystem;

TEST(MailAddress, OnlyPlainAddressesAreMailable) {
  for (const char* ok : {"a@example.com", "first.last+tag@sub.example.org", "x@localhost"}) {
    EXPECT_TRUE(IsMailableAddress(ok)) << ok;
  }
  for (const char* bad : {"", "a", "@example.com", "a@", "a b@example.com", "a@example.com\r\nBcc: b@x",
                          "<a@example.com>", "a@example.com, b@example.com", "\"a\"@example.com",
                          "a@b@example.com", "a@exa mple.com", "é@example.com", "a@.example.com",
                          "a..b@example.com", "a@example..com", "a@example.com."}) {
    EXPECT_FALSE(IsMailableAddress(bad)) << bad;
  }
  EXPECT_FALSE(IsMailableAddress(std::string(250, 'a') + "@x.io"));
  EXPECT_EQ(AddressDomain("a@example.com"), "example.com");
}

std::string DecodeWords(std::string_view header) {
  std::string out;
  size_t pos = 0;
  while ((pos = header.find("=?UTF-8?B?", pos)) != std::string_view::npos) {
    const size_t start = pos + 10;
    const size_t end = header.find("?=", start);
    std::string_view b64 = header.substr(start, end - start);
    std::string bytes(b64.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                            reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
    while (!b64.empty() && b64.back() == '=') {
      b64.remove_suffix(1);
      --n;
    }
    out.append(bytes.data(), static_cast<size_t>(n));
    pos = end + 2;
  }
  return out;
}

TEST(MailMessage, HeaderWordsCarryAnyTextInShortLines) {
  EXPECT_EQ(EncodeHeaderWords("Reset your password", 9), "Reset your password");
  const std::string text = "Réinitialisez votre mot de passe — 😀 ünïcödé and some more words to fold";
  const std::string encoded = EncodeHeaderWords(text, 9);
  EXPECT_EQ(DecodeWords(encoded), text);
  size_t start = 0;
  for (size_t eol; (eol = encoded.find("\r\n", start)) != std::string::npos; start = eol + 3) {
    EXPECT_LE(eol - start + (start == 0 ? 9 : 0), 76u);
  }
  // "=?" would be read as an encoded word: encoded instead.
  EXPECT_NE(EncodeHeaderWords("=?x?=", 9), "=?x?=");
}

class FixedRandom final : public Random {
 public:
  void Fill(std::span<uint8_t> out) override {
    for (auto& b : out) b = 0xab;
  }
};

TEST(MailMessage, ValuesNeverAddAHeader) {
  FixedRandom random;
  MailMessage m{.from_name = "Site\r\nBcc: evil@example.com",
                .from_address = "no-reply@example.com",
                .to = "alice@example.com",
                .subject = "Hi\r\nBcc: evil@example.com",
                .text = "body\r\n.\r\nRCPT TO:<evil@example.com>",
                .html = "<p>x</p>"};
  auto out = RenderMessage(m, 1'796'059'869, random);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  const std::string head = out->substr(0, out->find("\r\n\r\n"));
  // CR/LF became spaces; the display name, with its ':' and '@', is an encoded word.
  EXPECT_EQ(head.find("\r\nBcc"), std::string::npos) << head;
  EXPECT_NE(head.find("From: =?UTF-8?B?"), std::string::npos) << head;
  EXPECT_NE(head.find("Subject: Hi  Bcc: evil@example.com\r\n"), std::string::npos) << head;
  EXPECT_NE(head.find("Date: Mon, 30 Nov 2026 "), std::string::npos);
  EXPECT_NE(head.find("To: <alice@example.com>"), std::string::npos);
  EXPECT_NE(head.find("Message-ID: <abababababababababababababababab@example.com>"), std::string::npos);
  EXPECT_NE(head.find("multipart/alternative"), std::string::npos);
  // Bodies are base64: no line of them can be a lone "." or an SMTP command.
  EXPECT_EQ(out->find("RCPT TO"), std::string::npos);
  m.to = "alice@example.com\r\nBcc: evil@example.com";
  EXPECT_EQ(RenderMessage(m, 0, random).status().code(), StatusCode::kInvalidArgument);
  m.to = "alice@example.com";
  m.text = "\xff\xfe";
  EXPECT_EQ(RenderMessage(m, 0, random).status().code(), StatusCode::kInvalidArgument);
}

TEST(MailTemplate, SubstitutesAndEscapesForHtmlOnly) {
  const std::set<std::string> known = {"name", "link"};
  auto html = MailTemplate::Parse("<a href=\"{{link}}\">{{ name }}</a>", known, MailTemplate::Escape::kHtml);
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->Render({{"name", "<b>&\"'"}, {"link", "https://x/?a=1&b=2"}}),
            "<a href=\"https://x/?a=1&amp;b=2\">&lt;b&gt;&amp;&quot;&#x27;</a>");
  auto text = MailTemplate::Parse("Hi {{name}}!", known, MailTemplate::Escape::kNone);
  EXPECT_EQ(text->Render({{"name", "<b>"}}), "Hi <b>!");
  EXPECT_EQ(text->Render({}), "Hi !");
  auto unclosed = MailTemplate::Parse("a\nb {{name", known, MailTemplate::Escape::kNone);
  EXPECT_NE(unclosed.status().message().find("line 2"), std::string::npos) << unclosed.status().message();
  auto unknown = MailTemplate::Parse("{{nmae}}", known, MailTemplate::Escape::kNone);
  EXPECT_NE(unknown.status().message().find("unknown placeholder 'nmae'"), std::string::npos);
  EXPECT_FALSE(MailTemplate::Parse("{{a-b}}", known, MailTemplate::Escape::kNone).ok());
  EXPECT_FALSE(MailTemplate::Parse("{{}}", known, MailTemplate::Escape::kNone).ok());
}

class MailDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("authd-mail-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(MailDirTest, OverridesReplaceBuiltInsAndBrokenOnesStopStartUp) {
  std::ofstream(dir_ / "password_reset.subject.txt") << "Your {{site_name}} reset";
  auto loaded = MailTemplates::Load(dir_.string());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->For("password_reset").subject.Render({{"site_name", "X"}}), "Your X reset");
  EXPECT_NE(loaded->For("verify_email").subject.Render({{"site_name", "X"}}).find("Confirm"),
            std::string::npos);  // the built-in, where no file overrides it
  std::ofstream(dir_ / "verify_email.html") << "<p>{{link}}</p>\n<p>{{token}}</p>";
  auto broken = MailTemplates::Load(dir_.string());
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("verify_email.html: line 2"), std::string::npos)
      << broken.status().message();
  EXPECT_FALSE(MailTemplates::Load((dir_ / "missing").string()).ok());
}

TEST(MailTimes, RetriesBackOffFrom5SecondsTo10Minutes) {
  EXPECT_EQ(RetryDelaySeconds(1), 5);
  EXPECT_EQ(RetryDelaySeconds(2), 10);
  EXPECT_EQ(RetryDelaySeconds(3), 20);
  EXPECT_EQ(RetryDelaySeconds(7), 320);
  EXPECT_EQ(RetryDelaySeconds(8), 600);
  EXPECT_EQ(RetryDelaySeconds(100), 600);
  EXPECT_EQ(DescribeDuration(3600), "1 hour");
  EXPECT_EQ(DescribeDuration(3 * 86400), "3 days");
  EXPECT_EQ(DescribeDuration(90), "90 seconds");
  EXPECT_EQ(DescribeDuration(120), "2 minutes");
}

TEST(LinkToken, IsLongRandomAndStoredAsItsSha256) {
  OsRandom random;
  const std::string a = NewLinkToken(random);
  EXPECT_EQ(a.size(), 43u);  // 256 bits in base64url
  EXPECT_NE(a, NewLinkToken(random));
  EXPECT_EQ(LinkTokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(LinkUrl("https://a.example", "/account/reset/", a), "https://a.example/account/reset/?token=" + a);
}

TEST_F(MailDirTest, TheSenderRetriesUntilTheTransportWorksThenGivesUpAfterTheRetryWindow) {
  auto store = OpenStore("sqlite://" + (dir_ / "t.db").string(), {});
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  ManualClock clock(1'796'000'000'000'000);
  OsRandom random;
  auto templates = MailTemplates::Load("");
  ASSERT_TRUE(templates.ok());
  MailComposer composer(**store, *templates, clock, random,
                        ComposerOptions{.from_address = "no-reply@example.com",
                                        .public_url = "https://a.example"});
  const fs::path out = dir_ / "out";  // missing at first: every send fails, as a down server
  DirectoryTransport transport(out.string(), random);
  OutboxSender sender((*store)->mail(), composer, transport, clock, SenderOptions{.retry_hours = 1});
  MailStore& mail = (*store)->mail();
  auto queue = [&](const char* to) {
    ASSERT_TRUE(mail.Enqueue({.kind = "test", .recipient = to, .created_at = clock.NowMicros()}).ok());
  };
  queue("a@example.com");
  EXPECT_EQ(sender.RunOnce(), 1);   // attempt 1 fails
  EXPECT_EQ(sender.RunOnce(), 0);   // and waits its 5 s
  clock.AdvanceSeconds(5);
  EXPECT_EQ(sender.RunOnce(), 1);   // attempt 2 fails: 10 s now
  clock.AdvanceSeconds(9);
  EXPECT_EQ(sender.RunOnce(), 0);
  fs::create_directories(out);      // the server is back
  clock.AdvanceSeconds(1);
  EXPECT_EQ(sender.RunOnce(), 1);
  EXPECT_EQ(std::distance(fs::directory_iterator(out), fs::directory_iterator()), 1);
  EXPECT_EQ(*mail.Pending(), 0);

  // Down for longer than the retry window: marked failed, kept, never claimed again.
  fs::remove_all(out);
  queue("b@example.com");
  for (int i = 0; i < 20 && *mail.Pending() > 0; ++i) {
    sender.RunOnce();
    clock.AdvanceSeconds(600);
  }
  EXPECT_EQ(*mail.Pending(), 0);
  EXPECT_EQ(sender.depth(), 0);
  const auto counts = sender.Counts();
  auto count = [&](const char* labels) {
    for (const auto& [l, v] : counts) {
      if (l == labels) return v;
    }
    return 0.0;
  };
  EXPECT_EQ(count("kind=\"test\",result=\"sent\""), 1);
  EXPECT_EQ(count("kind=\"test\",result=\"failed\""), 1);
  EXPECT_GE(count("kind=\"test\",result=\"retry\""), 3);
}

}  // namespace
}  // namespace authd
