// Users and refresh-token records kept in memory, so /user_detail/, verify and refresh open no
// database read (on SQLite a read takes file locks and a process-wide VFS mutex; on PostgreSQL
// a network round trip).
//
// No lock on the request path: each thread keeps its own map, so threads never wait on each
// other; invalidation is by generation numbers instead of reaching into other threads' maps.
// An entry remembers the global epoch and its user's slot generation as they were *before* it
// was read from the database; it is served only while both are unchanged. A writer bumps its
// user's slot after its change committed (AllChanged bumps the epoch), so an entry read before
// the commit can never be served after it, on any thread:
//   reader: load generations -> read row -> store entry (row, generations)
//   writer: commit -> bump generation
// If the reader's load came after the bump, its read came after the commit too.
// Thread-safety: every method may be called from any thread at once.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/per_thread.h"
#include "store/change_feed.h"
#include "store/token_store.h"
#include "users/user.h"

namespace authd {

struct RowCacheStats {
  int64_t hits = 0;
  int64_t misses = 0;
};

class RowCache final : public ChangeSink {
 public:
  // Each thread holds at most `max_entries` users and as many token records (about 2 MB each
  // when full); a full map is emptied and refilled (simple, and a working set that large gains
  // little from an LRU).
  explicit RowCache(size_t max_entries = 4096);
  ~RowCache() override;

  // What to remember at the start of a read whose result may be stored.
  struct Ticket {
    uint64_t epoch = 0;
    uint64_t generation = 0;
    bool usable = false;  // false: the cache is off (not watching); do not store
  };
  Ticket Begin(int64_t user_id) const;

  std::optional<User> FindUser(int64_t id);
  void PutUser(const Ticket& ticket, const User& user);
  std::optional<RefreshTokenRecord> FindToken(std::string_view jti);
  void PutToken(const Ticket& ticket, const RefreshTokenRecord& record);
  // Whose record `jti` is, if this thread holds it (current or not): a record never changes
  // owner.
  std::optional<int64_t> OwnerOf(std::string_view jti);
  // Drops this thread's copy of `jti`'s record: one rotated away is never read again, and
  // under rotation every refresh would otherwise leave one behind.
  void ForgetToken(std::string_view jti);

  // ChangeSink: writes of this process call UserChanged/AllChanged after they commit; a feed
  // reports those of others.
  void UserChanged(int64_t user_id) override;
  void AllChanged() override;
  void Watching(bool watching) override;

  // Summed over threads; for tests and metrics.
  RowCacheStats Stats();
  bool watching() const { return watching_.load(std::memory_order_acquire); }

 private:
  struct Shard;
  Shard& Mine();
  bool Current(uint64_t epoch, uint64_t generation, int64_t user_id) const;
  std::atomic<uint64_t>& SlotOf(int64_t user_id) const {
    return slots_[static_cast<uint64_t>(user_id) % kSlots];
  }

  static constexpr size_t kSlots = 4096;
  const size_t max_entries_;
  std::atomic<bool> watching_{false};
  std::atomic<uint64_t> epoch_{1};
  mutable std::array<std::atomic<uint64_t>, kSlots> slots_{};
  PerThread<Shard> shards_;
};

}  // namespace authd
