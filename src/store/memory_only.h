// "Answer from memory, or say you cannot": on a database server (PostgreSQL) a handler runs on
// the store pool, since any call may wait on the network; that hop costs more than the whole
// request when the answer is in the user cache. So read-only handlers are first tried on the
// I/O thread inside a MemoryOnly scope: every call that would reach the database (pg::Pool::
// Acquire, the one door to it) returns WouldBlock at once and marks the scope, and the caller
// then runs the handler again on the store pool (api/offload.cc).
// The scope is the calling thread's; it must not span a suspension (a co_await that yields),
// or other coroutines on the thread would run inside it.
//
// For the I/O thread to have something in memory, what the store pool's thread read must reach
// it (each thread has its own part of the cache): a CacheFills scope on the pool thread records
// each entry the cache stores there, and the I/O thread replays them into its own part.
#pragma once

#include <functional>
#include <vector>

namespace authd {

class MemoryOnly {
 public:
  MemoryOnly();
  ~MemoryOnly();
  MemoryOnly(const MemoryOnly&) = delete;
  MemoryOnly& operator=(const MemoryOnly&) = delete;

  // Whether something in the scope needed the database.
  bool missed() const;

  // For the door to the database: true (and the scope marked) when the calling thread is in
  // a scope and must not go through.
  static bool Refuse();
};

class CacheFills {
 public:
  CacheFills();
  ~CacheFills();
  CacheFills(const CacheFills&) = delete;
  CacheFills& operator=(const CacheFills&) = delete;

  // What was recorded so far; replaying it stores the same entries in the calling thread's
  // part of the cache.
  std::vector<std::function<void()>> Take();

  // For the cache: notes `fill` when the calling thread is in a scope.
  static void Record(const std::function<void()>& fill);
};

}  // namespace authd
