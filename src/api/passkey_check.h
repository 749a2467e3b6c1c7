// A passkey's assertion checked from end to end, for the two ceremonies that sign in with
// one (a second factor, a passwordless sign-in): the challenge spent, the passkey found, the
// bytes verified (webauthn/ceremony.h), the counter moved on, a clone flagged.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/services.h"
#include "store/passkey_store.h"
#include "webauthn/ceremony.h"
#include "webauthn/credential_json.h"

namespace authd {

// AUTHD_WEBAUTHN_RP_ID and AUTHD_WEBAUTHN_ORIGINS.
RelyingParty RelyingPartyOf(const Settings& settings);

// A new challenge of `purpose` for `user_id` (0: not known yet), stored as its hash: the raw
// bytes to put in the options.
StatusOr<std::string> NewCeremony(Services& s, std::string_view purpose, int64_t user_id,
                                  std::string user_handle = {});

// The ceremony an answer's clientDataJSON names: its challenge spent (single use, right or
// wrong, on every instance) and checked to be of `purpose` for `user_id`. An empty refusal
// when it holds. Blocking; its status is the store's failures only.
struct SpentCeremony {
  PasskeyChallenge ceremony;
  std::string challenge;  // the raw bytes the options carried
  std::string refusal;    // else why not
};
StatusOr<SpentCeremony> SpendCeremony(Services& s, std::string_view client_data_json,
                                      std::string_view purpose, int64_t user_id);

struct PasskeyCheck {
  std::optional<Passkey> passkey;  // the passkey that signed, its use recorded
  std::string refusal;             // else why not, for the client: "the origin is not ..."
};

// Checks `assertion` against a challenge of `purpose` issued for `user_id` (0 for a
// passwordless sign-in, where user verification is required and the passkey names the user).
// Blocking: call it on the store pool. Its status is the store's failures only.
StatusOr<PasskeyCheck> CheckAssertion(Services& s, const AuthenticationResponse& assertion,
                                      std::string_view purpose, int64_t user_id);

}  // namespace authd
