// What a browser sends at a WebAuthn ceremony, parsed: attestation objects (CBOR), the
// authenticator data inside them, COSE keys, clientDataJSON. The input is
// "clientDataJSON \n attestation object", and each part is also tried alone; the whole input
// is also read as the credential JSON a browser posts (webauthn/credential_json.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "split_input.h"
#include "webauthn/authenticator_data.h"
#include "webauthn/ceremony.h"
#include "webauthn/cose_key.h"
#include "webauthn/credential_json.h"

#include <boost/json/parse.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const authd::RelyingParty rp{"auth.example.com", {"https://auth.example.com"}};
  static const authd::Expectation expected{"challenge-bytes-0123", false};
  const auto [client, object] = SplitInput<2>(data, size);
  const std::string_view whole(reinterpret_cast<const char*>(data), size);
  (void)authd::ParseAuthenticatorData(whole);
  (void)authd::ParseCoseKey(whole);
  (void)authd::ClientDataChallenge(client);
  (void)authd::VerifyRegistration(rp, expected, client, object);
  (void)authd::VerifyAssertion(rp, expected, object, 0, client, object, client);
  boost::system::error_code ec;
  const boost::json::value posted = boost::json::parse(whole, ec);
  if (!ec) {
    (void)authd::ParseRegistrationResponse(posted);
    auto assertion = authd::ParseAuthenticationResponse(posted);
    if (assertion.ok()) {
      (void)authd::VerifyAssertion(rp, expected, assertion->authenticator_data, 0,
                                   assertion->client_data_json, assertion->authenticator_data,
                                   assertion->signature);
    }
  }
  return 0;
}
