// SQLite connections to one file, lent out one thread at a time. SQLite in WAL mode lets
// readers proceed beside one writer, so several connections let request threads read without
// queueing behind each other.
//
// Each thread that asks gets a connection of its own, opened on its first Acquire and kept
// for the pool's life: the request path then takes no lock (a shared list behind a mutex cost
// a futex call on most requests under load). The shared list of `size` connections serves a
// thread that asks again while it already holds its own (a nested lease).
// Thread-safety: Acquire may be called from any thread at once.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/per_thread.h"
#include "store/sqlite/connection.h"

namespace authd::sqlite {

class ConnectionPool {
 public:
  class Lease {
   public:
    // A connection from the shared list, given back when the lease ends.
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> c)
        : pool_(pool), owned_(std::move(c)), conn_(owned_.get()) {}
    // The thread's own connection; `*busy` is true while leased.
    Lease(Connection* own, bool* busy) : conn_(own), busy_(busy) {}
    ~Lease() {
      if (owned_) pool_->Release(std::move(owned_));
      if (busy_ != nullptr) *busy_ = false;
    }
    Lease(Lease&& other) noexcept
        : pool_(other.pool_),
          owned_(std::move(other.owned_)),
          conn_(other.conn_),
          busy_(std::exchange(other.busy_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    Connection* operator->() { return conn_; }
    Connection& operator*() { return *conn_; }

   private:
    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<Connection> owned_;
    Connection* conn_;
    bool* busy_ = nullptr;
  };

  static StatusOr<std::unique_ptr<ConnectionPool>> Open(const std::string& path, int size,
                                                        int busy_timeout_ms);

  // The calling thread's own connection; while that is leased (or could not be opened), one
  // from the shared list, waiting until one is free.
  Lease Acquire();

  const std::string& path() const { return path_; }
  int busy_timeout_ms() const { return busy_timeout_ms_; }

 private:
  // One thread's own connection; `conn` is null when it could not be opened.
  struct OwnConnection {
    std::unique_ptr<Connection> conn;
    bool busy = false;
  };

  ConnectionPool() = default;
  void Release(std::unique_ptr<Connection> c);
  Lease AcquireShared();

  std::string path_;
  int busy_timeout_ms_ = 0;
  bool per_thread_enabled_ = true;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  PerThread<OwnConnection> own_;  // closed with the pool
};

// Runs one statement that changes rows (`sql` static, as for Connection::Prepare) on `conn`,
// with its parameters bound by `bind(Statement&)`; the number of rows changed.
template <typename BindFn>
StatusOr<int> ChangeOn(Connection& conn, const char* sql, const char* what, BindFn bind) {
  auto stmt = conn.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Statement q(*stmt);
  bind(q);
  int rc = q.Step();
  if (rc != SQLITE_DONE) return conn.Error(rc, what);
  return conn.Changes();
}

// The same on a pooled connection.
template <typename BindFn>
StatusOr<int> Change(ConnectionPool& pool, const char* sql, const char* what, BindFn bind) {
  auto conn = pool.Acquire();
  return ChangeOn(*conn, sql, what, bind);
}

}  // namespace authd::sqlite
