// The numbers /metrics exposes, in Prometheus' text format (version 0.0.4). Counters are
// atomics, so recording is a few uncontended instructions on the request path; the per-route
// series are created on first use under a lock and never removed (routes are a fixed set).
// Thread-safety: everything may be called from any thread at once.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace authd {

class Metrics {
 public:
  // One answered request. `route` is the matched pattern ("" when none matched).
  void RecordRequest(std::string_view route, std::string_view method, int status,
                     std::chrono::microseconds duration);
  void LoginSucceeded() { logins_ok_.fetch_add(1, std::memory_order_relaxed); }
  void LoginFailed() { logins_failed_.fetch_add(1, std::memory_order_relaxed); }
  void Throttled(std::string_view what);           // "login" or "register"
  void TokenIssued(std::string_view type);         // "access" or "refresh"
  void TokenRefused(std::string_view reason);      // TokenErrorName(), or "blacklisted", ...

  // A value read when /metrics is scraped (pool depths, process memory).
  void AddGauge(std::string name, std::string help, std::function<double()> read);
  // A counter kept elsewhere (the log's dropped lines), likewise read at scrape time.
  void AddCounter(std::string name, std::string help, std::function<double()> read);

  // The exposition text.
  std::string Render() const;

 private:
  // Latency buckets in seconds: sub-millisecond answers up to hashing-bound logins.
  static constexpr std::array<double, 14> kBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025,
                                                      0.005,  0.01,    0.025,  0.05,  0.1,
                                                      0.25,   0.5,     1.0,    2.5};
  // Everything recorded for one route: found by the route alone (a string_view lookup, no
  // allocation), then its few (method, status) pairs by a short scan.
  struct RouteStats {
    struct Outcome {
      std::string method;
      int status;
      std::unique_ptr<std::atomic<uint64_t>> count;
    };
    std::vector<Outcome> outcomes;  // GUARDED_BY(Metrics::mu_) for insertion
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // the last is +Inf
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_micros{0};
  };
  static std::atomic<uint64_t>* FindOutcome(const RouteStats& r, std::string_view method,
                                            int status);

  std::atomic<uint64_t>& Counter(std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>,
                                          std::less<>>& family,
                                 std::string_view label);

  mutable std::shared_mutex mu_;
  std::map<std::string, std::unique_ptr<RouteStats>, std::less<>> routes_;  // GUARDED_BY(mu_)
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> issued_;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> refused_;
  std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>> throttled_;
  struct Gauge {
    std::string name, help;
    std::function<double()> read;
    const char* type = "gauge";
  };
  std::vector<Gauge> gauges_;  // GUARDED_BY(mu_)
  std::atomic<uint64_t> logins_ok_{0};
  std::atomic<uint64_t> logins_failed_{0};
};

// Adds the process gauges every service exposes: resident memory and open descriptors.
void AddProcessGauges(Metrics& metrics);

}  // namespace authd
