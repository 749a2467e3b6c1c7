#include "tokens/jws_codec.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "util/base64url.h"

namespace authd {
namespace json = boost::json;

namespace {

// Header parameters that would let a token choose its own key or change how its payload is
// read. We never honour them, so a token carrying one is refused rather than half-understood.
constexpr std::string_view kForbiddenHeaders[] = {"jku", "jwk", "x5u", "x5c", "b64"};

}  // namespace

std::optional<json::object> ParseJsonObjectStrict(std::string_view text) {
  json::error_code ec;
  json::parse_options opts;  // UTF-8 is validated; comments and trailing commas are not allowed
  json::value v = json::parse(text, ec, {}, opts);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::optional<std::string> PeekKeyId(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return std::nullopt;
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  auto header_json = Base64UrlDecode(token.substr(0, dot));
  auto header = header_json ? ParseJsonObjectStrict(*header_json) : std::nullopt;
  const json::value* kid = header ? header->if_contains("kid") : nullptr;
  if (kid == nullptr || !kid->is_string()) return std::nullopt;
  return std::string(kid->as_string());
}

JwsCodec::JwsCodec(KeySet keys) : keys_(std::move(keys)) {
  // PyJWT's header, members in its (sorted) order, so our tokens look exactly like simplejwt's.
  json::object header;
  header["alg"] = keys_.signer().Algorithm();
  if (auto kid = keys_.signer().KeyId()) header["kid"] = *kid;
  header["typ"] = "JWT";
  encoded_header_ = Base64UrlEncode(json::serialize(header));
}

std::string JwsCodec::Encode(const json::object& payload) const {
  std::string token = encoded_header_;
  token += '.';
  token += Base64UrlEncode(json::serialize(payload));
  std::string signature = keys_.signer().Sign(token);
  token += '.';
  token += Base64UrlEncode(signature);
  return token;
}

Result<json::object, TokenError> JwsCodec::Decode(std::string_view token) const {
  if (token.size() > kMaxTokenBytes) return Err{TokenError::kTooLarge};

  const size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return Err{TokenError::kMalformed};
  const size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Err{TokenError::kMalformed};
  }
  const std::string_view header_b64 = token.substr(0, dot1);
  const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_b64 = token.substr(dot2 + 1);

  auto header_json = Base64UrlDecode(header_b64);
  auto payload_json = Base64UrlDecode(payload_b64);
  auto signature = Base64UrlDecode(signature_b64);
  if (!header_json || !payload_json || !signature) return Err{TokenError::kBadEncoding};

  auto header = ParseJsonObjectStrict(*header_json);
  if (!header) return Err{TokenError::kBadHeader};

  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return Err{TokenError::kBadHeader};
  std::optional<std::string_view> kid;
  if (const json::value* k = header->if_contains("kid")) {
    if (!k->is_string()) return Err{TokenError::kBadHeader};
    kid = k->get_string();
  }
  // The key is chosen by kid alone; the token's "alg" must then be that key's own, so a
  // public key can never be used as an HMAC secret (RFC 8725 section 2.1).
  const SigningKey* key = keys_.Find(kid);
  if (key == nullptr) return Err{TokenError::kUnknownKey};
  if (alg->as_string() != key->Algorithm()) return Err{TokenError::kAlgorithmNotAllowed};
  if (header->contains("crit")) return Err{TokenError::kCriticalHeader};
  for (std::string_view name : kForbiddenHeaders) {
    if (header->contains(name)) return Err{TokenError::kForbiddenHeader};
  }
  if (const json::value* typ = header->if_contains("typ"); typ && !typ->is_string()) {
    return Err{TokenError::kBadHeader};
  }

  // The signature covers the two first segments exactly as received.
  if (!key->Verify(token.substr(0, dot2), *signature)) return Err{TokenError::kBadSignature};

  auto payload = ParseJsonObjectStrict(*payload_json);
  if (!payload) return Err{TokenError::kBadPayload};
  return std::move(*payload);
}

}  // namespace authd
