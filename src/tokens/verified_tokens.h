// Tokens this process has verified, kept per thread, so a client presenting the same access
// token request after request costs one hash lookup instead of base64, JSON parsing and an
// HMAC or signature check (half of /user_detail/'s own CPU). Envoy's jwt_authn keeps the same
// kind of cache.
//
// Only tokens that passed every check go in, keyed by their exact bytes. What depends on the
// moment (exp, nbf) and on the caller (the expected type) is checked again on every hit; when
// any of that fails, the caller verifies in full, so a refusal always carries the error the
// full check gives. The keys are fixed for a TokenService's life, so an entry never outlives
// the key that verified it.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "runtime/per_thread.h"
#include "tokens/claims.h"
#include "util/strings.h"

namespace authd {

class VerifiedTokens {
 public:
  // Per thread (about 1 MB when full); a full map is emptied and refilled.
  explicit VerifiedTokens(size_t max_per_thread = 2048) : max_(max_per_thread) {}

  // The claims of `token` when this thread verified it before and, at `now` with `leeway`,
  // it is still in its time window and of `expected_type` (when given).
  std::optional<TokenClaims> Find(std::string_view token, int64_t now, int64_t leeway,
                                  std::optional<std::string_view> expected_type);
  // `claims` passed every check; `nbf` is its not-before claim, if it has one.
  void Put(std::string_view token, const TokenClaims& claims, std::optional<int64_t> nbf);
  // Drops this thread's entry for `token` (a refresh token rotated away: never valid again).
  void Forget(std::string_view token);

 private:
  struct Entry {
    TokenClaims claims;
    std::optional<int64_t> nbf;
  };
  using Map = std::unordered_map<std::string, Entry, TransparentStringHash, std::equal_to<>>;

  const size_t max_;
  PerThread<Map> maps_;
};

}  // namespace authd
