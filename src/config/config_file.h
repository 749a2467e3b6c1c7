// The configuration file: `authd serve --config authd.toml`. Its keys are the environment's
// names without "AUTHD_", in lower case (database_url for AUTHD_DATABASE_URL), all at the top
// level, so one table in the README documents both. The environment overrides the file, so a
// deployment can keep a shared file and set one value per host.
#pragma once

#include <map>
#include <string>

#include "config/settings.h"
#include "util/status.h"

namespace authd {

// A file's values, spelled as the environment would spell them.
struct ConfigFile {
  std::string path;
  std::map<std::string, std::string> values;  // "AUTHD_DATABASE_URL" -> "sqlite://..."
};

// Parses `path`. InvalidArgument, naming the file, for a syntax error (with its line), for
// keys that are no setting (all of them named), and for values that are not a string, a
// whole number, a boolean or (for lists) an array of strings.
StatusOr<ConfigFile> ReadConfigFile(const std::string& path);

// The environment first, then the file.
EnvLookup Layered(EnvLookup env, const ConfigFile& file);

// LoadSettings over Layered(env, file). An invalid value that came from the file is reported
// with the file's name and key, so the message points where the fix goes.
StatusOr<Settings> LoadSettings(const EnvLookup& env, const ConfigFile& file);

}  // namespace authd
