#include "store/sqlite/connection_pool.h"

namespace authd::sqlite {

StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& path, int size,
                                                               int busy_timeout_ms) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  pool->path_ = path;
  pool->busy_timeout_ms_ = busy_timeout_ms;
  // Every connection to an in-memory database is a database of its own.
  pool->per_thread_enabled_ = !IsInMemory(path);
  for (int i = 0; i < std::max(size, 1); ++i) {
    auto conn = Connection::Open(path, busy_timeout_ms);
    if (!conn.ok()) return conn.status();
    pool->idle_.push_back(std::move(conn).value());
  }
  return pool;
}

ConnectionPool::Lease ConnectionPool::Acquire() {
  if (!per_thread_enabled_) return AcquireShared();
  OwnConnection& mine = own_.Get([this] {
    auto own = std::make_unique<OwnConnection>();
    auto conn = Connection::Open(path_, busy_timeout_ms_);
    if (conn.ok()) own->conn = std::move(conn).value();
    return own;
  });
  if (mine.conn == nullptr || mine.busy) return AcquireShared();
  mine.busy = true;
  return Lease(mine.conn.get(), &mine.busy);
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
