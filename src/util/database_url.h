// The forms AUTHD_DATABASE_URL takes, checked in one place: by the settings (so `authd config`
// refuses what `authd serve` would) and by OpenStore (which picks the backend from it).
#pragma once

#include <string_view>

#include "util/status.h"

namespace authd {

enum class DatabaseKind { kSqlite, kPostgres };

inline constexpr std::string_view kSqliteScheme = "sqlite://";

// kSqlite for "sqlite://PATH"; kPostgres for postgresql:// and postgres:// URIs and libpq's
// key=value strings. InvalidArgument otherwise, without echoing the value (a mistyped
// PostgreSQL URL may hold a password).
StatusOr<DatabaseKind> ClassifyDatabaseUrl(std::string_view url);

}  // namespace authd
