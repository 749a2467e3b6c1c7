#include "util/database_url.h"

namespace authd {

StatusOr<DatabaseKind> ClassifyDatabaseUrl(std::string_view url) {
  if (url.starts_with(kSqliteScheme)) {
    if (url.size() == kSqliteScheme.size()) {
      return InvalidArgument("AUTHD_DATABASE_URL: the SQLite URL has no path");
    }
    return DatabaseKind::kSqlite;
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://") ||
      url.find('=') != std::string_view::npos) {
    return DatabaseKind::kPostgres;
  }
  return InvalidArgument(
      "AUTHD_DATABASE_URL: unsupported database URL (expected sqlite://PATH, "
      "postgresql://USER:PASSWORD@HOST:PORT/DB or a libpq connection string)");
}

}  // namespace authd
