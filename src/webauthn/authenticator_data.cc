#include "webauthn/authenticator_data.h"

#include "webauthn/cbor_item.h"

namespace authd {
namespace {

constexpr uint8_t kAttestedFlag = 0x40;
constexpr uint8_t kExtensionsFlag = 0x80;

}  // namespace

StatusOr<AuthenticatorData> ParseAuthenticatorData(std::string_view b) {
  if (b.size() < 37) return InvalidArgument("authenticator data is shorter than 37 bytes");
  AuthenticatorData d;
  d.rp_id_hash = std::string(b.substr(0, 32));
  d.flags = static_cast<uint8_t>(b[32]);
  d.sign_count = (static_cast<uint32_t>(static_cast<uint8_t>(b[33])) << 24) |
                 (static_cast<uint32_t>(static_cast<uint8_t>(b[34])) << 16) |
                 (static_cast<uint32_t>(static_cast<uint8_t>(b[35])) << 8) |
                 static_cast<uint32_t>(static_cast<uint8_t>(b[36]));
  size_t pos = 37;
  if (d.flags & kAttestedFlag) {
    if (b.size() < pos + 18) return InvalidArgument("attested credential data is cut short");
    AttestedCredential c;
    c.aaguid = std::string(b.substr(pos, 16));
    const size_t id_len = (static_cast<size_t>(static_cast<uint8_t>(b[pos + 16])) << 8) |
                          static_cast<uint8_t>(b[pos + 17]);
    pos += 18;
    if (id_len == 0 || id_len > 1023 || b.size() < pos + id_len) {
      return InvalidArgument("the credential id's length is out of bounds");
    }
    c.credential_id = std::string(b.substr(pos, id_len));
    pos += id_len;
    size_t read = 0;
    CborItem key = CborItem::Load(b.substr(pos), &read);
    if (!key) return InvalidArgument("the credential's public key is not CBOR");
    c.public_key = std::string(b.substr(pos, read));
    pos += read;
    d.attested = std::move(c);
  }
  if (d.flags & kExtensionsFlag) {
    size_t read = 0;
    CborItem extensions = CborItem::Load(b.substr(pos), &read);
    if (!extensions) return InvalidArgument("authenticator extensions are not CBOR");
    pos += read;
  }
  if (pos != b.size()) return InvalidArgument("authenticator data has bytes left over");
  return d;
}

}  // namespace authd
