// OpenStore: picks the backend from the database URL.
#include <fmt/format.h>

#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace authd {

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  constexpr std::string_view kSqlite = "sqlite://";
  if (url.starts_with(kSqlite)) {
    // sqlite://authd.db is relative to the working directory; sqlite:///abs/path.db is absolute.
    std::string path = url.substr(kSqlite.size());
    if (path.empty()) return InvalidArgument("AUTHD_DATABASE_URL: the SQLite URL has no path");
    auto store = sqlite::SqliteStore::Open(path, options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  // libpq's URIs, and its key=value connection strings ("host=db dbname=authd").
  if (url.starts_with("postgresql://") || url.starts_with("postgres://") ||
      url.find('=') != std::string::npos) {
    return std::unique_ptr<Store>(pg::PgStore::Open(url, options));
  }
  return InvalidArgument(fmt::format(
      "AUTHD_DATABASE_URL: unsupported database URL '{}' (expected sqlite://PATH, "
      "postgresql://USER:PASSWORD@HOST:PORT/DB or a libpq connection string)",
      url));
}

}  // namespace authd
