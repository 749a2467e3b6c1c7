#include "metrics/metrics.h"

#include "logging/access_log.h"

#include <dirent.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace authd {
namespace {

// A label value as the text format wants it: backslash, quote and newline escaped.
std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::atomic<uint64_t>& Metrics::Counter(
    std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>>& family,
    std::string_view label) {
  {
    std::shared_lock lock(mu_);
    if (auto it = family.find(label); it != family.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto& slot = family[std::string(label)];
  if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
  return *slot;
}

std::atomic<uint64_t>* Metrics::FindOutcome(const RouteStats& r, std::string_view method,
                                            int status) {
  for (const auto& o : r.outcomes) {
    if (o.status == status && o.method == method) return o.count.get();
  }
  return nullptr;
}

void Metrics::RecordRequest(std::string_view route, std::string_view method, int status,
                            std::chrono::microseconds duration) {
  const std::string_view name = route.empty() ? "unmatched" : route;
  // Any token is a method to the HTTP parser; only the standard ones get their own series,
  // so a client inventing methods cannot grow the metrics without bound.
  static constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT",
                                                  "PATCH", "DELETE", "OPTIONS"};
  bool standard = false;
  for (std::string_view m : kMethods) standard = standard || m == method;
  if (!standard) method = "other";
  RouteStats* stats = nullptr;
  std::atomic<uint64_t>* outcome = nullptr;
  {
    std::shared_lock lock(mu_);
    if (auto it = routes_.find(name); it != routes_.end()) {
      stats = it->second.get();
      outcome = FindOutcome(*stats, method, status);
    }
  }
  if (outcome == nullptr) {  // first time for this route, method and status
    std::unique_lock lock(mu_);
    auto& slot = routes_[std::string(name)];
    if (!slot) slot = std::make_unique<RouteStats>();
    stats = slot.get();
    outcome = FindOutcome(*stats, method, status);
    if (outcome == nullptr) {
      stats->outcomes.push_back({std::string(method), status,
                                 std::make_unique<std::atomic<uint64_t>>(0)});
      outcome = stats->outcomes.back().count.get();
    }
  }
  outcome->fetch_add(1, std::memory_order_relaxed);
  const double seconds = static_cast<double>(duration.count()) / 1e6;
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  stats->buckets[b].fetch_add(1, std::memory_order_relaxed);
  stats->count.fetch_add(1, std::memory_order_relaxed);
  stats->sum_micros.fetch_add(static_cast<uint64_t>(duration.count()), std::memory_order_relaxed);
}

void Metrics::Throttled(std::string_view what) {
  Counter(throttled_, what).fetch_add(1, std::memory_order_relaxed);
}
void Metrics::TokenIssued(std::string_view type) {
  Counter(issued_, type).fetch_add(1, std::memory_order_relaxed);
}
void Metrics::TokenRefused(std::string_view reason) {
  Counter(refused_, reason).fetch_add(1, std::memory_order_relaxed);
}

void Metrics::AddGauge(std::string name, std::string help, std::function<double()> read) {
  std::unique_lock lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read)});
}

void Metrics::AddCounter(std::string name, std::string help, std::function<double()> read) {
  std::unique_lock lock(mu_);
  gauges_.push_back({std::move(name), std::move(help), std::move(read), "counter"});
}

std::string Metrics::Render() const {
  std::string out;
  auto it = std::back_inserter(out);
  std::shared_lock lock(mu_);

  Header(out, "authd_http_requests_total", "counter", "HTTP requests answered, by route, method and status.");
  for (const auto& [route, r] : routes_) {
    for (const auto& o : r->outcomes) {
      fmt::format_to(it, "authd_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n",
                     Label(route), Label(o.method), o.status, o.count->load());
    }
  }
  Header(out, "authd_http_request_duration_seconds", "histogram",
         "Time from a request's arrival to its answer, by route.");
  for (const auto& [route, l] : routes_) {
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += l->buckets[b].load();
      const std::string le = b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf";
      fmt::format_to(it, "authd_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                     Label(route), le, cumulative);
    }
    fmt::format_to(it, "authd_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", Label(route),
                   static_cast<double>(l->sum_micros.load()) / 1e6);
    fmt::format_to(it, "authd_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                   Label(route), l->count.load());
  }
  Header(out, "authd_logins_total", "counter", "Password logins, by result.");
  fmt::format_to(it, "authd_logins_total{{result=\"success\"}} {}\n", logins_ok_.load());
  fmt::format_to(it, "authd_logins_total{{result=\"failure\"}} {}\n", logins_failed_.load());
  auto family = [&](std::string_view name, std::string_view label, std::string_view help,
                    const auto& values) {
    Header(out, name, "counter", help);
    for (const auto& [v, n] : values) {
      fmt::format_to(it, "{}{{{}=\"{}\"}} {}\n", name, label, Label(v), n->load());
    }
  };
  family("authd_tokens_issued_total", "type", "Tokens issued, by type.", issued_);
  family("authd_tokens_refused_total", "reason", "Tokens refused, by reason.", refused_);
  family("authd_throttled_total", "what", "Requests answered 429 by brute-force protection or a rate limit.",
         throttled_);
  for (const auto& g : gauges_) {
    Header(out, g.name, g.type, g.help);
    fmt::format_to(it, "{} {}\n", g.name, g.read());
  }
  return out;
}

void AddProcessGauges(Metrics& metrics) {
  metrics.AddCounter("authd_log_lines_dropped_total",
                   "Access-log lines dropped because the log could not keep up.",
                   [] { return static_cast<double>(DroppedAccessLines()); });
  metrics.AddGauge("process_resident_memory_bytes", "Resident memory size in bytes.", [] {
    long pages = 0, resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
      if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
      std::fclose(f);
    }
    return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
  });
  metrics.AddGauge("process_open_fds", "Open file descriptors.", [] {
    double n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
      while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') ++n;
      }
      ::closedir(d);
    }
    return n - 1;  // the directory handle itself
  });
}

}  // namespace authd
