// `authd clients add|list|remove`: the applications that sign users in through authd, managed
// by an operator with database access (the admin API does the same for staff).
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <cstdio>

#include "audit/event.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "oauth/clients.h"

namespace authd {
namespace {

StatusOr<std::unique_ptr<App>> Open(Settings settings) {
  auto app = App::Create(std::move(settings));
  if (!app.ok()) std::fprintf(stderr, "Error: %s\n", app.status().message().c_str());
  return app;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "Error: %s\n", status.message().c_str());
  return 1;
}

}  // namespace

int RunClientsAdd(Settings settings, const ClientsAddArgs& args) {
  auto app = Open(std::move(settings));
  if (!app.ok()) return 1;
  SystemClock clock;
  OsRandom random;
  auto added = MakeClient({.name = args.name, .redirect_uris = args.redirect_uris,
                           .is_public = args.is_public, .first_party = args.first_party},
                          random, clock.NowSeconds());
  if (!added.ok()) {
    std::fprintf(stderr, "Error: %s\n", added.status().message().c_str());
    return 2;
  }
  const AuditEvent event = ActorEvent(clock, "cli", "client.added", std::nullopt,
                                      {{"client_id", added->client.client_id}, {"name", added->client.name}});
  if (Status st = (*app)->store().clients().Insert(added->client, {event}); !st.ok()) return Fail(st);
  LogEvent(event);
  if (args.json) {
    boost::json::object out{{"client_id", added->client.client_id}};
    if (!added->secret.empty()) out["client_secret"] = added->secret;
    std::printf("%s\n", boost::json::serialize(out).c_str());
  } else {
    std::printf("client_id: %s\n", added->client.client_id.c_str());
    if (!added->secret.empty()) std::printf("client_secret: %s\n", added->secret.c_str());
  }
  return 0;
}

int RunClientsList(Settings settings, bool json) {
  auto app = Open(std::move(settings));
  if (!app.ok()) return 1;
  auto clients = (*app)->store().clients().List();
  if (!clients.ok()) return Fail(clients.status());
  if (json) {
    boost::json::array out;
    for (const OAuthClient& c : *clients) out.push_back(ClientJson(c));
    std::printf("%s\n", boost::json::serialize(out).c_str());
    return 0;
  }
  // One line each: id, then what it is, its name, and its redirect URIs.
  for (const OAuthClient& c : *clients) {
    std::printf("%s\t%s\t%s\t%s", c.client_id.c_str(), c.is_public() ? "public" : "confidential",
                c.first_party ? "first-party" : "third-party", c.name.c_str());
    for (const std::string& uri : c.redirect_uris) std::printf("\t%s", uri.c_str());
    std::printf("\n");
  }
  return 0;
}

int RunClientsRemove(Settings settings, const std::string& client_id) {
  auto app = Open(std::move(settings));
  if (!app.ok()) return 1;
  SystemClock clock;
  const AuditEvent event = ActorEvent(clock, "cli", "client.removed", std::nullopt, {{"client_id", client_id}});
  auto removed = (*app)->store().clients().Delete(client_id, {event});
  if (!removed.ok()) return Fail(removed.status());
  if (!*removed) {
    std::fprintf(stderr, "Error: no client '%s'\n", client_id.c_str());
    return 1;
  }
  LogEvent(event);
  std::printf("removed: %s\n", client_id.c_str());
  return 0;
}

}  // namespace authd
