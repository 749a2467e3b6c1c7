// Second factors as the other endpoints meet them (api/mfa_api.cc, api/passkey_api.cc): what
// /api/token/ answers a user with one instead of tokens, how a code is checked, who may enrol,
// what an administrator sees.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string_view>
#include <variant>

#include "api/api_error.h"
#include "api/services.h"
#include "http/message.h"

namespace authd {

// How long an mfa_token lives, and how many wrong answers kill it.
inline constexpr int64_t kMfaTokenSeconds = 300;
inline constexpr int kMfaTokenAttempts = 5;

struct Factors {
  bool totp = false;
  int64_t passkeys = 0;  // usable ones (not flagged as cloned)
  int64_t recovery_codes_left = 0;
  // What signs in as a second factor on its own (recovery codes only stand in for one).
  bool any() const { return totp || passkeys > 0; }
};

StatusOr<Factors> FactorsOf(Services& s, int64_t user_id);

// For a user whose first factor held (`first_factor`: "password", or "oidc" for an OpenID
// provider's sign-in): nullopt when the user has no second factor (tokens may be issued);
// else the 401 `mfa_required` answer, with a new single-use mfa_token (five minutes, stored as
// its hash so every instance honours it) and the methods the user has, or the store's failure.
std::optional<ApiError> RequireSecondFactor(Services& s, const User& user,
                                            std::string_view first_factor = "password");

// Whether `code` is a current TOTP code of the user (each time step accepted once, on every
// instance) or one of its unused recovery codes (then spent, and the use recorded).
enum class CodeKind { kNone, kTotp, kRecoveryCode };
StatusOr<CodeKind> CheckSecondFactor(Services& s, const Request& request, int64_t user_id,
                                     std::string_view code);

// After a factor is removed: when none is left, the recovery codes go too (they back up a
// factor; alone they would be a second password nobody asked for). Blocking.
Status DropRecoveryCodesIfNoFactor(Services& s, int64_t user_id);

// {"totp": bool, "passkeys": n, "recovery_codes_left": n}.
StatusOr<boost::json::object> MfaSummary(Services& s, int64_t user_id);

// The user whose mfa_token (in the body) names a sign-in waiting for its second factor; 401
// mfa_token_invalid when it names none (unknown, spent, expired, or its user gone or inactive).
// How that sign-in began goes to `first_factor` when it is given.
std::variant<User, ApiError> MfaTokenUser(Services& s, const boost::json::object& data,
                                          std::string* first_factor = nullptr);

// Who enrols a factor: the bearer's user, or, with AUTHD_MFA_REQUIRED_FOR_STAFF, a staff member
// who has no factor yet and holds the mfa_token /api/token/ answered with (they have no tokens).
std::variant<User, ApiError> EnrollingUser(Services& s, Request& request,
                                           const boost::json::object& data);

}  // namespace authd
