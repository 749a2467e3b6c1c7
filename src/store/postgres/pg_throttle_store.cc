// PgThrottleStore: the throttle table on PostgreSQL.
#include "store/postgres/pg_rows.h"
#include "store/postgres/pg_store.h"

namespace authd::pg {
namespace {

StatusOr<std::optional<ThrottleEntry>> FindOn(Connection& conn, std::string_view key) {
  auto r = conn.Run("SELECT count, last_at, until FROM throttle WHERE key = $1",
                    Params().Add(key), "find throttle entry");
  if (!r.ok()) return r.status();
  if (r->rows() == 0) return std::optional<ThrottleEntry>();
  return std::optional<ThrottleEntry>(
      ThrottleEntry{.count = r->Int(0, 0), .last_at = r->Int(0, 1), .until = r->Int(0, 2)});
}

}  // namespace

StatusOr<std::optional<ThrottleEntry>> PgThrottleStore::Find(std::string_view key) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  return FindOn(**conn, key);
}

StatusOr<ThrottleEntry> PgThrottleStore::Update(std::string_view key, const UpdateFn& update) {
  auto conn = pool_.Acquire();
  if (!conn.ok()) return conn.status();
  auto tx = Transaction::Begin(**conn);
  if (!tx.ok()) return tx.status();
  // A row lock cannot cover a row that does not exist yet, so the key itself is locked, for
  // this transaction, on every instance. Two keys sharing a hash only wait for each other.
  auto locked = (*conn)->Run("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                             Params().Add(key), "lock throttle key");
  if (!locked.ok()) return locked.status();
  auto current = FindOn(**conn, key);
  if (!current.ok()) return current.status();
  const ThrottleEntry next = update(*current);
  auto r = (*conn)->Run(
      "INSERT INTO throttle(key, count, last_at, until) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at, "
      "until = excluded.until",
      Params().Add(key).Add(next.count).Add(next.last_at).Add(next.until), "update throttle entry");
  if (!r.ok()) return r.status();
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return next;
}

Status PgThrottleStore::Delete(std::string_view key) {
  return Change(pool_, "DELETE FROM throttle WHERE key = $1", Params().Add(key),
                "delete throttle entry")
      .status();
}

StatusOr<int> PgThrottleStore::DeleteIdle(int64_t before) {
  return Change(pool_, "DELETE FROM throttle WHERE last_at < $1 AND until < $1",
                Params().Add(before), "delete idle throttle entries");
}

}  // namespace authd::pg
