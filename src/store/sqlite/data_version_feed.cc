#include "store/sqlite/data_version_feed.h"

#include <spdlog/spdlog.h>

#include <optional>

#include "store/sqlite/connection.h"

namespace authd::sqlite {
namespace {

class DataVersionFeed final : public ChangeFeed {
 public:
  DataVersionFeed(std::string path, int busy_timeout_ms)
      : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms) {}

  // Checks once and returns: reading the pragma costs microseconds, the caller paces the polls.
  void Poll(std::chrono::milliseconds /*wait*/, ChangeSink& sink) override {
    if (memory_) return;
    if (!conn_) {
      // Each connection to an in-memory database is a database of its own: nothing else can
      // change it, so there is nothing to watch.
      if (IsInMemory(path_)) {
        memory_ = true;
        sink.Watching(true);
        return;
      }
      auto conn = Connection::Open(path_, busy_timeout_ms_);
      if (!conn.ok()) return Lost(sink, conn.status().ToString());
      conn_ = std::move(conn).value();
    }
    auto version = Read();
    if (!version) return Lost(sink, "cannot read PRAGMA data_version");
    if (!last_) {
      sink.Watching(true);
    } else if (*version != *last_) {
      sink.AllChanged();
    }
    last_ = version;
  }

 private:
  std::optional<int64_t> Read() {
    auto stmt = conn_->Prepare("PRAGMA data_version");
    if (!stmt.ok()) return std::nullopt;
    Statement q(*stmt);
    if (q.Step() != SQLITE_ROW) return std::nullopt;
    return q.Int(0);
  }

  void Lost(ChangeSink& sink, const std::string& why) {
    if (last_ || !warned_) spdlog::warn("user cache off: {}", why);
    warned_ = true;
    sink.Watching(false);
    conn_.reset();
    last_.reset();
  }

  const std::string path_;
  const int busy_timeout_ms_;
  std::unique_ptr<Connection> conn_;
  std::optional<int64_t> last_;
  bool memory_ = false;
  bool warned_ = false;
};

}  // namespace

std::unique_ptr<ChangeFeed> OpenDataVersionFeed(const std::string& path, int busy_timeout_ms) {
  return std::make_unique<DataVersionFeed>(path, busy_timeout_ms);
}

}  // namespace authd::sqlite
