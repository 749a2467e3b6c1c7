// authd import-django: brings a Django project's users and simplejwt's token records into an
// authd store.
//
// - Users keep their ids, so tokens Django issued (their user_id claim) still name the right
//   account, and their password hashes, which authd verifies and replaces with Argon2id at
//   the first login (passwords/migrating_hasher.h).
// - Outstanding refresh tokens that have not expired become session records, so they appear
//   in /api/sessions/ and can be ended; blacklisted ones arrive revoked and stay dead.
// - Re-running is safe: a user already here with the same id and username is left as it is
//   (authd is where it lives now, and it may have logged in and been re-hashed), and a token
//   already recorded is not recorded again, though one blacklisted in Django since the last
//   run is revoked here too. A user whose id or username belongs to someone else here is a
//   conflict: it is reported and skipped, and the rest is imported.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "django_import/django_source.h"
#include "store/store.h"

namespace authd {

struct ImportReport {
  int users_imported = 0;
  int users_already_here = 0;
  std::vector<std::string> conflicts;  // one line per user that could not be imported
  // Names that are one name under NFKC (Django's normalize_username), e.g. "ａｄｍｉｎ" beside
  // "admin": both accounts are imported, but the second logs in only by its exact name.
  std::vector<std::string> name_collisions;
  int tokens_imported = 0;             // of which blacklisted: tokens_imported_revoked
  int tokens_imported_revoked = 0;
  int tokens_already_here = 0;
  int tokens_newly_revoked = 0;        // recorded earlier, blacklisted in Django since
  int tokens_expired = 0;              // skipped: no use to anyone
  int tokens_without_user = 0;         // skipped: the user was deleted or not imported
};

// Reads everything from `source`, then writes it to `store`. A read or write failure stops
// the import with that status; what was written before it stays (each write is durable, and
// a re-run carries on).
StatusOr<ImportReport> ImportFromDjango(DjangoSource& source, Store& store, int64_t now_seconds);

}  // namespace authd
