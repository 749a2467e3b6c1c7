// Where `authd import-django` reads from: a Django project's database, SQLite or PostgreSQL.
// Only reads; nothing in the source is changed (SQLite is opened read-only).
// One implementation per backend, as in store/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "users/user.h"
#include "util/status.h"

namespace authd {

// A row of simplejwt's token_blacklist_outstandingtoken, with its blacklisting if any.
struct DjangoToken {
  std::string jti;
  std::optional<int64_t> user_id;  // NULL once the user was deleted
  int64_t created_at = 0;          // seconds since the epoch
  int64_t expires_at = 0;
  std::optional<int64_t> blacklisted_at;
};

class DjangoSource {
 public:
  virtual ~DjangoSource() = default;
  // Every row of auth_user, in id order, with Django's password hash as stored.
  virtual StatusOr<std::vector<User>> Users() = 0;
  // simplejwt's outstanding tokens; empty when its token_blacklist app was never installed.
  virtual StatusOr<std::vector<DjangoToken>> Tokens() = 0;
};

// `from` is a PostgreSQL URL (postgresql://, postgres://) or a SQLite file's path (an
// optional sqlite:// in front). NotFound when the file is missing; InvalidArgument when the
// database has no auth_user table.
StatusOr<std::unique_ptr<DjangoSource>> OpenDjangoSource(const std::string& from);

// Django's SQLite datetime text ("2026-11-24 07:21:00.123456", UTC under USE_TZ) in
// microseconds since the epoch; nullopt when malformed.
std::optional<int64_t> ParseDjangoDateTime(std::string_view text);

}  // namespace authd
