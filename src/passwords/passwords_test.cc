#include <gtest/gtest.h>

#include "passwords/argon2id_hasher.h"
#include "passwords/common_passwords.h"
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

}  // namespace
}  // namespace authd
