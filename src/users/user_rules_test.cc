#include "users/user_rules.h"

#include <gtest/gtest.h>

namespace authd {
namespace {

constexpr char kBadUsername[] =
    "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ "
    "characters.";

TEST(Username, DjangosUnicodeValidator) {
  for (const char* ok : {"alice", "a.b@c+d-e_f", "Jos\xc3\xa9", "\xd0\x96\xd0\xb5\xd0\xbd\xd1\x8f",
                         "\xe4\xb8\xad\xe6\x96\x87", "123"}) {
    EXPECT_EQ(CheckUsername(ok), std::nullopt) << ok;
  }
  for (const char* bad : {"a b", "a!", "a/b", "a'b", "a;DROP TABLE users", "tab\t", "\xe2\x98\x83"}) {
    EXPECT_EQ(CheckUsername(bad), kBadUsername) << bad;
  }
  EXPECT_EQ(CheckUsername(std::string(150, 'a')), std::nullopt);
  EXPECT_EQ(CheckUsername(std::string(151, 'a')),
            "Ensure this field has no more than 150 characters.");
  std::string wide;  // 150 two-byte letters are still 150 characters
  for (int i = 0; i < 150; ++i) wide += "\xc3\xa9";
  EXPECT_EQ(CheckUsername(wide), std::nullopt);
}

TEST(Email, DjangosValidator) {
  for (const char* ok : {"a@example.com", "first.last+tag@sub.example.org", "x@localhost"}) {
    EXPECT_EQ(CheckEmail(ok), std::nullopt) << ok;
  }
  for (const char* bad : {"plain", "@example.com", "a@", "a@b", "a..b@example.com",
                          "a@-example.com", "a@example.c", "a b@example.com", ".a@example.com"}) {
    EXPECT_EQ(CheckEmail(bad), "Enter a valid email address.") << bad;
  }
}

}  // namespace
}  // namespace authd
