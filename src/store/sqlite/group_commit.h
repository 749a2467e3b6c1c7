// Group commit: writes from many threads share one transaction, and so one disk flush.
//
// With synchronous=FULL every SQLite commit waits for fsync, and SQLite has a single writer,
// so one write per transaction caps writes at the disk's flush rate (about 3,000 a second on
// the machine in docs/performance.md). As in LevelDB's DBImpl::Write, callers queue; the first
// in line becomes the leader, runs every job waiting behind it in one transaction, commits, and
// wakes the others. Each job runs inside its own savepoint, so a failing job is undone alone
// and the rest still commit. Run returns only once its job is on disk, or has failed.
// Thread-safety: Run may be called from any thread at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "store/sqlite/connection_pool.h"
#include "util/status.h"

namespace authd::sqlite {

class GroupCommit {
 public:
  // A job's statements, run on the leader's connection inside the shared transaction. A job
  // may run on another thread than its caller's, while the caller waits.
  using Job = std::function<Status(Connection&)>;

  explicit GroupCommit(ConnectionPool& pool, size_t max_batch = 128)
      : pool_(pool), max_batch_(max_batch) {}

  Status Run(const Job& job);

 private:
  struct Waiter {
    const Job* job;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  // Runs `batch` in one transaction and sets each waiter's status. Called without mu_.
  void Commit(const std::vector<Waiter*>& batch);

  ConnectionPool& pool_;
  const size_t max_batch_;
  std::mutex mu_;
  std::deque<Waiter*> queue_;  // GUARDED_BY(mu_); the front one is the leader
};

}  // namespace authd::sqlite
