// The `authd` subcommands. Each returns the process exit code.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/settings.h"
#include "http/allowed_hosts.h"
#include "http/cors.h"
#include "http/trusted_proxies.h"
#include "util/status.h"

namespace authd {

// The settings `serve` hands its HTTP server, parsed: InvalidArgument names the first bad
// entry. `authd config` checks them too, so it refuses exactly what `serve` refuses.
struct HttpSettings {
  TrustedProxies trusted_proxies;
  Cors cors;
  AllowedHosts allowed_hosts;
};
StatusOr<HttpSettings> ParseHttpSettings(const Settings& settings);

int RunServe(Settings settings);
int RunMigrate(Settings settings);
// Prints every route `serve` answers, "METHOD PATTERN" per line (HEAD and OPTIONS implied).
int RunRoutes(Settings settings);

struct CreateSuperuserArgs {
  std::optional<std::string> username;
  std::string email;
  bool no_input = false;
};
int RunCreateSuperuser(Settings settings, const CreateSuperuserArgs& args);

int RunChangePassword(Settings settings, const std::string& username);

struct KeysGenerateArgs {
  std::string alg = "EdDSA";
  std::string out;
  std::string public_out;  // optional: also write the public key here
  int rsa_bits = 3072;
};
// Writes a new PEM private key (mode 0600, never over an existing file). Needs no settings.
int RunKeysGenerate(const KeysGenerateArgs& args);

struct TlsSelfSignedArgs {
  std::string host;  // a DNS name or an IP address
  std::string out;   // a directory: cert.pem and key.pem are created there
  int days = 90;
};
// For development: a self-signed certificate for `host` (ECDSA P-256, SHA-256, the name in
// subjectAltName) and its key, for AUTHD_TLS_CERT_FILE and AUTHD_TLS_KEY_FILE.
int RunTlsSelfSigned(const TlsSelfSignedArgs& args);

// Imports users and simplejwt's token records from a Django database (a SQLite path or a
// postgresql:// URL). Exit 1 on a failure or when some user was in conflict.
int RunImportDjango(Settings settings, const std::string& from);

// Sends one test mail to `to` at once (not through the outbox), so the operator sees the
// transport's own error. Exit 1 when mail is off or the send fails.
int RunSendTestMail(Settings settings, const std::string& to);

// Deletes the records of expired refresh tokens (and whatever else has expired: links,
// challenges, audit events past AUTHD_AUDIT_RETENTION_DAYS).
int RunFlushExpiredTokens(Settings settings);

struct EventsArgs {
  int64_t user = 0;  // 0: anyone
  std::string type, actor, since, until;
  int limit = 100;
};

// Prints audit events as JSON lines, newest first. Exit 2 for a malformed --since/--until.
int RunEvents(Settings settings, const EventsArgs& args);

struct ClientsAddArgs {
  std::string name;
  std::vector<std::string> redirect_uris;
  bool is_public = false;
  bool first_party = false;
  bool json = false;
};
// Registers an application that signs users in through authd (oauth/clients.h); prints
// "client_id: ..." and, for a confidential client, "client_secret: ..." (shown only now), one
// per line, or one JSON object with --json. Exit 2 for a refused registration.
int RunClientsAdd(Settings settings, const ClientsAddArgs& args);
// Every client, a line each (id, public|confidential, first-party|third-party, name, redirect
// URIs, tab-separated), or a JSON array with --json.
int RunClientsList(Settings settings, bool json);
// Exit 1 when there is no such client.
int RunClientsRemove(Settings settings, const std::string& client_id);

}  // namespace authd
