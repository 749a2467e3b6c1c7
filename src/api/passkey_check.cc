#include "api/passkey_check.h"

#include "util/base64url.h"
#include "util/sha256.h"
#include "webauthn/options.h"

namespace authd {

RelyingParty RelyingPartyOf(const Settings& settings) {
  return RelyingParty{settings.webauthn_rp_id, settings.webauthn_origins};
}

StatusOr<std::string> NewCeremony(Services& s, std::string_view purpose, int64_t user_id,
                                  std::string user_handle) {
  const std::string challenge = s.random.Bytes(32);  // WebAuthn asks for at least 16 random bytes
  AUTHD_RETURN_IF_ERROR(s.store.passkeys().InsertChallenge(
      PasskeyChallenge{.hash = Sha256Hex(challenge),
                       .purpose = std::string(purpose),
                       .user_id = user_id,
                       .expires_at = s.clock.NowSeconds() + kCeremonySeconds,
                       .user_handle = std::move(user_handle)}));
  return challenge;
}

StatusOr<SpentCeremony> SpendCeremony(Services& s, std::string_view client_data_json,
                                      std::string_view purpose, int64_t user_id) {
  SpentCeremony out;
  auto challenge = ClientDataChallenge(client_data_json);
  if (!challenge.ok()) {
    out.refusal = std::string(challenge.status().message());
    return out;
  }
  out.challenge = std::move(challenge).value();
  auto ceremony = s.store.passkeys().SpendChallenge(Sha256Hex(out.challenge), s.clock.NowSeconds());
  if (!ceremony.ok()) {
    if (ceremony.status().code() != StatusCode::kNotFound) return ceremony.status();
    out.refusal = "the challenge is unknown, used or expired";
    return out;
  }
  out.ceremony = std::move(ceremony).value();
  if (out.ceremony.purpose != purpose || out.ceremony.user_id != user_id) {
    out.refusal = "the challenge was issued for another ceremony";
  }
  return out;
}

StatusOr<PasskeyCheck> CheckAssertion(Services& s, const AuthenticationResponse& assertion,
                                      std::string_view purpose, int64_t user_id) {
  auto refuse = [](std::string why) { return PasskeyCheck{std::nullopt, std::move(why)}; };
  const int64_t now = s.clock.NowSeconds();
  // Spent before anything else is checked: a challenge answers one attempt, right or wrong.
  auto spent = SpendCeremony(s, assertion.client_data_json, purpose, user_id);
  if (!spent.ok()) return spent.status();
  if (!spent->refusal.empty()) return refuse(spent->refusal);
  const std::string& challenge = spent->challenge;
  auto passkey = s.store.passkeys().Find(assertion.id);
  if (!passkey.ok()) {
    if (passkey.status().code() != StatusCode::kNotFound) return passkey.status();
    return refuse("the passkey is not registered");
  }
  if (user_id != 0 && passkey->user_id != user_id) {
    return refuse("the passkey belongs to another account");
  }
  if (assertion.user_handle && Base64UrlEncode(*assertion.user_handle) != passkey->user_handle) {
    return refuse("the user handle is not the passkey's");
  }
  if (passkey->flagged) {
    return refuse("the passkey's counter once went backwards (a clone?); remove it and register it again");
  }
  auto key = Base64UrlDecode(passkey->public_key);
  if (!key) return Internal("a stored passkey's public key is not base64url");
  const Expectation expected{.challenge = challenge, .user_verification = user_id == 0};
  auto verified = VerifyAssertion(RelyingPartyOf(s.settings), expected, *key,
                                  static_cast<uint32_t>(passkey->sign_count),
                                  assertion.client_data_json, assertion.authenticator_data,
                                  assertion.signature);
  if (!verified.ok()) {
    if (verified.status().code() == StatusCode::kFailedPrecondition) {
      AUTHD_RETURN_IF_ERROR(s.store.passkeys().Flag(passkey->id));
    }
    return refuse(std::string(verified.status().message()));
  }
  // The counter moves forward atomically: of two assertions with one count, the second is a
  // clone's (or a replay that somehow got a challenge), and flags the passkey.
  auto recorded = s.store.passkeys().RecordUse(passkey->id, verified->sign_count, now);
  if (!recorded.ok()) return recorded.status();
  if (!*recorded) {
    AUTHD_RETURN_IF_ERROR(s.store.passkeys().Flag(passkey->id));
    return refuse("the signature counter went backwards: the credential may be cloned");
  }
  passkey->sign_count = verified->sign_count;
  passkey->last_used_at = now;
  return PasskeyCheck{std::move(passkey).value(), {}};
}

}  // namespace authd
