// One libpq connection with its prepared statements, query parameters and results as small
// value types, and SQLSTATEs mapped to Status (unique violation -> AlreadyExists; connection
// loss, shutdown, serialization failure -> Unavailable, so callers answer 503 and retry).
// Thread-safety: a PgConnection is used by one thread at a time (the pool hands it out).
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/status.h"

namespace authd::pg {

// Query parameters in libpq's text format; nullopt is SQL NULL.
class Params {
 public:
  Params& Add(int64_t v) { values_.emplace_back(std::to_string(v)); return *this; }
  Params& Add(std::string_view v) { values_.emplace_back(std::string(v)); return *this; }
  Params& Add(const std::string& v) { values_.emplace_back(v); return *this; }
  Params& Add(const char* v) { return Add(std::string_view(v)); }
  Params& Add(bool v) { values_.emplace_back(v ? "true" : "false"); return *this; }
  Params& Add(std::optional<int64_t> v) {
    if (v) return Add(*v);
    values_.emplace_back(std::nullopt);
    return *this;
  }
  Params& Add(const std::optional<std::string>& v) {
    values_.push_back(v);
    return *this;
  }
  Params& Add(std::optional<bool> v) {
    if (v) return Add(*v);
    values_.emplace_back(std::nullopt);
    return *this;
  }

  int size() const { return static_cast<int>(values_.size()); }
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// A query's result rows, read as text.
class Result {
 public:
  explicit Result(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool IsNull(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string Text(int row, int col) const {
    return std::string(PQgetvalue(r_.get(), row, col),
                       static_cast<size_t>(PQgetlength(r_.get(), row, col)));
  }
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const { return PQgetvalue(r_.get(), row, col)[0] == 't'; }
  std::optional<int64_t> OptionalInt(int row, int col) const {
    if (IsNull(row, col)) return std::nullopt;
    return Int(row, col);
  }
  // Rows changed by an INSERT, UPDATE or DELETE.
  int Affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

class Connection {
 public:
  // `conninfo` is a libpq URI (postgresql://...) or key=value string. Unavailable when the
  // server cannot be reached within the connect timeout.
  static StatusOr<std::unique_ptr<Connection>> Open(const std::string& conninfo);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` (static: its address keys the statement, prepared on first use per connection).
  StatusOr<Result> Run(const char* sql, const Params& params, std::string_view what);
  // Runs SQL built at run time, unprepared.
  StatusOr<Result> RunOnce(const std::string& sql, const Params& params, std::string_view what);
  // One or more statements without parameters (migrations, BEGIN, COMMIT).
  Status Exec(std::string_view sql, std::string_view what);

  // Whether the connection was lost; the pool replaces a broken connection.
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }

  // Reads whatever the server sent while the connection sat idle, without sending anything.
  // A server that restarted meanwhile has closed the socket (after a FATAL notice), and this
  // finds out, so the pool hands out a fresh connection instead of failing the next query.
  bool Alive();

  // The libpq handle, for what the wrappers above do not cover (LISTEN's asynchronous
  // notifications, in pg_change_feed.cc).
  PGconn* native() { return conn_; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  StatusOr<Result> Check(PGresult* r, std::string_view what);
  PGconn* conn_;
  std::unordered_map<const char*, std::string> prepared_;  // sql -> statement name
};

// BEGIN ... COMMIT, rolled back when dropped uncommitted.
class Transaction {
 public:
  static StatusOr<Transaction> Begin(Connection& conn);
  Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace authd::pg
