// WebAuthn's authenticator data (Level 2, section 6.1): the RP ID's hash, the flags, the
// signature counter and, at registration, the new credential. Parsed from the bytes a client
// sends, bounds-checked at each step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"

namespace authd {

struct AttestedCredential {
  std::string aaguid;          // 16 bytes
  std::string credential_id;   // 1 to 1023 bytes
  std::string public_key;      // the COSE_Key's CBOR bytes
};

struct AuthenticatorData {
  std::string rp_id_hash;  // 32 bytes
  uint8_t flags = 0;
  uint32_t sign_count = 0;
  std::optional<AttestedCredential> attested;

  bool user_present() const { return (flags & 0x01) != 0; }
  bool user_verified() const { return (flags & 0x04) != 0; }
};

// InvalidArgument naming what is wrong: too short, a credential that runs past the end,
// bytes left over without the extensions flag.
StatusOr<AuthenticatorData> ParseAuthenticatorData(std::string_view bytes);

}  // namespace authd
