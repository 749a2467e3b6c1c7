#include "config/oidc_settings.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

#include "util/strings.h"
#include "util/url.h"

namespace authd {
namespace {

namespace json = boost::json;

constexpr const char* kVariable = "AUTHD_OIDC_PROVIDERS";
constexpr std::string_view kMasked = "***";

Status Bad(std::string_view provider, std::string_view what) {
  return InvalidArgument(std::string(kVariable) + ": provider '" + std::string(provider).substr(0, 40) +
                         "': " + std::string(what));
}

bool IsProviderId(std::string_view id) {
  return !id.empty() && id.size() <= 32 &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

std::optional<std::vector<std::string>> StringList(const json::value& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const json::value& item : v.as_array()) {
    if (!item.is_string() || item.as_string().empty()) return std::nullopt;
    out.emplace_back(item.as_string());
  }
  return out;
}

StatusOr<OidcProviderSetting> ParseOne(const json::object& o) {
  OidcProviderSetting p;
  auto text = [&](std::string_view key) -> std::optional<std::string> {
    const json::value* v = o.if_contains(key);
    if (v == nullptr) return std::string();
    if (!v->is_string()) return std::nullopt;
    return std::string(v->as_string());
  };
  auto id = text("id");
  if (!id || !IsProviderId(*id)) return Bad(id.value_or("?"), "id must be 1 to 32 of a-z, 0-9, _ and -");
  p.id = *id;
  static const std::set<std::string, std::less<>> kKeys = {
      "id", "name", "issuer", "client_id", "client_secret", "client_secret_file", "scopes",
      "allowed_email_domains", "link_by_verified_email", "create_users"};
  for (const auto& [key, value] : o) {
    if (!kKeys.contains(key)) return Bad(p.id, "unknown key '" + std::string(key).substr(0, 40) + "'");
  }
  auto name = text("name");
  auto issuer = text("issuer");
  auto client_id = text("client_id");
  auto secret = text("client_secret");
  auto secret_file = text("client_secret_file");
  if (!name || !issuer || !client_id || !secret || !secret_file) {
    return Bad(p.id, "name, issuer, client_id, client_secret and client_secret_file are strings");
  }
  p.name = name->empty() ? p.id : *name;
  p.issuer = *issuer;
  if (!(p.issuer.starts_with("https://") || IsLoopbackHttpUrl(p.issuer)) || UrlHost(p.issuer).empty() ||
      p.issuer.find_first_of("?# ") != std::string::npos) {
    return Bad(p.id, "issuer must be an https:// URL (or http:// to a loopback address)");
  }
  if (client_id->empty()) return Bad(p.id, "client_id is required");
  p.client_id = *client_id;
  if (secret->empty() == secret_file->empty()) {
    return Bad(p.id, "give client_secret or client_secret_file, not both");
  }
  p.client_secret = *secret;
  if (!secret_file->empty()) {
    std::ifstream in(*secret_file);
    if (!in) return Bad(p.id, "client_secret_file cannot be read: " + *secret_file);
    std::stringstream content;
    content << in.rdbuf();
    p.client_secret = std::string(StripAsciiWhitespace(content.str()));
    if (p.client_secret.empty()) return Bad(p.id, "client_secret_file is empty");
  }
  if (const json::value* v = o.if_contains("scopes")) {
    auto scopes = StringList(*v);
    if (!scopes || std::find(scopes->begin(), scopes->end(), "openid") == scopes->end()) {
      return Bad(p.id, "scopes must be a list of strings with \"openid\"");
    }
    p.scopes = std::move(*scopes);
  }
  if (const json::value* v = o.if_contains("allowed_email_domains")) {
    auto domains = StringList(*v);
    if (!domains) return Bad(p.id, "allowed_email_domains must be a list of domains");
    for (std::string& d : *domains) d = AsciiLower(d);
    p.allowed_email_domains = std::move(*domains);
  }
  for (auto [key, flag] : {std::pair<const char*, bool*>{"link_by_verified_email", &p.link_by_verified_email},
                           {"create_users", &p.create_users}}) {
    if (const json::value* v = o.if_contains(key)) {
      if (v->is_bool()) {
        *flag = v->as_bool();
      } else if (v->is_string() && (v->as_string() == "true" || v->as_string() == "false")) {
        *flag = v->as_string() == "true";
      } else {
        return Bad(p.id, std::string(key) + " must be true or false");
      }
    }
  }
  return p;
}

}  // namespace

StatusOr<std::vector<OidcProviderSetting>> ParseOidcProviders(const std::string& json_text) {
  std::vector<OidcProviderSetting> out;
  if (json_text.empty()) return out;
  boost::system::error_code ec;
  json::value parsed = json::parse(json_text, ec);
  if (ec || !parsed.is_array()) {
    return InvalidArgument(std::string(kVariable) +
                           ": expected a JSON list of {\"id\", \"issuer\", \"client_id\", ...} (not shown: it holds secrets)");
  }
  for (const json::value& item : parsed.as_array()) {
    if (!item.is_object()) return InvalidArgument(std::string(kVariable) + ": each provider is an object");
    auto p = ParseOne(item.as_object());
    if (!p.ok()) return p.status();
    for (const auto& other : out) {
      if (other.id == p->id) return Bad(p->id, "ids must be unique");
    }
    out.push_back(std::move(p).value());
  }
  return out;
}

std::string DescribeOidcProviders(const std::vector<OidcProviderSetting>& providers) {
  if (providers.empty()) return "";
  json::array out;
  for (const auto& p : providers) {
    json::array scopes(p.scopes.begin(), p.scopes.end());
    json::array domains(p.allowed_email_domains.begin(), p.allowed_email_domains.end());
    out.push_back(json::object{{"id", p.id}, {"name", p.name}, {"issuer", p.issuer},
                               {"client_id", p.client_id}, {"client_secret", kMasked},
                               {"scopes", std::move(scopes)}, {"allowed_email_domains", std::move(domains)},
                               {"link_by_verified_email", p.link_by_verified_email},
                               {"create_users", p.create_users}});
  }
  return json::serialize(out);
}

}  // namespace authd
