#include "store/postgres/pg_pool.h"

#include "store/memory_only.h"

namespace authd::pg {

StatusOr<Pool::Lease> Pool::Acquire() {
  if (MemoryOnly::Refuse()) return WouldBlock("postgresql: asked to answer from memory");
  {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, acquire_timeout_, [&] { return !idle_.empty() || free_slots_ > 0; })) {
      return Unavailable("postgresql: every connection is busy");
    }
    while (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (c->Alive()) return Lease(this, std::move(c));
      ++free_slots_;  // lost while idle: dropped, and made again below
    }
    --free_slots_;  // this thread makes a new connection, outside the lock
  }
  auto made = Connection::Open(conninfo_);
  if (!made.ok()) {
    std::lock_guard lock(mu_);
    ++free_slots_;
    cv_.notify_one();
    return made.status();
  }
  return Lease(this, std::move(made).value());
}

void Pool::Release(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mu_);
  if (c == nullptr || c->broken()) {
    ++free_slots_;  // dropped; the next Acquire makes a fresh one
  } else {
    idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

}  // namespace authd::pg
