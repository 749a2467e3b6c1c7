// A fixed number of PostgreSQL connections, made when first needed and made again when one is
// lost. So authd starts and keeps running while the database is down, answers 503 meanwhile
// (every wait here is bounded), and recovers by itself when the database is back.
// Thread-safety: Acquire may be called from any thread at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/pg_connection.h"

namespace authd::pg {

class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> c) : pool_(pool), conn_(std::move(c)) {}
    ~Lease() { if (pool_ != nullptr) pool_->Release(std::move(conn_)); }
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), conn_(std::move(other.conn_)) {}
    Lease& operator=(Lease&&) = delete;
    Connection* operator->() { return conn_.get(); }
    Connection& operator*() { return *conn_; }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  Pool(std::string conninfo, int size, std::chrono::milliseconds acquire_timeout)
      : conninfo_(std::move(conninfo)), free_slots_(size), acquire_timeout_(acquire_timeout) {}

  // A live connection. Unavailable when none frees up within the acquire timeout, or when a
  // new one cannot be made (the database is down).
  StatusOr<Lease> Acquire();

 private:
  void Release(std::unique_ptr<Connection> c);

  const std::string conninfo_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // GUARDED_BY(mu_)
  int free_slots_;  // GUARDED_BY(mu_): connections that may still be made
  const std::chrono::milliseconds acquire_timeout_;
};

}  // namespace authd::pg
