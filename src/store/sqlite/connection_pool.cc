#include "store/sqlite/connection_pool.h"

#include <atomic>

namespace authd::sqlite {
namespace {

std::atomic<uint64_t> g_next_pool_id{1};

// One thread's own connection to one pool.
struct OwnConnection {
  uint64_t pool_id;
  Connection* conn;  // owned by the pool; nullptr when it could not be opened
  bool busy;
};

}  // namespace

ConnectionPool::ConnectionPool() : id_(g_next_pool_id.fetch_add(1)) {}

StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& path, int size,
                                                               int busy_timeout_ms) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  pool->path_ = path;
  pool->busy_timeout_ms_ = busy_timeout_ms;
  // Every connection to an in-memory database is a database of its own.
  pool->per_thread_enabled_ = path != ":memory:" && path.find("mode=memory") == std::string::npos;
  for (int i = 0; i < std::max(size, 1); ++i) {
    auto conn = Connection::Open(path, busy_timeout_ms);
    if (!conn.ok()) return conn.status();
    pool->idle_.push_back(std::move(conn).value());
  }
  return pool;
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  // A thread meets few pools (one per store it uses), so a short list is searched. Pool ids are
  // never reused, so an entry of a closed pool is never matched again.
  // Entries stay where they are (a lease points at its entry's busy flag).
  thread_local std::vector<std::unique_ptr<OwnConnection>> own;
  if (!per_thread_enabled_) return AcquireShared();
  OwnConnection* mine = nullptr;
  for (const auto& o : own) {
    if (o->pool_id == id_) mine = o.get();
  }
  if (mine == nullptr) {
    auto conn = Connection::Open(path_, busy_timeout_ms_);
    Connection* raw = nullptr;
    if (conn.ok()) {
      std::lock_guard lock(mu_);
      per_thread_.push_back(std::move(conn).value());
      raw = per_thread_.back().get();
    }
    own.push_back(std::make_unique<OwnConnection>(OwnConnection{id_, raw, false}));
    mine = own.back().get();
  }
  if (mine->conn == nullptr || mine->busy) return AcquireShared();
  mine->busy = true;
  return Lease(mine->conn, &mine->busy);
}

ConnectionPool::Lease ConnectionPool::AcquireShared() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !idle_.empty(); });
  auto conn = std::move(idle_.back());
  idle_.pop_back();
  return Lease(this, std::move(conn));
}

void ConnectionPool::Release(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

}  // namespace authd::sqlite
