#include "store/postgres/pg_connection.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <utility>

namespace authd::pg {
namespace {

// SQLSTATE classes and codes that mean "the database is not there right now", not "the
// request was wrong": connection exceptions (08), insufficient resources (53), operator
// intervention such as a shutdown (57), and transaction rollbacks a retry would fix (40).
bool Transient(std::string_view state) {
  return state.starts_with("08") || state.starts_with("53") || state.starts_with("57") ||
         state == "40001" || state == "40P01";
}

}  // namespace

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& v : values_) out.push_back(v ? v->c_str() : nullptr);
  return out;
}

int64_t Result::Int(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  int64_t out = 0;
  std::from_chars(v, v + PQgetlength(r_.get(), row, col), out);
  return out;
}

int Result::Affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n[0] == '\0' ? 0 : std::atoi(n);
}

StatusOr<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo) {
  // Our defaults come first, so the same keywords in `conninfo` (expanded from "dbname")
  // override them. Keepalives and the TCP user timeout make a vanished server an error within
  // seconds instead of a connection that hangs for the kernel's default of minutes.
  // A statement that runs longer than 10 s is cancelled by the server, so no request waits on
  // the database without bound.
  const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle",
                        "keepalives_interval", "keepalives_count", "tcp_user_timeout",
                        "options", "application_name", "dbname", nullptr};
  const char* values[] = {"3",     "1",     "5",
                          "2",     "2",     "10000",
                          "-c statement_timeout=10000", "authd", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Unavailable("postgresql: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return Unavailable("postgresql: cannot connect: " + message);
  }
  // Times and texts are read and written in fixed forms; nothing depends on server settings.
  PGresult* r = PQexec(conn, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC'");
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  if (!ok) {
    std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return Unavailable("postgresql: cannot set up the session: " + message);
  }
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Alive() {
  if (broken()) return false;
  return PQconsumeInput(conn_) == 1 && !broken();
}

StatusOr<Result> Connection::Check(PGresult* raw, std::string_view what) {
  Result result(raw);
  const ExecStatusType st = raw == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(raw);
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return result;
  const char* state = raw == nullptr ? nullptr : PQresultErrorField(raw, PG_DIAG_SQLSTATE);
  std::string message = raw == nullptr ? PQerrorMessage(conn_) : PQresultErrorMessage(raw);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  if (state == nullptr || broken() || Transient(state)) {
    return Unavailable(fmt::format("postgresql {}: {}", what, message));
  }
  if (std::string_view(state) == "23505") {
    return AlreadyExists(fmt::format("{}: {}", what, message));
  }
  return Internal(fmt::format("postgresql {} ({}): {}", what, state, message));
}

StatusOr<Result> Connection::Run(const char* sql, const Params& params, std::string_view what) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size());
    auto prepared = Check(PQprepare(conn_, name.c_str(), sql, 0, nullptr), what);
    if (!prepared.ok()) return prepared.status();
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const auto values = params.Pointers();
  return Check(PQexecPrepared(conn_, it->second.c_str(), params.size(), values.data(), nullptr,
                              nullptr, 0),
               what);
}

StatusOr<Result> Connection::RunOnce(const std::string& sql, const Params& params,
                                     std::string_view what) {
  const auto values = params.Pointers();
  return Check(PQexecParams(conn_, sql.c_str(), params.size(), nullptr, values.data(), nullptr,
                            nullptr, 0),
               what);
}

Status Connection::Exec(std::string_view sql, std::string_view what) {
  const std::string text(sql);
  auto r = Check(PQexec(conn_, text.c_str()), what);
  return r.ok() ? Status::Ok() : r.status();
}

StatusOr<Transaction> Transaction::Begin(Connection& conn) {
  AUTHD_RETURN_IF_ERROR(conn.Exec("BEGIN", "begin"));
  return Transaction(&conn);
}

Transaction::~Transaction() {
  if (conn_ != nullptr && !conn_->broken()) (void)conn_->Exec("ROLLBACK", "rollback");
}

Status Transaction::Commit() {
  Connection* conn = std::exchange(conn_, nullptr);
  return conn->Exec("COMMIT", "commit");
}

}  // namespace authd::pg
