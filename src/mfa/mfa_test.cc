// TOTP against RFC 6238's own vectors, sealing of secrets, recovery codes, the QR code.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "mfa/qr_svg.h"
#include "mfa/recovery_codes.h"
#include "mfa/secret_box.h"
#include "mfa/totp.h"

namespace authd {
namespace {

// RFC 6238 Appendix B, HMAC-SHA-1: the seed "12345678901234567890", 8 digits.
TEST(Totp, MatchesRfc6238AppendixB) {
  const std::string seed = "12345678901234567890";
  const std::pair<int64_t, const char*> vectors[] = {
      {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
      {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& [time, code] : vectors) {
    EXPECT_EQ(TotpCode(seed, time / kTotpStepSeconds, 8), code) << time;
  }
  // Six digits, as apps show them: the last six of the same number.
  EXPECT_EQ(TotpCode(seed, 59 / 30), "287082");
}

TEST(Totp, AcceptsTheStepBeforeAndAfterAndNothingElse) {
  const std::string seed = "12345678901234567890";
  const int64_t now = 1'700'000'000;
  const int64_t step = now / 30;
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step), now), step);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step - 1), now), step - 1);
  EXPECT_EQ(MatchTotp(seed, TotpCode(seed, step + 1), now), step + 1);
  EXPECT_FALSE(MatchTotp(seed, TotpCode(seed, step - 2), now));
  EXPECT_FALSE(MatchTotp(seed, TotpCode(seed, step + 2), now));
  EXPECT_FALSE(MatchTotp(seed, "12345", now));
  EXPECT_FALSE(MatchTotp(seed, "12345a", now));
  EXPECT_FALSE(MatchTotp("another secret......", TotpCode(seed, step), now));
}

TEST(Totp, Base32AndOtpauthUrlsAsAppsReadThem) {
  EXPECT_EQ(Base32Encode("12345678901234567890"), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  EXPECT_EQ(Base32Encode("f"), "MY");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  EXPECT_EQ(OtpauthUrl("My Site", "al ice@x", "12345678901234567890"),
            "otpauth://totp/My%20Site:al%20ice%40x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=My%20Site");
}

TEST(SecretBox, SealsWithTheKeyAndOpensOnlyWithIt) {
  const auto dir = std::filesystem::temp_directory_path() / ("authd-box-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "a.key") << std::string(64, 'a') << "\n";
  std::ofstream(dir / "b.key") << std::string(64, 'b');
  std::ofstream(dir / "short.key") << "abcd";
  OsRandom random;
  auto a = SecretBox::FromKeyFile((dir / "a.key").string());
  auto b = SecretBox::FromKeyFile((dir / "b.key").string());
  ASSERT_TRUE(a.ok() && b.ok());
  const std::string sealed = a->Seal("totp secret bytes", random);
  EXPECT_TRUE(sealed.starts_with("v1:"));
  EXPECT_EQ(sealed.find("totp"), std::string::npos);
  EXPECT_NE(sealed, a->Seal("totp secret bytes", random));  // a fresh nonce each time
  EXPECT_EQ(*a->Open(sealed), "totp secret bytes");
  EXPECT_EQ(b->Open(sealed).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(SecretBox().Open(sealed).status().code(), StatusCode::kFailedPrecondition);
  std::string tampered = sealed;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(a->Open(tampered).ok());
  // Without a key: stored as it is, marked; a key set later still reads it.
  const std::string plain = SecretBox().Seal("s", random);
  EXPECT_TRUE(plain.starts_with("plain:"));
  EXPECT_EQ(*a->Open(plain), "s");
  EXPECT_FALSE(SecretBox::FromKeyFile((dir / "short.key").string()).ok());
  EXPECT_FALSE(SecretBox::FromKeyFile((dir / "missing.key").string()).ok());
  std::filesystem::remove_all(dir);
}

TEST(RecoveryCodes, TenDistinctEightyBitCodesTypedAnyWay) {
  OsRandom random;
  const auto codes = NewRecoveryCodes(random);
  ASSERT_EQ(codes.size(), 10u);
  EXPECT_EQ(std::set<std::string>(codes.begin(), codes.end()).size(), 10u);
  for (const auto& c : codes) {
    EXPECT_EQ(c.size(), 19u) << c;  // 16 characters of 5 bits, and 3 dashes
    EXPECT_EQ(c[4], '-');
  }
  std::string typed = codes[0];
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  for (char& ch : typed) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(RecoveryCodeHash(typed), RecoveryCodeHash(codes[0]));
  EXPECT_NE(RecoveryCodeHash(codes[1]), RecoveryCodeHash(codes[0]));
}

TEST(QrSvg, DrawsTheUrl) {
  const std::string svg = QrSvg("otpauth://totp/authd:alice?secret=GEZDGNBV&issuer=authd");
  EXPECT_TRUE(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(svg.find("h1v1h-1z"), std::string::npos);
  EXPECT_TRUE(svg.ends_with("</svg>"));
}

}  // namespace
}  // namespace authd
