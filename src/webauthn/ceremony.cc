#include "webauthn/ceremony.h"

#include <boost/json/parse.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "util/base64url.h"
#include "webauthn/cbor_item.h"
#include "webauthn/cose_key.h"

namespace authd {
namespace {

namespace json = boost::json;

std::string Sha256(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> d{};
  unsigned int n = 0;
  EVP_Digest(bytes.data(), bytes.size(), d.data(), &n, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(d.data()), n);
}

bool SameBytes(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

struct ClientData {
  std::string type, challenge, origin;
};

StatusOr<ClientData> ParseClientData(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return InvalidArgument("clientDataJSON is not a JSON object");
  const json::object& o = v.as_object();
  auto text_of = [&](const char* name) -> std::optional<std::string> {
    const json::value* f = o.if_contains(name);
    if (f == nullptr || !f->is_string()) return std::nullopt;
    return std::string(f->as_string());
  };
  auto type = text_of("type");
  auto challenge = text_of("challenge");
  auto origin = text_of("origin");
  if (!type || !challenge || !origin) {
    return InvalidArgument("clientDataJSON lacks type, challenge or origin");
  }
  auto raw = Base64UrlDecode(*challenge);
  if (!raw) return InvalidArgument("clientDataJSON's challenge is not base64url");
  return ClientData{*type, *raw, *origin};
}

// Steps shared by both ceremonies: the client data's type, challenge and origin; the RP ID's
// hash, user presence and (where required) verification in the authenticator data.
Status CheckCommon(const RelyingParty& rp, const Expectation& expected, const ClientData& client,
                   std::string_view type, const AuthenticatorData& data) {
  if (client.type != type) return InvalidArgument("clientDataJSON is not of type " + std::string(type));
  if (!SameBytes(client.challenge, expected.challenge)) {
    return InvalidArgument("the challenge is not the one issued");
  }
  if (std::find(rp.origins.begin(), rp.origins.end(), client.origin) == rp.origins.end()) {
    return InvalidArgument("the origin is not one of AUTHD_WEBAUTHN_ORIGINS");
  }
  if (!SameBytes(data.rp_id_hash, Sha256(rp.id))) {
    return InvalidArgument("the credential is for another relying party (RP ID)");
  }
  if (!data.user_present()) return InvalidArgument("the user was not present (UP flag)");
  if (expected.user_verification && !data.user_verified()) {
    return InvalidArgument("the user was not verified (UV flag)");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::string> ClientDataChallenge(std::string_view client_data_json) {
  auto client = ParseClientData(client_data_json);
  if (!client.ok()) return client.status();
  return client->challenge;
}

StatusOr<NewCredential> VerifyRegistration(const RelyingParty& rp, const Expectation& expected,
                                           std::string_view client_data_json,
                                           std::string_view attestation_object) {
  auto client = ParseClientData(client_data_json);
  if (!client.ok()) return client.status();
  CborItem object = CborItem::Load(attestation_object);
  auto fmt = CborText(object.Get("fmt"));
  auto auth_bytes = CborBytes(object.Get("authData"));
  cbor_item_t* statement = object.Get("attStmt");
  if (!fmt || !auth_bytes || statement == nullptr || !cbor_isa_map(statement)) {
    return InvalidArgument("the attestation object lacks fmt, authData or attStmt");
  }
  auto data = ParseAuthenticatorData(*auth_bytes);
  if (!data.ok()) return data.status();
  AUTHD_RETURN_IF_ERROR(CheckCommon(rp, expected, *client, "webauthn.create", *data));
  if (!data->attested) return InvalidArgument("the authenticator data carries no credential");
  auto key = ParseCoseKey(data->attested->public_key);
  if (!key.ok()) return key.status();

  if (*fmt == "none") {
    if (cbor_map_size(statement) != 0) return InvalidArgument("a \"none\" attestation with a statement");
  } else if (*fmt == "packed") {
    // Self attestation only (no x5c): signed by the credential's own key, with its algorithm.
    CborItem st(cbor_incref(statement));
    if (st.Get("x5c") != nullptr) {
      return InvalidArgument("packed attestation with a certificate chain is not accepted");
    }
    auto alg = CborInt(st.Get("alg"));
    auto sig = CborBytes(st.Get("sig"));
    if (!alg || !sig || *alg != key->alg) return InvalidArgument("a malformed packed attestation");
    if (!VerifyCoseSignature(*key, *auth_bytes + Sha256(client_data_json), *sig)) {
      return InvalidArgument("the packed attestation's signature does not verify");
    }
  } else {
    return InvalidArgument("attestation format \"" + *fmt + "\" is not accepted (none, packed)");
  }
  return NewCredential{.id = data->attested->credential_id,
                       .public_key = data->attested->public_key,
                       .alg = key->alg,
                       .sign_count = data->sign_count,
                       .aaguid = data->attested->aaguid,
                       .user_verified = data->user_verified()};
}

StatusOr<Assertion> VerifyAssertion(const RelyingParty& rp, const Expectation& expected,
                                    std::string_view public_key, uint32_t stored_count,
                                    std::string_view client_data_json,
                                    std::string_view authenticator_data,
                                    std::string_view signature) {
  auto client = ParseClientData(client_data_json);
  if (!client.ok()) return client.status();
  auto data = ParseAuthenticatorData(authenticator_data);
  if (!data.ok()) return data.status();
  AUTHD_RETURN_IF_ERROR(CheckCommon(rp, expected, *client, "webauthn.get", *data));
  auto key = ParseCoseKey(public_key);
  if (!key.ok()) return key.status();
  const std::string signed_data = std::string(authenticator_data) + Sha256(client_data_json);
  if (!VerifyCoseSignature(*key, signed_data, signature)) {
    return InvalidArgument("the signature does not verify");
  }
  // Section 7.2 step 21: a counter that does not move forward means a cloned authenticator
  // (counters of zero, from authenticators that keep none, are let through).
  if ((data->sign_count != 0 || stored_count != 0) && data->sign_count <= stored_count) {
    return FailedPrecondition("the signature counter went backwards: the credential may be cloned");
  }
  return Assertion{data->sign_count, data->user_verified()};
}

}  // namespace authd
