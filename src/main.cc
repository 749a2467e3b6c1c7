// authd: an authentication service compatible with Django REST Framework + simplejwt.
// The command line: serve, migrate, createsuperuser, changepassword, flushexpiredtokens,
// keys generate, config, import-django, routes, sendtestmail, events, clients.
#include <CLI/CLI.hpp>
#include <unistd.h>  // environ

#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "config/config_file.h"
#include "config/settings.h"
#include "logging/logging.h"

int main(int argc, char** argv) {
  using namespace authd;
  CLI::App cli{"authd: login, tokens and users, compatible with Django + simplejwt clients"};
  cli.require_subcommand(1);
  cli.set_version_flag("--version", "authd " AUTHD_VERSION);
  // Given before or after the subcommand: `authd serve --config authd.toml`.
  std::string config_path;
  cli.add_option("--config", config_path,
                 "A TOML file of settings (keys: the AUTHD_* names in lower case, without "
                 "AUTHD_); the environment overrides it")
      ->envname("AUTHD_CONFIG");
  cli.fallthrough();

  auto* serve = cli.add_subcommand("serve", "Apply migrations and serve HTTP");
  std::string listen;
  serve->add_option("--listen", listen, "HOST:PORT to listen on (overrides AUTHD_LISTEN)");

  auto* migrate = cli.add_subcommand("migrate", "Apply database migrations and exit");

  auto* createsuperuser = cli.add_subcommand("createsuperuser", "Create a staff superuser");
  std::string su_username;
  CreateSuperuserArgs su_args;
  createsuperuser->add_option("--username", su_username, "The superuser's username");
  createsuperuser->add_option("--email", su_args.email, "The superuser's email address");
  createsuperuser->add_flag("--noinput,--no-input", su_args.no_input,
                            "Ask nothing: the password comes from AUTHD_SUPERUSER_PASSWORD");

  auto* changepassword = cli.add_subcommand("changepassword", "Change a user's password");
  std::string cp_username;
  changepassword->add_option("username", cp_username, "The user")->required();

  auto* config = cli.add_subcommand(
      "config", "Print the effective settings, one AUTHD_*=value per line, secrets masked");

  auto* import_django = cli.add_subcommand(
      "import-django", "Import users (ids and password hashes kept) and simplejwt's token records");
  std::string import_from;
  import_django
      ->add_option("--from", import_from, "The Django database: a SQLite file or a postgresql:// URL")
      ->required();

  auto* routes = cli.add_subcommand("routes", "List every route serve answers, METHOD PATTERN per line");

  auto* sendtestmail = cli.add_subcommand(
      "sendtestmail", "Send a test mail now, through AUTHD_SMTP_URL or into AUTHD_EMAIL_DIR");
  std::string test_to;
  sendtestmail->add_option("--to", test_to, "The address to mail")->required();

  auto* events = cli.add_subcommand("events", "Print audit events, newest first, one JSON object per line");
  EventsArgs events_args;
  events->add_option("--user", events_args.user, "Only events about this user id");
  events->add_option("--type", events_args.type, "Only events of this type (login.failed, ...)");
  events->add_option("--actor", events_args.actor, "Only events by this actor (a user id, cli, system)");
  events->add_option("--since", events_args.since, "At or after this ISO 8601 date or time");
  events->add_option("--until", events_args.until, "Before this ISO 8601 date or time");
  events->add_option("--limit", events_args.limit, "At most this many (default 100)")
      ->check(CLI::Range(1, 1000000));

  auto* clients = cli.add_subcommand("clients", "Manage the applications that sign users in through authd");
  clients->require_subcommand(1);
  auto* clients_add = clients->add_subcommand("add", "Register one; prints client_id (and client_secret, once)");
  ClientsAddArgs add_args;
  clients_add->add_option("--name", add_args.name, "Shown to users on the consent page")->required();
  clients_add->add_option("--redirect-uri", add_args.redirect_uris, "An exact redirect URI (repeatable)")
      ->required();
  clients_add->add_flag("--public", add_args.is_public, "No secret: a browser or mobile app (PKCE alone)");
  clients_add->add_flag("--first-party", add_args.first_party, "Your own application: no consent page");
  clients_add->add_flag("--json", add_args.json, "Print one JSON object");
  auto* clients_list = clients->add_subcommand("list", "Print every client, one per line");
  bool list_json = false;
  clients_list->add_flag("--json", list_json, "Print a JSON array");
  auto* clients_remove = clients->add_subcommand("remove", "Remove a client");
  std::string remove_id;
  clients_remove->add_option("client_id", remove_id, "The client's id")->required();

  auto* flush = cli.add_subcommand("flushexpiredtokens",
                                   "Delete the records of expired refresh tokens");

  auto* keys = cli.add_subcommand("keys", "Manage signing keys");
  keys->require_subcommand(1);
  auto* keys_generate = keys->add_subcommand("generate", "Write a new PEM private key");
  KeysGenerateArgs keys_args;
  keys_generate->add_option("--alg", keys_args.alg, "EdDSA, ES256 or RS256")
      ->check(CLI::IsMember({"EdDSA", "ES256", "RS256"}));
  keys_generate->add_option("--out", keys_args.out, "File to create (mode 0600)")->required();
  keys_generate->add_option("--public-out", keys_args.public_out,
                            "Also write the public key here (for services that only verify)");
  keys_generate->add_option("--bits", keys_args.rsa_bits, "RSA modulus size")
      ->check(CLI::Range(2048, 8192));
  auto* keys_tls = keys->add_subcommand(
      "tls-selfsigned", "Write a self-signed certificate and key for development HTTPS");
  TlsSelfSignedArgs tls_args;
  keys_tls->add_option("--host", tls_args.host, "The DNS name or IP address it is for")->required();
  keys_tls->add_option("--out", tls_args.out, "Directory for cert.pem and key.pem")->required();
  keys_tls->add_option("--days", tls_args.days, "Days it is valid (90)")->check(CLI::Range(1, 825));

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, as the settings' errors do
    // (CLI11's own codes, 105, 106..., mean nothing to a shell script).
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  }
  // Generating a key needs no settings, so a half-configured environment cannot block it.
  if (*keys_generate) return RunKeysGenerate(keys_args);
  if (*keys_tls) return RunTlsSelfSigned(tls_args);

  ConfigFile file;
  if (!config_path.empty()) {
    auto read = ReadConfigFile(config_path);
    if (!read.ok()) {
      std::fprintf(stderr, "authd: invalid configuration file: %s\n",
                   read.status().message().c_str());
      return 2;
    }
    file = std::move(read).value();
  }
  std::vector<std::string> names;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    names.emplace_back(entry.substr(0, entry.find('=')));
  }
  if (Status st = CheckEnvironmentNames(names); !st.ok()) {
    std::fprintf(stderr, "authd: invalid setting: %s\n", st.message().c_str());
    return 2;
  }
  auto settings = LoadSettings(ProcessEnv(), file);
  if (settings.ok() && !listen.empty()) {
    if (Status st = ParseListen(listen, *settings); !st.ok()) settings = st;
  }
  if (!settings.ok()) {
    std::fprintf(stderr, "authd: invalid setting: %s\n", settings.status().message().c_str());
    return 2;
  }
  if (*config || *serve) {
    if (auto http = ParseHttpSettings(*settings); !http.ok()) {
      std::fprintf(stderr, "authd: invalid setting: %s\n", http.status().message().c_str());
      return 2;
    }
  }
  if (*config) {
    for (const auto& line : DescribeSettings(*settings)) std::printf("%s\n", line.c_str());
    return 0;
  }
  // Logs go to stderr; stdout is for command output.
  SetUpLogging(settings->log_format == "json" ? LogFormat::kJson : LogFormat::kText,
               settings->log_level);

  if (*serve) return RunServe(std::move(*settings));
  if (*migrate) return RunMigrate(std::move(*settings));
  if (*routes) return RunRoutes(std::move(*settings));
  if (*createsuperuser) {
    if (!su_username.empty()) su_args.username = su_username;
    return RunCreateSuperuser(std::move(*settings), su_args);
  }
  if (*changepassword) return RunChangePassword(std::move(*settings), cp_username);
  if (*flush) return RunFlushExpiredTokens(std::move(*settings));
  if (*events) return RunEvents(std::move(*settings), events_args);
  if (*clients_add) return RunClientsAdd(std::move(*settings), add_args);
  if (*clients_list) return RunClientsList(std::move(*settings), list_json);
  if (*clients_remove) return RunClientsRemove(std::move(*settings), remove_id);
  if (*import_django) return RunImportDjango(std::move(*settings), import_from);
  if (*sendtestmail) return RunSendTestMail(std::move(*settings), test_to);
  return 2;
}
