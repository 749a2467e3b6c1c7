// `authd events`: the audit log from the command line, for operators with database access
// and no admin token (and for scripts: one JSON object per line).
#include <boost/json/serialize.hpp>

#include <cstdio>

#include "audit/event.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "util/time_format.h"

namespace authd {

int RunEvents(Settings settings, const EventsArgs& args) {
  AuditQuery query{.limit = args.limit};
  if (args.user > 0) query.subject_user_id = args.user;
  if (!args.type.empty()) query.type = args.type;
  if (!args.actor.empty()) query.actor = args.actor;
  for (const auto& [text, out, name] :
       {std::tuple{&args.since, &query.since_us, "--since"}, std::tuple{&args.until, &query.until_us, "--until"}}) {
    if (text->empty()) continue;
    *out = ParseIsoUtc(*text);
    if (!*out) {
      std::fprintf(stderr, "Error: %s: an ISO 8601 date or time is required (2026-11-30, "
                   "2026-11-30T12:00:00Z)\n", name);
      return 2;
    }
  }
  auto app = App::Create(std::move(settings));
  if (!app.ok()) {
    std::fprintf(stderr, "Error: %s\n", app.status().message().c_str());
    return 1;
  }
  auto events = (*app)->store().audit().List(query);
  if (!events.ok()) {
    std::fprintf(stderr, "Error: %s\n", events.status().message().c_str());
    return 1;
  }
  for (const AuditEvent& e : *events) {
    std::printf("%s\n", boost::json::serialize(EventJson(e)).c_str());
  }
  return 0;
}

}  // namespace authd
