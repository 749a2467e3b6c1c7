#include "mfa/recovery_codes.h"

#include <array>
#include <cstdint>

#include "util/sha256.h"
#include "util/strings.h"

namespace authd {

std::vector<std::string> NewRecoveryCodes(Random& random) {
  // Crockford-like base32 without i, l, o, u: nothing to misread.
  static constexpr char kAlphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
  std::vector<std::string> codes;
  for (int i = 0; i < kRecoveryCodeCount; ++i) {
    std::array<uint8_t, 16> bytes;
    random.Fill(bytes);
    std::string code;
    for (int j = 0; j < 16; ++j) {  // 16 characters of 5 bits: 80 bits
      if (j > 0 && j % 4 == 0) code += '-';
      code += kAlphabet[bytes[static_cast<size_t>(j)] & 31];
    }
    codes.push_back(std::move(code));
  }
  return codes;
}

std::string RecoveryCodeHash(std::string_view code) {
  std::string normal;
  for (char c : code) {
    if (c != '-' && c != ' ') normal += c;
  }
  return Sha256Hex(AsciiLower(normal));
}

std::vector<std::string> RecoveryCodeHashes(const std::vector<std::string>& codes) {
  std::vector<std::string> out;
  for (const auto& c : codes) out.push_back(RecoveryCodeHash(c));
  return out;
}

}  // namespace authd
