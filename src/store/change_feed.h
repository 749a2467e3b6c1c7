// What other processes changed in the database: how a cache in front of the store learns that
// a row it holds is out of date. One implementation per backend (SQLite's PRAGMA data_version,
// PostgreSQL's LISTEN/NOTIFY); the cache (store/cache/) drives it from a thread of its own.
#pragma once

#include <chrono>
#include <cstdint>

namespace authd {

// Where a feed reports. Called on the feed's thread.
class ChangeSink {
 public:
  virtual ~ChangeSink() = default;
  // The user's row, or one of their refresh-token records, changed.
  virtual void UserChanged(int64_t user_id) = 0;
  // Something changed and the feed cannot tell what: everything held is out of date.
  virtual void AllChanged() = 0;
  // Whether the feed can currently see changes. While it cannot (a lost connection), nothing
  // may be served from a cache, since a change made meanwhile would go unnoticed.
  virtual void Watching(bool watching) = 0;
};

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // Waits at most `wait` for news and reports it (and any change of watching) to `sink`.
  virtual void Poll(std::chrono::milliseconds wait, ChangeSink& sink) = 0;
};

}  // namespace authd
