// For tests: an EnvLookup over a fixed map, so no test touches the process environment.
#pragma once

#include <map>
#include <string>

#include "config/settings.h"

namespace authd {

inline EnvLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

}  // namespace authd
