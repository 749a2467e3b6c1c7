#include "store/sqlite/group_commit.h"

#include <algorithm>
#include <vector>

namespace authd::sqlite {

Status GroupCommit::Run(const Job& job) {
  Waiter self{.job = &job};
  std::unique_lock lock(mu_);
  queue_.push_back(&self);
  self.cv.wait(lock, [&] { return self.done || queue_.front() == &self; });
  if (self.done) return self.status;  // a leader committed this job with its own

  // Leader: take what is waiting now; whoever arrives during the commit forms the next batch.
  const size_t n = std::min(queue_.size(), max_batch_);
  std::vector<Waiter*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
  lock.unlock();
  Commit(batch);
  lock.lock();
  for (size_t i = 0; i < n; ++i) {
    Waiter* w = queue_.front();
    queue_.pop_front();
    if (w != &self) {
      w->done = true;
      w->cv.notify_one();  // under mu_: the waiter cannot return (and drop its cv) before we do
    }
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();  // the next leader
  return self.status;
}

void GroupCommit::Commit(const std::vector<Waiter*>& batch) {
  auto fail_all = [&](const Status& s) {
    for (Waiter* w : batch) w->status = s;
  };
  auto conn = pool_.Acquire();
  auto tx = Transaction::Begin(*conn);
  if (!tx.ok()) return fail_all(tx.status());
  for (Waiter* w : batch) {
    if (Status s = conn->ExecCached("SAVEPOINT job"); !s.ok()) return fail_all(s);
    w->status = (*w->job)(*conn);
    if (!w->status.ok()) {
      // Undo this job's changes only; the transaction stays open for the others.
      if (Status s = conn->ExecCached("ROLLBACK TO job"); !s.ok()) return fail_all(s);
    }
    if (Status s = conn->ExecCached("RELEASE job"); !s.ok()) return fail_all(s);
  }
  if (Status s = tx->Commit(); !s.ok()) {
    for (Waiter* w : batch) {
      if (w->status.ok()) w->status = s;
    }
  }
}

}  // namespace authd::sqlite
