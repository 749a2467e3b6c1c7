// The relying party's checks of WebAuthn Level 2 (sections 7.1 and 7.2), for a registration
// and for an assertion, on what the browser sent: clientDataJSON, and the attestation object
// or the authenticator data and signature. The challenge has been looked up by the caller
// (it is single use and server side); this checks everything the bytes themselves carry.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"
#include "webauthn/authenticator_data.h"

namespace authd {

struct RelyingParty {
  std::string id;                    // AUTHD_WEBAUTHN_RP_ID: "auth.example.com"
  std::vector<std::string> origins;  // AUTHD_WEBAUTHN_ORIGINS: "https://auth.example.com"
};

struct Expectation {
  std::string challenge;         // the raw bytes the options carried
  bool user_verification = false;  // UV required (passwordless sign-in)
};

struct NewCredential {
  std::string id;
  std::string public_key;  // COSE_Key bytes, as stored
  int64_t alg = 0;
  uint32_t sign_count = 0;
  std::string aaguid;
  bool user_verified = false;
};

// A registration: clientDataJSON of type webauthn.create, and an attestation object of format
// "none" or "packed" self attestation. InvalidArgument saying what failed.
StatusOr<NewCredential> VerifyRegistration(const RelyingParty& rp, const Expectation& expected,
                                           std::string_view client_data_json,
                                           std::string_view attestation_object);

struct Assertion {
  uint32_t sign_count = 0;
  bool user_verified = false;
};

// An assertion by a stored credential: clientDataJSON of type webauthn.get, the authenticator
// data and the signature over authenticatorData || SHA-256(clientDataJSON). A counter at or
// below `stored_count` (when either is non-zero) is FailedPrecondition: a cloned key.
StatusOr<Assertion> VerifyAssertion(const RelyingParty& rp, const Expectation& expected,
                                    std::string_view public_key, uint32_t stored_count,
                                    std::string_view client_data_json,
                                    std::string_view authenticator_data,
                                    std::string_view signature);

// The challenge a clientDataJSON carries (base64url-decoded), to look up before verifying.
StatusOr<std::string> ClientDataChallenge(std::string_view client_data_json);

}  // namespace authd
