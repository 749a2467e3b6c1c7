// A bounded pool of threads for work that must not run on an I/O thread: password hashing
// and verification, and store writes that wait for a disk flush. Run() hops to a pool thread, runs the function there, and resumes the
// awaiting coroutine on its own executor. When more than `max_queued` jobs are waiting, Run()
// refuses at once (nullopt) so the caller can answer 503 instead of queueing without bound.
// Thread-safety: Run may be called from any thread.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <optional>
#include <type_traits>

namespace authd {

class BlockingPool {
 public:
  enum class Priority { kNormal, kLow };

  BlockingPool(int threads, int max_queued, Priority priority = Priority::kNormal)
      : pool_(static_cast<size_t>(threads)),
        threads_(threads),
        max_queued_(max_queued),
        priority_(priority) {}
  ~BlockingPool() { Shutdown(); }

  // Finishes queued work and joins the threads.
  void Shutdown() { pool_.join(); }

  template <typename F, typename R = std::invoke_result_t<F&>>
  boost::asio::awaitable<std::optional<R>> Run(F fn) {
    const int waiting = pending_.fetch_add(1) - busy_.load();
    if (waiting >= max_queued_) {
      pending_.fetch_sub(1);
      co_return std::nullopt;
    }
    std::optional<R> result = co_await boost::asio::async_initiate<
        decltype(boost::asio::use_awaitable), void(std::optional<R>)>(
        [this, &fn](auto handler) {
          auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
          boost::asio::post(pool_, [this, &fn, handler = std::move(handler),
                                    work = std::move(work)]() mutable {
            if (priority_ == Priority::kLow) LowerThisThreadsPriority();
            busy_.fetch_add(1);
            std::optional<R> r(fn());
            busy_.fetch_sub(1);
            auto ex = work.get_executor();
            boost::asio::dispatch(ex, [handler = std::move(handler), r = std::move(r)]() mutable {
              std::move(handler)(std::move(r));
            });
          });
        },
        boost::asio::use_awaitable);
    pending_.fetch_sub(1);
    co_return result;
  }

  // Hashing threads (Priority::kLow) run at nice +10, below the I/O threads: when logins
  // saturate every core, requests that need no hashing still get the CPU first, and
  // when the I/O threads are idle the hashing still takes all of it. Linux applies nice per
  // thread, so this is done once on each pool thread, on its first job.
  static void LowerThisThreadsPriority() {
    thread_local bool lowered = false;
    if (lowered) return;
    lowered = true;
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    (void)::setpriority(PRIO_PROCESS, tid, 10);
  }

  // For running whole coroutines on the pool's threads (co_spawn), beside Run()'s jobs.
  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

  int threads() const { return threads_; }
  int pending() const { return pending_.load(); }  // queued plus running
  int busy() const { return busy_.load(); }

 private:
  boost::asio::thread_pool pool_;
  int threads_;
  int max_queued_;
  Priority priority_;
  std::atomic<int> pending_{0};
  std::atomic<int> busy_{0};
};

}  // namespace authd
