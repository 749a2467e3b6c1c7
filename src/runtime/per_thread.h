// One T per thread for each owner object, reached without a lock: the request path's way to
// keep state (a database connection, cached rows, verified tokens) that no other thread
// touches, so threads never wait on each other for it.
//
// Each thread finds its T in a short thread_local list of (owner id, T*) (a thread meets few
// owners). Owner ids are never reused, so the entry of an owner that is gone is never matched
// again. The owner keeps every T, so they end with it, and may visit them all under its lock
// (ForEach) for what is summed across threads.
// Thread-safety: Get and ForEach may be called from any thread at once; a T returned by Get
// belongs to the calling thread (ForEach must only read what its threads write atomically).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace authd {

inline uint64_t NextPerThreadOwnerId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

template <typename T>
class PerThread {
 public:
  PerThread() : id_(NextPerThreadOwnerId()) {}
  PerThread(const PerThread&) = delete;
  PerThread& operator=(const PerThread&) = delete;

  // The calling thread's T, made by `make()` (a std::unique_ptr<T>) on its first call.
  template <typename MakeFn>
  T& Get(MakeFn make) {
    thread_local std::vector<std::pair<uint64_t, T*>> mine;
    for (const auto& [id, t] : mine) {
      if (id == id_) return *t;
    }
    T* t = nullptr;
    {
      std::unique_ptr<T> made = make();
      std::lock_guard lock(mu_);
      all_.push_back(std::move(made));
      t = all_.back().get();
    }
    mine.emplace_back(id_, t);
    return *t;
  }
  T& Get() {
    return Get([] { return std::make_unique<T>(); });
  }

  template <typename Fn>
  void ForEach(Fn fn) {
    std::lock_guard lock(mu_);
    for (const auto& t : all_) fn(*t);
  }

 private:
  const uint64_t id_;
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> all_;  // GUARDED_BY(mu_)
};

}  // namespace authd
