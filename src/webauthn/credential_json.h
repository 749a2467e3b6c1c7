// What browsers send back from navigator.credentials.create() and .get(), in the JSON form of
// WebAuthn Level 3's toJSON() (RegistrationResponseJSON, AuthenticationResponseJSON), which
// npm's @simplewebauthn/browser produces too: binary members base64url. Parsed to bytes here;
// what the bytes mean is ceremony.h's.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>

#include "util/status.h"

namespace authd {

struct RegistrationResponse {
  std::string id;  // base64url credential id, as browsers name it
  std::string client_data_json;
  std::string attestation_object;
};

struct AuthenticationResponse {
  std::string id;
  std::string client_data_json;
  std::string authenticator_data;
  std::string signature;
  std::optional<std::string> user_handle;  // raw bytes; discoverable credentials send it
};

// InvalidArgument naming the member that is missing, not a string, not base64url or too long.
StatusOr<RegistrationResponse> ParseRegistrationResponse(const boost::json::value& credential);
StatusOr<AuthenticationResponse> ParseAuthenticationResponse(const boost::json::value& credential);

}  // namespace authd
