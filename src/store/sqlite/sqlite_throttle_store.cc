#include "store/sqlite/sqlite_throttle_store.h"

namespace authd::sqlite {
namespace {

StatusOr<std::optional<ThrottleEntry>> FindOn(Connection& conn, std::string_view key) {
  auto stmt = conn.Prepare("SELECT count, last_at, until FROM throttle WHERE key = ?");
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  q.Bind(1, key);
  int rc = q.Step();
  if (rc == SQLITE_DONE) return std::optional<ThrottleEntry>();
  if (rc != SQLITE_ROW) return conn.Error(rc, "find throttle entry");
  return std::optional<ThrottleEntry>(
      ThrottleEntry{.count = q.Int(0), .last_at = q.Int(1), .until = q.Int(2)});
}

}  // namespace

StatusOr<std::optional<ThrottleEntry>> SqliteThrottleStore::Find(std::string_view key) {
  auto conn = pool_.Acquire();
  return FindOn(*conn, key);
}

StatusOr<ThrottleEntry> SqliteThrottleStore::Update(std::string_view key, const UpdateFn& update) {
  auto conn = pool_.Acquire();
  // IMMEDIATE: the write lock is held from the read, so no other writer (thread or process)
  // can slip an update in between and have its count overwritten.
  auto tx = Transaction::Begin(*conn);
  if (!tx.ok()) return tx.status();
  auto current = FindOn(*conn, key);
  if (!current.ok()) return current.status();
  const ThrottleEntry next = update(*current);
  auto stmt = conn->Prepare(
      "INSERT INTO throttle(key, count, last_at, until) VALUES (?, ?, ?, ?)"
      " ON CONFLICT(key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at,"
      " until = excluded.until");
  if (!stmt.ok()) return stmt.status();
  {
    Statement q(*stmt);
    q.Bind(1, key).Bind(2, next.count).Bind(3, next.last_at).Bind(4, next.until);
    int rc = q.Step();
    if (rc != SQLITE_DONE) return conn->Error(rc, "update throttle entry");
  }
  AUTHD_RETURN_IF_ERROR(tx->Commit());
  return next;
}

Status SqliteThrottleStore::Delete(std::string_view key) {
  auto n = Change(pool_, "DELETE FROM throttle WHERE key = ?", "delete throttle entry",
                  [&](Statement& q) { q.Bind(1, key); });
  return n.ok() ? Status::Ok() : n.status();
}

StatusOr<int> SqliteThrottleStore::DeleteIdle(int64_t before) {
  return Change(pool_, "DELETE FROM throttle WHERE last_at < ? AND until < ?",
                "delete idle throttle entries",
                [&](Statement& q) { q.Bind(1, before).Bind(2, before); });
}

}  // namespace authd::sqlite
