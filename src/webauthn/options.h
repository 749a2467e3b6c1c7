// The options a page hands navigator.credentials.create() and .get(), in the JSON form that
// PublicKeyCredential.parseCreationOptionsFromJSON / parseRequestOptionsFromJSON and npm's
// @simplewebauthn/browser take (binary members base64url).
#pragma once

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace authd {

// How long a ceremony may take, in the options and for its challenge on the server.
inline constexpr int kCeremonySeconds = 300;

struct CreationRequest {
  std::string rp_id, rp_name;
  std::string user_handle;  // raw bytes
  std::string user_name, display_name;
  std::string challenge;    // raw bytes
  std::vector<std::string> exclude;  // base64url credential ids the user has already
};

// PublicKeyCredentialCreationOptionsJSON: ES256, EdDSA and RS256; a discoverable credential
// preferred (so it can sign in without a username later); no attestation asked for.
boost::json::object CreationOptions(const CreationRequest& request);

struct AssertionRequest {
  std::string rp_id;
  std::string challenge;  // raw bytes
  std::vector<std::string> allow;  // base64url ids; empty: any discoverable credential
  bool user_verification = false;  // "required" when true, else "preferred"
};

// PublicKeyCredentialRequestOptionsJSON.
boost::json::object RequestOptions(const AssertionRequest& request);

}  // namespace authd
