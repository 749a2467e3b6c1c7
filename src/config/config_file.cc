#include "config/config_file.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <toml++/toml.h>
#include <vector>

namespace authd {
namespace {

// "database_url" -> "AUTHD_DATABASE_URL".
std::string EnvName(std::string_view key) {
  std::string name = "AUTHD_";
  for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

// "AUTHD_DATABASE_URL" -> "database_url".
std::string FileKey(std::string_view env_name) {
  std::string key;
  for (char c : env_name.substr(6)) {
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

// A TOML value as the environment would carry it; nullopt for a type no setting takes.
std::optional<std::string> AsEnvText(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  if (const auto* a = node.as_array(); a && !a->empty() && a->front().is_table()) {
    // A list of tables (webhooks, oidc_providers): JSON, the environment's form for it. Each
    // table's values are strings, booleans or arrays of strings.
    boost::json::array out;
    for (const auto& item : *a) {
      const auto* t = item.as_table();
      if (t == nullptr) return std::nullopt;
      boost::json::object o;
      for (const auto& [k, v] : *t) {
        if (const auto* s = v.as_string()) {
          o[std::string(k.str())] = s->get();
        } else if (const auto* b = v.as_boolean()) {
          o[std::string(k.str())] = b->get();
        } else if (const auto* list = v.as_array()) {
          boost::json::array values;
          for (const auto& x : *list) {
            const auto* text = x.as_string();
            if (text == nullptr) return std::nullopt;
            values.emplace_back(text->get());
          }
          o[std::string(k.str())] = std::move(values);
        } else {
          return std::nullopt;
        }
      }
      out.push_back(std::move(o));
    }
    return boost::json::serialize(out);
  }
  if (const auto* a = node.as_array()) {
    // Lists (verifying_key_files, trusted_proxies): the environment's comma-separated form.
    std::vector<std::string> items;
    for (const auto& item : *a) {
      const auto* s = item.as_string();
      if (s == nullptr || s->get().find(',') != std::string::npos) return std::nullopt;
      items.push_back(s->get());
    }
    return fmt::format("{}", fmt::join(items, ","));
  }
  return std::nullopt;
}

}  // namespace

StatusOr<ConfigFile> ReadConfigFile(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    if (where.line == 0) {  // the file could not be opened at all
      return InvalidArgument(fmt::format("{}: {}", path, e.description()));
    }
    return InvalidArgument(
        fmt::format("{}:{}:{}: {}", path, where.line, where.column, e.description()));
  }

  const std::vector<std::string> known = SettingNames();
  const std::set<std::string> known_set(known.begin(), known.end());
  ConfigFile file{.path = path};
  std::vector<std::string> unknown;
  std::vector<std::string> mistyped;
  for (const auto& [key, node] : table) {
    const std::string name = EnvName(key.str());
    if (!known_set.contains(name) || key.str() != FileKey(name)) {
      unknown.emplace_back(key.str());
      continue;
    }
    auto text = AsEnvText(node);
    if (!text) {
      mistyped.emplace_back(key.str());
      continue;
    }
    file.values.emplace(name, std::move(*text));
  }
  if (!unknown.empty()) {
    return InvalidArgument(fmt::format("{}: unknown setting{} {}", path,
                                       unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", ")));
  }
  if (!mistyped.empty()) {
    return InvalidArgument(fmt::format(
        "{}: {} must be a string, a whole number, true/false or an array of strings", path,
        fmt::join(mistyped, ", ")));
  }
  return file;
}

EnvLookup Layered(EnvLookup env, const ConfigFile& file) {
  return [env = std::move(env), values = file.values](const char* name) -> std::optional<std::string> {
    if (auto v = env(name)) return v;
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

StatusOr<Settings> LoadSettings(const EnvLookup& env, const ConfigFile& file) {
  auto settings = LoadSettings(Layered(env, file));
  if (settings.ok()) return settings;
  // Messages start with the variable's name ("AUTHD_LEEWAY: expected ...").
  const std::string& message = settings.status().message();
  const std::string name = message.substr(0, message.find(':'));
  if (file.values.contains(name) && !env(name.c_str())) {
    return InvalidArgument(
        fmt::format("{}: {}{}", file.path, FileKey(name), message.substr(name.size())));
  }
  return settings;
}

}  // namespace authd
