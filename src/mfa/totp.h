// TOTP (RFC 6238) as authenticator apps read it: HMAC-SHA-1, 6 digits, 30-second steps, the
// secret shared as base32 in an otpauth:// URL. Built on OpenSSL's HMAC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

inline constexpr int64_t kTotpStepSeconds = 30;

// The `digits`-digit code of `secret` (raw bytes) for time step `step` (unix time / 30).
std::string TotpCode(std::string_view secret, int64_t step, int digits = 6);

// The step among now's, the one before and the one after whose code is `code`; nullopt when
// none is (or `code` is not six digits). Compares in constant time.
std::optional<int64_t> MatchTotp(std::string_view secret, std::string_view code, int64_t now_seconds);

// RFC 4648 base32, upper case, without padding (what otpauth:// URLs carry).
std::string Base32Encode(std::string_view bytes);

// otpauth://totp/{issuer}:{account}?secret=...&issuer={issuer}, each part percent-encoded.
std::string OtpauthUrl(std::string_view issuer, std::string_view account, std::string_view secret);

}  // namespace authd
