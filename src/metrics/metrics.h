// The numbers /metrics exposes, in Prometheus' text format (version 0.0.4). Each thread counts
// in its own shard, summed when /metrics is scraped: recording takes no lock and no locked
// instruction, and two I/O threads never write the same cache line. A thread's series are
// created on its first use of a label (under its shard's lock) and never removed (routes,
// methods and statuses are small fixed sets).
// Thread-safety: everything may be called from any thread at once.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace authd {

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // One answered request. `route` is the matched pattern ("" when none matched).
  void RecordRequest(std::string_view route, std::string_view method, int status,
                     std::chrono::microseconds duration);
  void LoginSucceeded();
  void LoginFailed();
  void Throttled(std::string_view what);           // "login" or "register"
  void TokenIssued(std::string_view type);         // "access" or "refresh"
  void TokenRefused(std::string_view reason);      // TokenErrorName(), or "blacklisted", ...

  // A value read when /metrics is scraped (pool depths, process memory).
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // A counter kept elsewhere (the log's dropped lines), likewise read at scrape time.
  void AddCounter(std::string name, std::string help, std::function<double()> read);

  // A counter with labels kept elsewhere, read at scrape time: each entry's first member is
  // its label set as Prometheus writes it (kind="verify_email",result="sent").
  using LabeledValues = std::vector<std::pair<std::string, double>>;
  void AddLabeledCounter(std::string name, std::string help, std::function<LabeledValues()> read);

  // The exposition text: every thread's counts summed.
  std::string Render() const;

 private:
  // Latency buckets in seconds: sub-millisecond answers up to hashing-bound logins.
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.25,   0.5,     1.0,    2.5};
  struct Shard;  // one thread's counts (metrics.cc)
  enum Family { kIssued, kRefused, kThrottled, kFamilies };

  // The calling thread's shard, found through a thread-local cache after the first call.
  Shard& Local();
  void Count(Family family, std::string_view label);

  const uint64_t id_;  // tells this Metrics from others in the threads' caches
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Shard>> shards_;  // GUARDED_BY(mu_)
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
    const char* type = "gauge";
    std::function<LabeledValues()> read_labeled;  // set instead of `read` for a labeled one
  };
  std::vector<Gauge> gauges_;  // GUARDED_BY(mu_)
};

// Adds the process gauges every service exposes: resident memory and open descriptors.
void AddProcessGauges(Metrics& metrics);

}  // namespace authd
