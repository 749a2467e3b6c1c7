// `authd import-django --from <sqlite path | postgresql URL>` (django_import/importer.h).
#include <cstdio>

#include "audit/event.h"
#include "cli/app.h"
#include "cli/commands.h"
#include "django_import/importer.h"

namespace authd {

int RunImportDjango(Settings settings, const std::string& from) {
  const bool key_given = settings.signing_key.has_value() || settings.algorithm != "HS256";
  auto source = OpenDjangoSource(from);
  if (!source.ok()) {
    std::fprintf(stderr, "Error: %s\n", source.status().message().c_str());
    return 1;
  }
  auto app = App::Create(std::move(settings));
  if (!app.ok()) {
    std::fprintf(stderr, "Error: %s\n", app.status().message().c_str());
    return 1;
  }
  auto report = ImportFromDjango(**source, (*app)->store(), (*app)->clock().NowSeconds());
  if (!report.ok()) {
    std::fprintf(stderr, "Error: %s\n(what was imported before this stays; running again carries on)\n",
                 report.status().message().c_str());
    return 1;
  }
  const ImportReport& r = *report;
  const AuditEvent done = ActorEvent(
      (*app)->clock(), "cli", "import.completed", std::nullopt,
      boost::json::object{{"users_imported", r.users_imported},
                          {"users_already_here", r.users_already_here},
                          {"conflicts", static_cast<int64_t>(r.conflicts.size())},
                          {"tokens_imported", r.tokens_imported}});
  if (auto id = (*app)->store().audit().Append(done); id.ok()) {
    LogEvent(done);
  } else {
    std::fprintf(stderr, "Warning: the import was not recorded in the audit log: %s\n",
                 id.status().message().c_str());
  }
  std::printf("Users: %d imported, %d already here, %zu in conflict.\n", r.users_imported,
              r.users_already_here, r.conflicts.size());
  std::printf("Refresh tokens: %d imported (%d of them blacklisted), %d already here, "
              "%d newly revoked; skipped %d expired and %d without a user.\n",
              r.tokens_imported, r.tokens_imported_revoked, r.tokens_already_here,
              r.tokens_newly_revoked, r.tokens_expired, r.tokens_without_user);
  for (const std::string& conflict : r.conflicts) {
    std::fprintf(stderr, "Conflict: %s\n", conflict.c_str());
  }
  for (const std::string& collision : r.name_collisions) {
    std::fprintf(stderr, "Name collision: %s\n", collision.c_str());
  }
  if (!key_given) {
    std::fprintf(stderr,
                 "Note: tokens Django issued verify here only with its key: set AUTHD_SIGNING_KEY "
                 "to simplejwt's SIGNING_KEY (by default Django's SECRET_KEY).\n");
  }
  return r.conflicts.empty() ? 0 : 1;
}

}  // namespace authd
