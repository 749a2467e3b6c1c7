#include <gtest/gtest.h>

#include "passwords/argon2id_hasher.h"
#include "passwords/common_passwords.h"
#include "passwords/django_hashes.h"
#include "passwords/migrating_hasher.h"
#include "passwords/password_policy.h"

namespace authd {
namespace {

using Errors = std::vector<std::string>;

TEST(PasswordPolicy, AcceptsAGoodPassword) {
  PasswordPolicy p({});
  EXPECT_TRUE(p.Validate("correct-horse-battery", {.username = "alice"}).empty());
}

TEST(PasswordPolicy, DjangoMessagesInDjangoOrder) {
  PasswordPolicy p({});
  EXPECT_EQ(p.Validate("1234567", {.username = "zed"}),
            (Errors{"This password is too short. It must contain at least 8 characters.",
                    "This password is too common.", "This password is entirely numeric."}));
  EXPECT_EQ(p.Validate("password", {.username = "zed"}), (Errors{"This password is too common."}));
  EXPECT_EQ(p.Validate("  PassWord ", {.username = "zed"}),
            (Errors{"This password is too common."}));  // lower-cased and stripped, as Django
  EXPECT_EQ(p.Validate("73914628501", {.username = "zed"}),
            (Errors{"This password is entirely numeric."}));
}

TEST(PasswordPolicy, TooSimilarToUserAttributes) {
  PasswordPolicy p({});
  EXPECT_EQ(p.Validate("alice-wonderland", {.username = "alice.wonderland"}),
            (Errors{"The password is too similar to the username."}));
  EXPECT_EQ(p.Validate("smithsonian", {.username = "u1", .last_name = "Smithsonian"}),
            (Errors{"The password is too similar to the last name."}));
  // Parts of an attribute count too: the email's local part here.
  EXPECT_EQ(p.Validate("jonathanq", {.username = "u1", .email = "jonathan@example.org"}),
            (Errors{"The password is too similar to the email address."}));
  EXPECT_TRUE(p.Validate("unrelated-words-77", {.username = "alice"}).empty());
}

TEST(PasswordPolicy, QuickRatioMatchesDifflib) {
  // difflib.SequenceMatcher(None, "abcd", "bcde").quick_ratio() == 0.75
  EXPECT_DOUBLE_EQ(QuickRatio(U"abcd", U"bcde"), 0.75);
  EXPECT_DOUBLE_EQ(QuickRatio(U"aab", U"abb"), 2.0 * 2 / 6);
  EXPECT_DOUBLE_EQ(QuickRatio(U"", U""), 1.0);
}

TEST(PasswordPolicy, CanBeSwitchedOffAndTuned) {
  EXPECT_TRUE(PasswordPolicy({.enabled = false}).Validate("1", {.username = "x"}).empty());
  EXPECT_EQ(PasswordPolicy({.min_length = 12}).Validate("unrelated-1", {.username = "x"}),
            (Errors{"This password is too short. It must contain at least 12 characters."}));
}

TEST(CommonPasswords, HoldsDjangosList) {
  EXPECT_TRUE(IsCommonPassword("password"));
  EXPECT_TRUE(IsCommonPassword("123456"));
  EXPECT_TRUE(IsCommonPassword("qwerty"));
  EXPECT_FALSE(IsCommonPassword("correct-horse-battery-staple"));
}

class Argon2Test : public ::testing::Test {
 protected:
  OsRandom random_;
  Argon2idHasher fast_{{.memory_kib = 1024, .iterations = 1, .parallelism = 1}, random_};
};

TEST_F(Argon2Test, HashesInPhcFormatWithConfiguredParameters) {
  std::string h = fast_.Hash("s3cret");
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$")) << h;
  auto p = ParseArgon2Params(h);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->memory_kib, 1024u);
  EXPECT_NE(fast_.Hash("s3cret"), h);  // fresh salt each time
}

TEST_F(Argon2Test, VerifiesOnlyTheRightPassword) {
  std::string h = fast_.Hash("s3cret");
  EXPECT_TRUE(fast_.Verify(h, "s3cret"));
  EXPECT_FALSE(fast_.Verify(h, "s3cret "));
  EXPECT_FALSE(fast_.Verify(h, ""));
  EXPECT_FALSE(fast_.Verify("garbage", "s3cret"));
  EXPECT_FALSE(fast_.Verify("", "s3cret"));
  EXPECT_FALSE(fast_.Verify("$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
}

TEST_F(Argon2Test, DefaultsAreOwaspsAndWeakerHashesNeedRehash) {
  Argon2idHasher owasp({}, random_);
  EXPECT_EQ(owasp.params().memory_kib, 19456u);
  EXPECT_EQ(owasp.params().iterations, 2u);
  EXPECT_EQ(owasp.params().parallelism, 1u);
  std::string weak = fast_.Hash("pw");
  EXPECT_TRUE(owasp.NeedsRehash(weak));
  EXPECT_FALSE(fast_.NeedsRehash(weak));
  EXPECT_TRUE(owasp.NeedsRehash("pbkdf2_sha256$260000$salt$hash"));
  EXPECT_TRUE(owasp.Verify(weak, "pw"));  // old hashes still verify
}

// Made by Django 3.2's own hashers (make_password, with low costs so the test is quick), and
// by argon2-cffi for Django's older argon2i forms.
constexpr const char* kDjangoPassword = "correct horse battery staple \u2713";
constexpr const char* kDjangoHashes[] = {
    "pbkdf2_sha256$1000$eTybgIZExfwNr0ivv68SQY$a3f0CiFvpQfMd+vnLWXX5sTIUs7k40E/MXPTGQqK9Q8=",
    "pbkdf2_sha1$1000$HSOPaFYQhumU3MNoUkaGJk$slbrfzoycRm0wh9C0MUfjqn1WUU=",
    "argon2$argon2id$v=19$m=512,t=2,p=2$RjRDRFN6SGp5VnNJd0RHMHNFVXlYVQ$DeZA2/O+9vEpl9wxDSqisg",
    "argon2$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHRzYWx0$M+E1iKv71liJFamuSjc2Lw",
    "argon2$argon2i$m=64,t=1,p=1$c29tZXNhbHRzYWx0$0NLnvE3eXZj9Xn2Y9iZgFw",  // before v=19
    "bcrypt_sha256$$2b$04$CVWn/3mUHI2xdG4MD/loVOo4yVX7OjLNIbBrJUMEppES2IOgb0IiK",
    "bcrypt$$2b$04$zflOHrUOfqgy0Ww/LgciUOZEX/1MPdoFbOerHf/d7xZTh/t48SNgW",
};

TEST(DjangoHashes, VerifiesEveryFormatDjangoWrites) {
  for (const char* encoded : kDjangoHashes) {
    EXPECT_TRUE(IsDjangoHash(encoded)) << encoded;
    EXPECT_TRUE(VerifyDjangoHash(encoded, kDjangoPassword)) << encoded;
    EXPECT_FALSE(VerifyDjangoHash(encoded, "correct horse battery staple")) << encoded;
    EXPECT_FALSE(VerifyDjangoHash(encoded, "")) << encoded;
  }
}

TEST(DjangoHashes, RefusesTamperedMalformedAndUnusable) {
  for (const char* encoded : kDjangoHashes) {
    std::string tampered(encoded);
    char& last = tampered[tampered.size() - 3];
    last = last == 'A' ? 'B' : 'A';
    EXPECT_FALSE(VerifyDjangoHash(tampered, kDjangoPassword)) << tampered;
    // Every truncation is refused, never crashes.
    for (size_t n = 0; n < std::string_view(encoded).size(); ++n) {
      EXPECT_FALSE(VerifyDjangoHash(std::string_view(encoded).substr(0, n), kDjangoPassword));
    }
  }
  EXPECT_FALSE(IsDjangoHash("!Yx3v0Q8W2jDkUnusablePasswordFromDjango"));
  EXPECT_FALSE(VerifyDjangoHash("!Yx3v0Q8W2jDkUnusablePasswordFromDjango", ""));
  EXPECT_FALSE(VerifyDjangoHash("md5$salt$0123", kDjangoPassword));  // not supported
  // Costs no Django default comes near are refused without being computed.
  EXPECT_FALSE(VerifyDjangoHash("pbkdf2_sha256$2000000000$salt$AAAA", kDjangoPassword));
  EXPECT_FALSE(VerifyDjangoHash("bcrypt$$2b$31$zflOHrUOfqgy0Ww/LgciUOZEX/1MPdoFbOerHf/d7xZTh/t48SNgW",
                                kDjangoPassword));
  EXPECT_FALSE(VerifyDjangoHash(
      "argon2$argon2id$v=19$m=99999999,t=2,p=2$RjRDRFN6SGp5VnNJd0RHMHNFVXlYVQ$DeZA2/O+9vEpl9wxDSqisg",
      kDjangoPassword));
  // bcrypt would stop at a NUL; a password with one must not match its prefix.
  EXPECT_FALSE(VerifyDjangoHash(kDjangoHashes[6], std::string(kDjangoPassword) + '\0' + "x"));
}

TEST(MigratingHasher, DjangoHashesVerifyAndAskForArgon2id) {
  OsRandom random;
  Argon2idHasher argon2id({.memory_kib = 64, .iterations = 1, .parallelism = 1}, random);
  MigratingHasher hasher(argon2id);
  for (const char* encoded : kDjangoHashes) {
    EXPECT_TRUE(hasher.Verify(encoded, kDjangoPassword)) << encoded;
    EXPECT_TRUE(hasher.NeedsRehash(encoded)) << encoded;
  }
  const std::string fresh = hasher.Hash(kDjangoPassword);
  EXPECT_TRUE(fresh.starts_with("$argon2id$v=19$m=64,t=1,p=1$")) << fresh;
  EXPECT_TRUE(hasher.Verify(fresh, kDjangoPassword));
  EXPECT_FALSE(hasher.NeedsRehash(fresh));
  EXPECT_FALSE(hasher.Verify(fresh, "wrong"));
}

}  // namespace
}  // namespace authd
