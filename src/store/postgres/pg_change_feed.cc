#include "store/postgres/pg_change_feed.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "store/postgres/pg_connection.h"

namespace authd::pg {
namespace {

using Clock = std::chrono::steady_clock;

// A heartbeat goes out after this much silence and must be answered within as long again, so
// a connection that died without closing is given up within a second.
constexpr std::chrono::milliseconds kHeartbeat{400};

class PgChangeFeed final : public ChangeFeed {
 public:
  explicit PgChangeFeed(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  void Poll(std::chrono::milliseconds wait, ChangeSink& sink) override {
    if (!conn_ && !Connect(sink)) return;
    PGconn* c = conn_->native();
    if (!Wait(c, wait) || PQconsumeInput(c) != 1) return Lost(sink, PQerrorMessage(c));
    const auto now = Clock::now();
    // Whatever arrived (a notification, a heartbeat's answer) shows the connection is alive.
    bool heard = false;
    while (PGnotify* n = PQnotifies(c)) {
      heard = true;
      Report(n->extra, sink);
      PQfreemem(n);
    }
    if (ping_sent_ && PQisBusy(c) == 0) {
      while (PGresult* r = PQgetResult(c)) PQclear(r);
      ping_sent_ = false;
      heard = true;
    }
    if (heard) last_heard_ = now;
    if (ping_sent_ && now - ping_at_ > kHeartbeat) return Lost(sink, "no answer to a heartbeat");
    if (!ping_sent_ && now - last_heard_ > kHeartbeat) {
      if (PQsendQuery(c, "SELECT 1") != 1) return Lost(sink, PQerrorMessage(c));
      ping_sent_ = true;
      ping_at_ = now;
    }
  }

 private:
  bool Connect(ChangeSink& sink) {
    auto conn = Connection::Open(conninfo_);
    if (!conn.ok()) {
      if (!warned_) spdlog::warn("user cache off until PostgreSQL answers: {}", conn.status().ToString());
      warned_ = true;
      return false;
    }
    conn_ = std::move(conn).value();
    if (Status s = conn_->Exec(std::string("LISTEN ") + kChangeChannel, "listen"); !s.ok()) {
      conn_.reset();
      return false;
    }
    if (warned_) spdlog::info("user cache on again: PostgreSQL answers");
    warned_ = false;
    ping_sent_ = false;
    last_heard_ = Clock::now();
    // Changes made while no one listened went unheard: Watching drops everything held.
    sink.Watching(true);
    return true;
  }

  static bool Wait(PGconn* c, std::chrono::milliseconds wait) {
    pollfd p{.fd = PQsocket(c), .events = POLLIN, .revents = 0};
    if (p.fd < 0) return false;
    const int n = ::poll(&p, 1, static_cast<int>(wait.count()));
    return n >= 0 || errno == EINTR;
  }

  static void Report(std::string_view payload, ChangeSink& sink) {
    int64_t id = 0;
    auto [end, ec] = std::from_chars(payload.data(), payload.data() + payload.size(), id);
    if (ec == std::errc() && end == payload.data() + payload.size()) {
      sink.UserChanged(id);
    } else {
      sink.AllChanged();
    }
  }

  void Lost(ChangeSink& sink, std::string_view why) {
    std::string message(why);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    spdlog::warn("user cache off: lost PostgreSQL's change notifications: {}", message);
    warned_ = true;
    sink.Watching(false);
    conn_.reset();
  }

  const std::string conninfo_;
  std::unique_ptr<Connection> conn_;
  bool warned_ = false;
  bool ping_sent_ = false;
  Clock::time_point ping_at_{};
  Clock::time_point last_heard_{};
};

}  // namespace

std::unique_ptr<ChangeFeed> OpenPgChangeFeed(const std::string& conninfo) {
  return std::make_unique<PgChangeFeed>(conninfo);
}

}  // namespace authd::pg
