#include "oidc/account_hints.h"

#include "util/strings.h"
#include "util/unicode.h"

namespace authd {
namespace {

constexpr size_t kUsernameBaseMax = 140;

}  // namespace

bool EmailDomainAllowed(std::string_view email, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return true;
  const size_t at = email.rfind('@');
  if (at == std::string_view::npos) return false;
  const std::string domain = AsciiLower(email.substr(at + 1));
  for (const std::string& a : allowed) {
    if (AsciiLower(a) == domain) return true;
  }
  return false;
}

std::string UsernameBase(const IdentityClaims& claims) {
  std::string source = claims.preferred_username;
  if (source.empty()) source = claims.email.substr(0, claims.email.find('@'));
  std::string out;
  for (char c : NormalizeNfkc(source)) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '@' || c == '.' || c == '+' || c == '-' || c == '_';
    if (keep && out.size() < kUsernameBaseMax) out += c;
  }
  return out.empty() ? "user" : out;
}

}  // namespace authd
