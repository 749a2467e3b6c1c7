// OpenStore: picks the backend from the database URL.
#include <fmt/format.h>
#include <sys/stat.h>

#include "store/cache/cached_store.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "util/database_url.h"

namespace authd {

StatusOr<std::unique_ptr<Store>> OpenStore(const std::string& url, const StoreOptions& options) {
  auto kind = ClassifyDatabaseUrl(url);
  if (!kind.ok()) return kind.status();
  if (*kind == DatabaseKind::kSqlite) {
    // sqlite://authd.db is relative to the working directory; sqlite:///abs/path.db is absolute.
    auto store = sqlite::SqliteStore::Open(url.substr(kSqliteScheme.size()), options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(store).value());
  }
  return std::unique_ptr<Store>(pg::PgStore::Open(url, options));
}

StatusOr<std::unique_ptr<Store>> OpenCachedStore(const std::string& url,
                                                 const StoreOptions& options) {
  auto store = OpenStore(url, options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::make_unique<CachedStore>(std::move(store).value()));
}

std::string DatabaseFileWarning(const std::string& url) {
  if (!url.starts_with(kSqliteScheme)) return {};
  const std::string path = url.substr(kSqliteScheme.size());
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) == 0) return {};
  return fmt::format(
      "the database file '{}' is readable by other users (mode {:04o}); it holds the signing "
      "key and every password hash: chmod 600 it (and its -wal and -shm files)",
      path, st.st_mode & 07777);
}

}  // namespace authd
