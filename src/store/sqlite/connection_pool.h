// A fixed set of SQLite connections to one file, lent out one thread at a time.
// SQLite in WAL mode lets readers proceed beside one writer, so a few connections let
// request threads read without queueing behind each other.
// Thread-safety: Acquire may be called from any thread at once.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/connection.h"

namespace authd::sqlite {

class ConnectionPool {
 public:
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> c) : pool_(pool), conn_(std::move(c)) {}
    ~Lease() { if (conn_) pool_->Release(std::move(conn_)); }
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  static StatusOr<std::unique_ptr<ConnectionPool>> Open(const std::string& path, int size,
                                                        int busy_timeout_ms);

  // Waits until a connection is free.
  Lease Acquire();

 private:
  ConnectionPool() = default;
  void Release(std::unique_ptr<Connection> c);

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
};

// Runs one statement that changes rows (`sql` static, as for Connection::Prepare) on a pooled
// connection, with its parameters bound by `bind(Statement&)`; the number of rows changed.
template <typename BindFn>
StatusOr<int> Change(ConnectionPool& pool, const char* sql, const char* what, BindFn bind) {
  auto conn = pool.Acquire();
  auto stmt = conn->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  bind(q);
  int rc = q.Step();
  if (rc != SQLITE_DONE) return conn->Error(rc, what);
  return conn->Changes();
}

}  // namespace authd::sqlite
