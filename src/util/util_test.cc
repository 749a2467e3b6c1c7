// Tests for the small utilities: base64url, UTF-8, time formatting, hex.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "util/base64url.h"
#include "util/random.h"
#include "util/strings.h"
#include "util/time_format.h"
#include "util/unicode.h"
#include "util/utf8.h"

namespace authd {
namespace {

TEST(Strings, ReplaceAllScansOnPastEachReplacement) {
  std::string text = "{{a}} and {{a}}, not {{b}}";
  ReplaceAll(text, "{{a}}", "1");
  EXPECT_EQ(text, "1 and 1, not {{b}}");
  // A value that holds the marker is not replaced again (no endless loop).
  std::string nested = "x{{a}}y";
  ReplaceAll(nested, "{{a}}", "[{{a}}]");
  EXPECT_EQ(nested, "x[{{a}}]y");
  std::string same = "abc";
  ReplaceAll(same, "", "z");
  EXPECT_EQ(same, "abc");
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    auto decoded = Base64UrlDecode(Base64UrlEncode(bytes));
    ASSERT_TRUE(decoded) << i;
    EXPECT_EQ(*decoded, bytes);
    bytes.push_back(static_cast<char>(i * 37 + 250));
  }
}

TEST(Base64Url, UsesTheUrlAlphabetWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode(""), "");
}

TEST(Base64Url, RefusesAnythingNonCanonical) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));   // padding
  EXPECT_FALSE(Base64UrlDecode("Zg="));
  EXPECT_FALSE(Base64UrlDecode("Z"));      // impossible length
  EXPECT_FALSE(Base64UrlDecode("+_8"));    // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("-/8"));
  EXPECT_FALSE(Base64UrlDecode("Zg "));    // whitespace
  EXPECT_FALSE(Base64UrlDecode("Z g"));
  EXPECT_FALSE(Base64UrlDecode("Zh"));     // non-zero unused bits: "Zg" is the canonical form
  EXPECT_FALSE(Base64UrlDecode("Zm9"));    // "Zm8" is canonical
  EXPECT_TRUE(Base64UrlDecode("Zm8"));
  EXPECT_EQ(*Base64UrlDecode(""), "");
}

TEST(Utf8, AcceptsValidAndRefusesInvalid) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xe2\x28\xa1"));      // bad continuation
  EXPECT_EQ(CodePointCount("Jos\xc3\xa9"), 4u);
}

TEST(Utf8, SanitizeReplacesInvalidBytesAndCutsOnACharacterBoundary) {
  EXPECT_EQ(SanitizeUtf8("plain", 512), "plain");
  EXPECT_EQ(SanitizeUtf8("a\xFF" "b", 512), "a\xEF\xBF\xBD" "b");
  EXPECT_EQ(SanitizeUtf8("\xC3", 512), "\xEF\xBF\xBD");         // truncated sequence
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80", 512),                    // a surrogate: 3 bytes
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  // 511 ASCII bytes and a two-byte character: the character would cross 512, so it goes.
  const std::string ua = std::string(511, 'x') + "\xC3\xA9";
  EXPECT_EQ(SanitizeUtf8(ua, 512), std::string(511, 'x'));
  EXPECT_EQ(SanitizeUtf8(std::string(600, 'y'), 512), std::string(512, 'y'));
  for (const std::string& in : {std::string("\xF0\x9F\x98"), std::string(513, '\xE9'), ua}) {
    EXPECT_TRUE(IsValidUtf8(SanitizeUtf8(in, 512)));
    EXPECT_LE(SanitizeUtf8(in, 512).size(), 512u);
  }
}

TEST(Unicode, NfkcAsPythonsUnicodedata) {
  EXPECT_EQ(NormalizeNfkc("admin"), "admin");
  EXPECT_EQ(NormalizeNfkc("\xEF\xBD\x81\xEF\xBD\x84\xEF\xBD\x8D\xEF\xBD\x89\xEF\xBD\x8E"),
            "admin");                                              // fullwidth ａｄｍｉｎ
  EXPECT_EQ(NormalizeNfkc("\xF0\x9D\x90\x9A\xF0\x9D\x90\x9D"), "ad");   // bold 𝐚𝐝
  EXPECT_EQ(NormalizeNfkc("\xE2\x84\xAA"), "K");               // KELVIN SIGN
  EXPECT_EQ(NormalizeNfkc("e\xCC\x81"), "\xC3\xA9");          // e + combining acute -> é
  EXPECT_EQ(NormalizeNfkc("\xEF\xAC\x81"), "fi");              // the ﬁ ligature
}

TEST(Unicode, WordCharactersFollowPython) {
  EXPECT_TRUE(IsWordChar('a'));
  EXPECT_TRUE(IsWordChar('_'));
  EXPECT_TRUE(IsWordChar('7'));
  EXPECT_FALSE(IsWordChar('-'));
  EXPECT_FALSE(IsWordChar(' '));
  EXPECT_TRUE(IsWordChar(U'\u00e9'));   // é
  EXPECT_TRUE(IsWordChar(U'\u0416'));   // Cyrillic Zhe
  EXPECT_TRUE(IsWordChar(U'\u4e2d'));   // CJK
  EXPECT_FALSE(IsWordChar(U'\u2603'));  // snowman
  EXPECT_EQ(ToLowerCodePoints("AbC\xc3\x89"), std::u32string(U"abc\u00e9"));
}

TEST(TimeFormat, RendersLikeDrf) {
  EXPECT_EQ(FormatIsoUtc(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatIsoUtc(1'795'484'543'533'938), "2026-11-24T01:42:23.533938Z");
  EXPECT_EQ(FormatIsoUtc(1'795'484'543'000'000), "2026-11-24T01:42:23Z");
  EXPECT_EQ(ParseIsoUtc("2026-11-24T01:42:23.533938Z"), 1'795'484'543'533'938);
  EXPECT_EQ(ParseIsoUtc("2026-11-24T01:42:23Z"), 1'795'484'543'000'000);
  EXPECT_EQ(ParseIsoUtc("2026-11-24T02:42:23.5+01:00"), 1'795'484'543'500'000);
  EXPECT_EQ(ParseIsoUtc("1970-01-01"), 0);
  for (const char* bad : {"", "yesterday", "2026-13-01", "2026-11-24T25:00:00Z", "2026-11-24T01:42",
                          "2026-11-24T01:42:23.Z", "2026-11-24T01:42:23Zjunk", "2026-11-24T01:42:23+1"}) {
    EXPECT_FALSE(ParseIsoUtc(bad).has_value()) << bad;
  }
  EXPECT_EQ(FormatIsoUtc(-1), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatIsoUtc(1'000'000), "1970-01-01T00:00:01Z");
  EXPECT_EQ(FormatIsoUtc(253'402'300'799'000'001), "9999-12-31T23:59:59.000001Z");
  EXPECT_EQ(FormatIsoUtc(253'402'300'800'000'000), "10000-01-01T00:00:00Z");
}

TEST(Random, SmallFillsFromTheThreadsBlockNeverRepeat) {
  // Sizes that do and do not divide the block, over many refills, and one past the block path.
  OsRandom r;
  for (size_t size : {16u, 60u, 64u, 65u, 700u}) {
    std::set<std::vector<uint8_t>> seen;
    for (int i = 0; i < 200; ++i) {
      std::vector<uint8_t> bytes(size, 0);
      r.Fill(bytes);
      EXPECT_NE(std::count(bytes.begin(), bytes.end(), 0), static_cast<long>(size)) << size;
      EXPECT_TRUE(seen.insert(bytes).second) << "repeated " << size << "-byte fill";
    }
  }
}

TEST(Random, HexHasTheRequestedLengthAndVaries) {
  OsRandom r;
  std::string a = r.Hex(16), b = r.Hex(16);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace authd
