#include "store/sqlite/connection.h"

#include <fmt/format.h>

namespace authd::sqlite {

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::Bind(int index, std::optional<int64_t> value) {
  if (value) return Bind(index, *value);
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& Statement::BindText(int index, const std::optional<std::string>& value) {
  if (value) return Bind(index, std::string_view(*value));
  sqlite3_bind_null(stmt_, index);
  return *this;
}

int Statement::Step() { return sqlite3_step(stmt_); }

std::string Statement::Text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                       int busy_timeout_ms) {
  // Memory statistics take a process-wide mutex on every SQLite allocation, which the I/O
  // threads' reads then contend for. Only possible before SQLite initialises; later, a no-op.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Unavailable(fmt::format("cannot open SQLite database '{}': {}", path, msg));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_busy_timeout(db, busy_timeout_ms);
  // Extended codes tell a UNIQUE violation (AlreadyExists) from other constraint failures.
  sqlite3_extended_result_codes(db, 1);
  // synchronous=FULL: a commit is on disk before we answer 200/201, even across power loss.
  Status s = conn->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!s.ok()) {
    return Unavailable(fmt::format("cannot configure SQLite database '{}': {}", path, s.message()));
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

StatusOr<sqlite3_stmt*> Connection::Prepare(const char* sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare");
  cache_.emplace(sql, stmt);
  return stmt;
}

StatusOr<Connection::OwnedStatement> Connection::PrepareOnce(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare");
  return OwnedStatement(stmt);
}

Status Connection::Exec(std::string_view sql) {
  std::string z(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, z.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Unavailable("database is busy: " + msg);
    return Internal("sqlite: " + msg);
  }
  return Status::Ok();
}

Status Connection::Error(int rc, std::string_view what) const {
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Unavailable(fmt::format("database is busy ({})", what));
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return AlreadyExists(fmt::format("{}: {}", what, sqlite3_errmsg(db_)));
  }
  return Internal(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db_)));
}

StatusOr<Transaction> Transaction::Begin(Connection& conn) {
  AUTHD_RETURN_IF_ERROR(conn.Exec("BEGIN IMMEDIATE"));
  return Transaction(&conn);
}

Status Connection::ExecCached(const char* sql) {
  auto stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  int rc = q.Step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return Error(rc, sql);
  return Status::Ok();
}

Transaction::~Transaction() {
  if (conn_ != nullptr) (void)conn_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  Status s = conn->Exec("COMMIT");
  if (!s.ok()) (void)conn->Exec("ROLLBACK");
  return s;
}

}  // namespace authd::sqlite
