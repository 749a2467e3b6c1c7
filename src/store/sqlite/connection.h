// One SQLite connection with a cache of prepared statements, and a small RAII statement handle.
// Thread-safety: a Connection is used by one thread at a time (the pool hands it out).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "util/status.h"

namespace authd::sqlite {

// A cached prepared statement in use. Resets and clears bindings when it goes out of scope,
// so the cached statement is ready for the next user.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, std::optional<int64_t> value);      // NULL when unset
  Statement& BindText(int index, const std::optional<std::string>& value);  // NULL when unset

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  // The column's integer, or nullopt when it is NULL.
  std::optional<int64_t> OptionalInt(int col) const {
    if (IsNull(col)) return std::nullopt;
    return Int(col);
  }
  std::string Text(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

// Whether `path` names an in-memory database, where every connection is a database of its own.
inline bool IsInMemory(std::string_view path) {
  return path == ":memory:" || path.find("mode=memory") != std::string_view::npos;
}

class Connection {
 public:
  // Opens (creating if needed) `path` and applies authd's pragmas (WAL, synchronous=FULL,
  // busy timeout, foreign keys).
  static StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A prepared statement for `sql`, compiled once per connection. `sql` must be a string with
  // static storage: its address is the cache key.
  StatusOr<sqlite3_stmt*> Prepare(const char* sql);

  // A statement compiled for one use (SQL built at run time, such as a search with a variable
  // number of terms); finalised when the returned handle goes.
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  using OwnedStatement = std::unique_ptr<sqlite3_stmt, Finalizer>;
  StatusOr<OwnedStatement> PrepareOnce(const std::string& sql);

  // Runs one or more statements with no results (migrations, BEGIN, COMMIT).
  Status Exec(std::string_view sql);

  // Runs one statement with no results, compiled once per connection like Prepare (`sql`
  // static): for statements on a hot path, such as group commit's savepoints.
  Status ExecCached(const char* sql);

  // Maps a SQLite result code to a Status: BUSY/LOCKED -> Unavailable,
  // UNIQUE constraint -> AlreadyExists, anything else -> Internal.
  Status Error(int rc, std::string_view what) const;

  sqlite3* handle() { return db_; }
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when dropped uncommitted. IMMEDIATE takes the write
// lock at the start, so a read-then-write inside cannot be overtaken by another writer.
class Transaction {
 public:
  static StatusOr<Transaction> Begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;  // null once committed or rolled back
};

}  // namespace authd::sqlite
