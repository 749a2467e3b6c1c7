#include "store/sqlite/connection_pool.h"

namespace authd::sqlite {

StatusOr<std::unique_ptr<ConnectionPool>> ConnectionPool::Open(const std::string& path, int size,
                                                               int busy_timeout_ms) {
  std::unique_ptr<ConnectionPool> pool(new ConnectionPool());
  for (int i = 0; i < std::max(size, 1); ++i) {
    auto conn = Connection::Open(path, busy_timeout_ms);
    if (!conn.ok()) return conn.status();
    pool->idle_.push_back(std::move(conn).value());
  }
  return pool;
}

ConnectionPool::Lease ConnectionPool::Acquire() {
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
