#include "webauthn/options.h"

#include <boost/json/array.hpp>

#include "util/base64url.h"
#include "webauthn/cose_key.h"

namespace authd {
namespace {

namespace json = boost::json;

json::array Descriptors(const std::vector<std::string>& ids) {
  json::array out;
  for (const std::string& id : ids) out.push_back(json::object{{"type", "public-key"}, {"id", id}});
  return out;
}

}  // namespace

json::object CreationOptions(const CreationRequest& r) {
  json::array params;
  for (int64_t alg : {kCoseEs256, kCoseEdDsa, kCoseRs256}) {
    params.push_back(json::object{{"type", "public-key"}, {"alg", alg}});
  }
  return json::object{
      {"rp", json::object{{"id", r.rp_id}, {"name", r.rp_name}}},
      {"user", json::object{{"id", Base64UrlEncode(r.user_handle)},
                            {"name", r.user_name},
                            {"displayName", r.display_name}}},
      {"challenge", Base64UrlEncode(r.challenge)},
      {"pubKeyCredParams", std::move(params)},
      {"timeout", kCeremonySeconds * 1000},
      {"excludeCredentials", Descriptors(r.exclude)},
      {"authenticatorSelection", json::object{{"residentKey", "preferred"},
                                              {"requireResidentKey", false},
                                              {"userVerification", "preferred"}}},
      {"attestation", "none"},
  };
}

json::object RequestOptions(const AssertionRequest& r) {
  json::object o{
      {"challenge", Base64UrlEncode(r.challenge)},
      {"timeout", kCeremonySeconds * 1000},
      {"rpId", r.rp_id},
      {"userVerification", r.user_verification ? "required" : "preferred"},
  };
  if (!r.allow.empty()) o["allowCredentials"] = Descriptors(r.allow);
  return o;
}

}  // namespace authd
