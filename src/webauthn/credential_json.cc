#include "webauthn/credential_json.h"

#include <boost/json/object.hpp>

#include "util/base64url.h"

namespace authd {
namespace {

namespace json = boost::json;

// Generous bounds on what an honest authenticator sends (an RSA-4096 key and a certificate
// chain fit); the request body's own limit comes first anyway.
constexpr size_t kMaxCredentialId = 1023;  // WebAuthn section 5.8.3
constexpr size_t kMaxMember = 16 * 1024;

StatusOr<const json::object*> Object(const json::value& v, const char* what) {
  if (!v.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  return &v.as_object();
}

// The base64url member `name` of `o`, decoded.
StatusOr<std::string> Bytes(const json::object& o, const char* name, size_t max_bytes) {
  const json::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_string()) return InvalidArgument(std::string(name) + " is missing");
  const json::string& text = v->as_string();
  if (text.size() > (max_bytes * 4 + 2) / 3) return InvalidArgument(std::string(name) + " is too long");
  auto bytes = Base64UrlDecode(std::string_view(text.data(), text.size()));
  if (!bytes || bytes->empty()) return InvalidArgument(std::string(name) + " is not base64url");
  return std::move(*bytes);
}

// The id (checked against rawId when both come) and type shared by both responses.
StatusOr<std::string> IdOf(const json::object& o) {
  const json::value* type = o.if_contains("type");
  if (type != nullptr && (!type->is_string() || type->as_string() != "public-key")) {
    return InvalidArgument("type is not \"public-key\"");
  }
  auto id = Bytes(o, "id", kMaxCredentialId);
  if (!id.ok()) return id.status();
  if (o.contains("rawId")) {
    auto raw = Bytes(o, "rawId", kMaxCredentialId);
    if (!raw.ok()) return raw.status();
    if (*raw != *id) return InvalidArgument("id and rawId differ");
  }
  return Base64UrlEncode(*id);  // one spelling, whatever padding the client chose
}

// The credential's id and its "response" object, shared by both kinds.
struct Envelope {
  std::string id;
  const json::object* response = nullptr;
};

StatusOr<Envelope> EnvelopeOf(const json::value& credential) {
  auto o = Object(credential, "credential");
  if (!o.ok()) return o.status();
  auto id = IdOf(**o);
  if (!id.ok()) return id.status();
  const json::value* response = (*o)->if_contains("response");
  if (response == nullptr) return InvalidArgument("response is missing");
  auto r = Object(*response, "response");
  if (!r.ok()) return r.status();
  return Envelope{std::move(id).value(), *r};
}

}  // namespace

StatusOr<RegistrationResponse> ParseRegistrationResponse(const json::value& credential) {
  auto envelope = EnvelopeOf(credential);
  if (!envelope.ok()) return envelope.status();
  const json::object& r = *envelope->response;
  auto client = Bytes(r, "clientDataJSON", kMaxMember);
  if (!client.ok()) return client.status();
  auto attestation = Bytes(r, "attestationObject", kMaxMember);
  if (!attestation.ok()) return attestation.status();
  return RegistrationResponse{envelope->id, std::move(*client), std::move(*attestation)};
}

StatusOr<AuthenticationResponse> ParseAuthenticationResponse(const json::value& credential) {
  auto envelope = EnvelopeOf(credential);
  if (!envelope.ok()) return envelope.status();
  const json::object& r = *envelope->response;
  AuthenticationResponse out{.id = envelope->id};
  auto client = Bytes(r, "clientDataJSON", kMaxMember);
  if (!client.ok()) return client.status();
  auto data = Bytes(r, "authenticatorData", kMaxMember);
  if (!data.ok()) return data.status();
  auto signature = Bytes(r, "signature", kMaxMember);
  if (!signature.ok()) return signature.status();
  out.client_data_json = std::move(*client);
  out.authenticator_data = std::move(*data);
  out.signature = std::move(*signature);
  // userHandle is null (or absent) for credentials that are not discoverable.
  if (const json::value* handle = r.if_contains("userHandle"); handle && !handle->is_null()) {
    auto bytes = Bytes(r, "userHandle", 64);
    if (!bytes.ok()) return bytes.status();
    out.user_handle = std::move(*bytes);
  }
  return out;
}

}  // namespace authd
