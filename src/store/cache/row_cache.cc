#include "store/cache/row_cache.h"

#include <unordered_map>
#include <utility>

#include "store/memory_only.h"
#include "util/strings.h"

namespace authd {
namespace {

template <typename T>
struct Entry {
  T value;
  uint64_t epoch;
  uint64_t generation;
};

}  // namespace

// One thread's entries. Only its thread touches the maps; the counters are read by Stats.
struct RowCache::Shard {
  std::unordered_map<int64_t, Entry<User>> users;
  std::unordered_map<std::string, Entry<RefreshTokenRecord>, TransparentStringHash, std::equal_to<>>
      tokens;
  std::atomic<int64_t> hits{0};
  std::atomic<int64_t> misses{0};

  // Single writer: a plain load and store, no locked instruction on the request path.
  static void Count(std::atomic<int64_t>& c) {
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
};

RowCache::RowCache(size_t max_entries) : max_entries_(max_entries) {}

RowCache::~RowCache() = default;

RowCache::Shard& RowCache::Mine() { return shards_.Get(); }

RowCache::Ticket RowCache::Begin(int64_t user_id) const {
  Ticket t;
  t.usable = watching_.load(std::memory_order_acquire);
  t.epoch = epoch_.load(std::memory_order_acquire);
  t.generation = SlotOf(user_id).load(std::memory_order_acquire);
  return t;
}

bool RowCache::Current(uint64_t epoch, uint64_t generation, int64_t user_id) const {
  return watching_.load(std::memory_order_acquire) &&
         epoch == epoch_.load(std::memory_order_acquire) &&
         generation == SlotOf(user_id).load(std::memory_order_acquire);
}

std::optional<User> RowCache::FindUser(int64_t id) {
  Shard& s = Mine();
  auto it = s.users.find(id);
  if (it != s.users.end() && Current(it->second.epoch, it->second.generation, id)) {
    Shard::Count(s.hits);
    return it->second.value;
  }
  Shard::Count(s.misses);
  return std::nullopt;
}

void RowCache::PutUser(const Ticket& t, const User& user) {
  if (!t.usable) return;
  CacheFills::Record([this, t, user] { PutUser(t, user); });
  Shard& s = Mine();
  if (s.users.size() >= max_entries_) s.users.clear();
  s.users.insert_or_assign(user.id, Entry<User>{user, t.epoch, t.generation});
}

std::optional<RefreshTokenRecord> RowCache::FindToken(std::string_view jti) {
  Shard& s = Mine();
  auto it = s.tokens.find(jti);
  if (it != s.tokens.end() &&
      Current(it->second.epoch, it->second.generation, it->second.value.user_id)) {
    Shard::Count(s.hits);
    return it->second.value;
  }
  Shard::Count(s.misses);
  return std::nullopt;
}

void RowCache::PutToken(const Ticket& t, const RefreshTokenRecord& record) {
  if (!t.usable) return;
  CacheFills::Record([this, t, record] { PutToken(t, record); });
  Shard& s = Mine();
  if (s.tokens.size() >= max_entries_) s.tokens.clear();
  s.tokens.insert_or_assign(record.jti, Entry<RefreshTokenRecord>{record, t.epoch, t.generation});
}

std::optional<int64_t> RowCache::OwnerOf(std::string_view jti) {
  Shard& s = Mine();
  auto it = s.tokens.find(jti);
  if (it == s.tokens.end()) return std::nullopt;
  return it->second.value.user_id;
}

void RowCache::ForgetToken(std::string_view jti) {
  Shard& s = Mine();
  if (auto it = s.tokens.find(jti); it != s.tokens.end()) s.tokens.erase(it);
}

void RowCache::UserChanged(int64_t user_id) {
  SlotOf(user_id).fetch_add(1, std::memory_order_acq_rel);
}

void RowCache::AllChanged() { epoch_.fetch_add(1, std::memory_order_acq_rel); }

void RowCache::Watching(bool watching) {
  // Either way, what was read before is suspect: while not watching, changes went unseen.
  epoch_.fetch_add(1, std::memory_order_acq_rel);
  watching_.store(watching, std::memory_order_release);
}

RowCacheStats RowCache::Stats() {
  RowCacheStats total;
  shards_.ForEach([&](const Shard& s) {
    total.hits += s.hits.load(std::memory_order_relaxed);
    total.misses += s.misses.load(std::memory_order_relaxed);
  });
  return total;
}

}  // namespace authd
