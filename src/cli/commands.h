// The `authd` subcommands. Each returns the process exit code.
#pragma once

#include <optional>
#include <string>

#include "config/settings.h"

namespace authd {

int RunServe(Settings settings);
int RunMigrate(Settings settings);

struct CreateSuperuserArgs {
  std::optional<std::string> username;
  std::string email;
  bool no_input = false;
};
int RunCreateSuperuser(Settings settings, const CreateSuperuserArgs& args);

int RunChangePassword(Settings settings, const std::string& username);

// Deletes the records of expired refresh tokens.
int RunFlushExpiredTokens(Settings settings);

}  // namespace authd
