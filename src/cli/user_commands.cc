// `authd createsuperuser` and `authd changepassword`, after Django's management commands.
#include <cstdio>
#include <cstdlib>

#include "api/login_name.h"
#include "audit/event.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "cli/prompt.h"
#include "users/user_rules.h"
#include "util/unicode.h"
#include "util/utf8.h"

namespace authd {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "Error: %s\n", message.c_str());
  return 1;
}

void PrintErrors(const std::vector<std::string>& errors) {
  for (const auto& e : errors) std::fprintf(stderr, "%s\n", e.c_str());
}

// Asks twice until both entries agree and pass the policy (or the user bypasses it, as Django
// allows interactively). nullopt when input ends.
std::optional<std::string> PromptNewPassword(App& app, const UserAttributes& who) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto first = ReadSecretLine("Password: ");
    if (!first) return std::nullopt;
    auto second = ReadSecretLine("Password (again): ");
    if (!second) return std::nullopt;
    if (*first != *second) {
      std::fputs("Error: Your passwords didn't match.\n", stderr);
      continue;
    }
    if (first->empty()) {
      std::fputs("Error: Blank passwords aren't allowed.\n", stderr);
      continue;
    }
    if (!IsValidUtf8(*first) || first->size() > app.settings().max_password_bytes) {
      std::fputs("Error: The password must be valid UTF-8 and not too long.\n", stderr);
      continue;
    }
    auto errors = app.policy().Validate(*first, who);
    if (!errors.empty()) {
      PrintErrors(errors);
      auto answer = ReadLine("Bypass password validation and create user anyway? [y/N]: ");
      if (!answer || (*answer != "y" && *answer != "Y")) continue;
    }
    return first;
  }
  return std::nullopt;
}

}  // namespace

int RunCreateSuperuser(Settings settings, const CreateSuperuserArgs& args) {
  auto created = App::Create(std::move(settings));
  if (!created.ok()) return Fail(created.status().message());
  App& app = **created;

  std::string username;
  if (args.username) {
    username = *args.username;
  } else if (const char* env = std::getenv("AUTHD_SUPERUSER_USERNAME")) {
    username = env;
  } else if (args.no_input) {
    return Fail("--username is required with --noinput.");
  } else {
    auto line = ReadLine("Username: ");
    if (!line) return Fail("no username given.");
    username = *line;
  }
  if (username.empty()) return Fail("This field cannot be blank.");
  if (!IsValidUtf8(username)) return Fail("The username is not valid UTF-8.");
  username = NormalizeNfkc(username);  // as Django's createsuperuser (normalize_username)
  if (auto bad = CheckUsername(username)) return Fail(*bad);
  if (!args.email.empty()) {
    if (auto bad = CheckEmail(args.email)) return Fail(*bad);
  }
  auto existing = app.store().users().FindByUsername(username);
  if (existing.ok()) return Fail("That username is already taken.");
  if (existing.status().code() != StatusCode::kNotFound) return Fail(existing.status().message());

  const UserAttributes who{.username = username, .email = args.email};
  std::string password;
  if (args.no_input) {
    const char* env = std::getenv("AUTHD_SUPERUSER_PASSWORD");
    if (env == nullptr || *env == '\0') {
      return Fail("AUTHD_SUPERUSER_PASSWORD must be set when using --noinput.");
    }
    password = env;
    if (!IsValidUtf8(password)) return Fail("The password is not valid UTF-8.");
    // No one to ask for a bypass: the policy holds.
    auto errors = app.policy().Validate(password, who);
    if (!errors.empty()) {
      PrintErrors(errors);
      return 1;
    }
  } else {
    auto entered = PromptNewPassword(app, who);
    if (!entered) return Fail("no password set; the superuser was not created.");
    password = std::move(*entered);
  }

  NewUser nu{.username = username,
             .password_hash = app.hasher().Hash(password),
             .email = args.email,
             .is_active = true,
             .is_staff = true,
             .is_superuser = true,
             .date_joined_us = app.clock().NowMicros()};
  Effects effects;
  effects.events.push_back(ActorEvent(app.clock(), "cli", "cli.superuser_created", std::nullopt,
                                      boost::json::object{{"username", nu.username}, {"email", nu.email}}));
  auto user = app.store().users().Create(nu, effects);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kAlreadyExists) {
      return Fail("That username is already taken.");
    }
    return Fail(user.status().message());
  }
  effects.events.front().subject_user_id = user->id;
  LogEvent(effects.events.front());
  std::printf("Superuser created successfully.\n");
  return 0;
}

int RunChangePassword(Settings settings, const std::string& username) {
  auto created = App::Create(std::move(settings));
  if (!created.ok()) return Fail(created.status().message());
  App& app = **created;

  if (!IsValidUtf8(username)) return Fail("The username is not valid UTF-8.");
  auto user = FindByLoginName(app.store().users(), username);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) {
      return Fail("user '" + username + "' does not exist");
    }
    return Fail(user.status().message());
  }
  std::printf("Changing password for user '%s'\n", username.c_str());
  std::fflush(stdout);
  auto password = PromptNewPassword(
      app, {.username = user->username, .first_name = user->first_name,
            .last_name = user->last_name, .email = user->email});
  if (!password) return Fail("Aborting password change for user '" + username + "'.");
  UserUpdate update{.password_hash = app.hasher().Hash(*password)};
  update.events.push_back(ActorEvent(app.clock(), "cli", "cli.password_changed", user->id));
  auto changed = app.store().users().Update(user->id, update);
  if (!changed.ok()) return Fail(changed.status().message());
  LogEvent(update.events.front());
  // As the API's password change and the admin's PATCH: an operator resetting a compromised
  // account expects whoever holds its tokens to be logged out.
  auto ended = app.sessions().EndAll(user->id, "password_changed");
  if (!ended.ok()) return Fail("the password was changed, but its sessions were not ended: " +
                               ended.status().message());
  std::printf("Password changed successfully for user '%s'; %d session(s) ended.\n",
              username.c_str(), *ended);
  return 0;
}

}  // namespace authd
