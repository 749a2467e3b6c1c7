#include "logging/access_log.h"

#include <spdlog/details/console_globals.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

namespace authd {
namespace {

// 2 MiB per thread: at 30,000 lines a second of 180 bytes, a thread fills a tenth of it
// between two writes.
constexpr size_t kRingBytes = 2 << 20;
constexpr auto kWriteInterval = std::chrono::milliseconds(100);

// One producer (its I/O thread), one consumer (whoever holds Writer::drain_mu). Positions
// count bytes ever written and read; the bytes between them are pending.
struct Ring {
  std::unique_ptr<char[]> bytes{new char[kRingBytes]};
  std::atomic<uint64_t> written{0};  // advanced by the producer only
  std::atomic<uint64_t> read{0};     // advanced by the consumer only
};

// The time a line starts with, "2026-11-30T10:56:03.230+00:00" (text) or
// {"time":"2026-11-30T10:56:03.230123Z" (JSON): up to the first space or comma. Such times
// sort as text.
std::string_view TimeOf(std::string_view line) { return line.substr(0, line.find_first_of(" ,")); }

// The lines of several threads, each already in time order, as one text in time order (ties
// keep the threads' order), so the log reads chronologically across threads.
std::string MergeByTime(const std::vector<std::string>& texts) {
  std::vector<std::string_view> rest(texts.begin(), texts.end());
  std::string out;
  out.reserve(std::accumulate(texts.begin(), texts.end(), size_t{0},
                              [](size_t n, const std::string& t) { return n + t.size(); }));
  for (;;) {
    int next = -1;
    std::string_view next_time;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i].empty()) continue;
      const std::string_view time = TimeOf(rest[i]);
      if (next < 0 || time < next_time) {
        next = static_cast<int>(i);
        next_time = time;
      }
    }
    if (next < 0) return out;
    std::string_view& text = rest[static_cast<size_t>(next)];
    const size_t end = std::min(text.find('\n'), text.size() - 1) + 1;
    out.append(text.substr(0, end));
    text.remove_prefix(end);
  }
}

class Writer {
 public:
  static Writer& Get() {
    // Never destroyed: I/O threads may log while the process exits.
    static Writer* writer = new Writer;
    return *writer;
  }

  Ring& Register() {
    auto ring = std::make_shared<Ring>();
    std::lock_guard lock(rings_mu_);  // once per thread
    rings_.push_back(ring);
    if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
    return *ring;
  }

  void Drain() {
    std::lock_guard drain(drain_mu_);
    std::vector<std::shared_ptr<Ring>> rings;
    {
      std::lock_guard lock(rings_mu_);
      rings = rings_;
    }
    // Each thread's pending lines, copied out so its buffer is free again at once.
    std::vector<std::string> pending;
    for (const auto& ring : rings) {
      const uint64_t from = ring->read.load(std::memory_order_relaxed);
      const uint64_t to = ring->written.load(std::memory_order_acquire);
      if (from == to) continue;
      const size_t start = from % kRingBytes;
      const size_t size = to - from;
      const size_t first = std::min(size, kRingBytes - start);
      std::string& text = pending.emplace_back(ring->bytes.get() + start, first);
      text.append(ring->bytes.get(), size - first);
      ring->read.store(to, std::memory_order_release);
    }
    if (pending.empty()) return;
    const std::string out = MergeByTime(pending);
    // stderr is shared with spdlog's own sink, which writes under this mutex.
    std::lock_guard console(spdlog::details::console_mutex::mutex());
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
  }

  std::atomic<uint64_t> dropped{0};

 private:
  void Run() {
    for (;;) {
      std::this_thread::sleep_for(kWriteInterval);
      Drain();
    }
  }

  std::mutex rings_mu_;
  std::vector<std::shared_ptr<Ring>> rings_;  // GUARDED_BY(rings_mu_)
  std::thread thread_;                        // GUARDED_BY(rings_mu_)
  std::mutex drain_mu_;                       // one consumer at a time
};

}  // namespace

void AppendAccessLine(std::string_view line) {
  thread_local Ring* ring = &Writer::Get().Register();
  const uint64_t written = ring->written.load(std::memory_order_relaxed);
  const uint64_t read = ring->read.load(std::memory_order_acquire);
  if (line.size() > kRingBytes - (written - read)) {
    Writer::Get().dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const size_t start = written % kRingBytes;
  const size_t first = std::min(line.size(), kRingBytes - start);
  std::memcpy(ring->bytes.get() + start, line.data(), first);
  std::memcpy(ring->bytes.get(), line.data() + first, line.size() - first);
  ring->written.store(written + line.size(), std::memory_order_release);
}

void FlushAccessLog() { Writer::Get().Drain(); }

uint64_t DroppedAccessLines() { return Writer::Get().dropped.load(std::memory_order_relaxed); }

}  // namespace authd
