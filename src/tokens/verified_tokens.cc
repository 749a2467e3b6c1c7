#include "tokens/verified_tokens.h"

namespace authd {

std::optional<TokenClaims> VerifiedTokens::Find(std::string_view token, int64_t now,
                                                int64_t leeway,
                                                std::optional<std::string_view> expected_type) {
  Map& map = maps_.Get();
  auto it = map.find(token);
  if (it == map.end()) return std::nullopt;
  const Entry& e = it->second;
  if (e.claims.exp <= now - leeway) {  // expired for good: make room
    map.erase(it);
    return std::nullopt;
  }
  if (e.nbf && *e.nbf > now + leeway) return std::nullopt;
  if (expected_type && e.claims.token_type != *expected_type) return std::nullopt;
  return e.claims;
}

void VerifiedTokens::Put(std::string_view token, const TokenClaims& claims,
                         std::optional<int64_t> nbf) {
  Map& map = maps_.Get();
  if (map.size() >= max_) map.clear();
  map.insert_or_assign(std::string(token), Entry{claims, nbf});
}

void VerifiedTokens::Forget(std::string_view token) {
  Map& map = maps_.Get();
  if (auto it = map.find(token); it != map.end()) map.erase(it);
}

}  // namespace authd
